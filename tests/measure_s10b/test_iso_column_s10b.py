"""silences._iso_column (numpy, vectorised) spells every time as params.iso does."""

from __future__ import annotations

import pandas as pd

from mutewatch.measure.params import iso
from mutewatch.measure.silences import _iso_column

TIMES = [
    "2017-11-08 09:00:00",
    "2017-11-08 09:00:00.000123",
    "1999-12-31 23:59:59.999999",
    "1969-12-31 23:59:59.500000",
    "1970-01-01 00:00:00",
    "9999-12-31 23:59:59.000001",
]


def test_iso_column_matches_iso_per_row() -> None:
    values = pd.Series(pd.to_datetime(TIMES, format="ISO8601").astype("datetime64[us]"))
    expected = [iso(t.to_pydatetime()) for t in values]
    assert _iso_column(values) == expected
    assert _iso_column(values.iloc[:3].astype("datetime64[ns]")) == expected[:3]
    assert _iso_column(values.iloc[:0]) == []
