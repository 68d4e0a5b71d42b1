"""The store of the session-10 ``--outlet`` tests: three channels, each its own
(supporter) outlet, in three JSON Lines files; ``early`` is collected from Jan 1, ``late``
from Jan 16 and ``bare`` from Feb 1 2016, all to Mar 31 (every 6 hours), and ``bare``'s
``coverage`` rows are deleted (a store whose coverage of a channel was never recorded)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.measure_s8.conftest import build, every


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("s10-fallback")
    path = build(
        folder,
        [
            {"early": every(datetime(2016, 1, 1), datetime(2016, 3, 31), 6)},
            {"late": every(datetime(2016, 1, 16), datetime(2016, 3, 31), 6)},
            {"bare": every(datetime(2016, 2, 1), datetime(2016, 3, 31), 6)},
        ],
    )
    with duckdb.connect(str(path)) as con:
        con.execute(
            "DELETE FROM coverage WHERE (platform, account_id) IN "
            "(SELECT (platform, account_id) FROM accounts WHERE name = 'bare')"
        )
    return path
