"""Dates beyond the archive, as a researcher types them ("everything since 2010", "the
quarter after the last export"), must not invent findings or fail with a wrong message.

Before the fix, on the demo (archive 2015-01-01..2017-12-31):

* ``findings --period 2017-12-01..2018-03-31`` said output "fell 100% ... to March 2018
  (0.0 a day)", found a change point on 2018-01-01 (17.3 to 0.0 a day) and supporters'
  amplification of 2.6 a day (309 forwards over 121 days, 90 of them never collected),
  while the silenced-outlet finding, from outlet status, used the cut window;
* ``findings --from 2010-01-01`` failed: "--baseline 2010-01-01..2010-12-31 lies wholly
  outside the archive's coverage", a baseline the user never gave;
* ``findings --from`` after the last post said "the store's data (2020-01-01 to
  2017-12-31)", a range that is no data;
* ``supporters --from`` after the last post (or ``--to`` before the first) failed with
  "--to ... is before --from ...", though no --to was given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch.errors import UsageError
from mutewatch.measure.registry import run_measurement

BASELINE = "2015-01-01..2015-12-31"


def _by_kind(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["kind"]: f for f in result["findings"]}


@pytest.fixture(scope="module")
def december(demo_store: Path) -> dict[str, Any]:
    return run_measurement(
        "findings", demo_store, baseline=BASELINE, period="2017-12-01..2017-12-31"
    )


def test_a_period_past_the_archive_speaks_of_its_covered_days(
    demo_store: Path, december: dict[str, Any]
) -> None:
    longer = run_measurement(
        "findings", demo_store, baseline=BASELINE, period="2017-12-01..2018-03-31"
    )
    got, want = _by_kind(longer), _by_kind(december)
    assert got.keys() == want.keys()
    for kind in ("decline", "change_points", "amplification", "supporter_share"):
        assert got[kind]["numbers"] == want[kind]["numbers"], kind
        assert "2018" not in got[kind]["sentence"], got[kind]["sentence"]
    assert got["silenced_outlets"]["numbers"] == want["silenced_outlets"]["numbers"]
    assert any("extends beyond the archive" in w for w in longer["warnings"])


def test_from_before_the_archive_chooses_windows_within_it(
    demo_store: Path, december: dict[str, Any]
) -> None:
    early = run_measurement("findings", demo_store, date_from="2010-01-01")
    plain = run_measurement("findings", demo_store)
    assert early["parameters"]["baseline"] == plain["parameters"]["baseline"]
    assert early["parameters"]["period"] == plain["parameters"]["period"]
    got, want = _by_kind(early), _by_kind(plain)
    assert got["change_points"]["numbers"] == want["change_points"]["numbers"]
    assert "2010" not in got["change_points"]["sentence"]


def test_from_after_the_archive_names_the_option_and_the_data(demo_store: Path) -> None:
    with pytest.raises(UsageError) as caught:
        run_measurement("findings", demo_store, date_from="2020-01-01")
    message = str(caught.value)
    assert "--from 2020-01-01" in message
    assert "(2020-01-01 to" not in message


@pytest.mark.parametrize("dates", [{"date_from": "2020-01-01"}, {"date_to": "2010-06-01"}])
def test_supporters_outside_the_archive_is_empty_not_an_error(
    demo_store: Path, dates: dict[str, str]
) -> None:
    result = run_measurement("supporters", demo_store, **dates)
    assert result["rows"] == [] and result["total"] is None
    assert any("wholly outside the archive" in w for w in result["warnings"])


def test_platforms_outside_the_archive_has_no_inverted_total(demo_store: Path) -> None:
    result = run_measurement("platforms", demo_store, date_from="2020-01-01")
    assert result["rows"] == []
    total = result["total"]
    assert total is None or total["from"] <= total["to"]


@pytest.mark.parametrize("dates", [{"date_from": "2020-01-01"}, {"date_to": "2010-06-01"}])
def test_silences_outside_the_archive_warn_as_the_others_do(
    demo_store: Path, dates: dict[str, str]
) -> None:
    """output, trend, platforms and supporters warn that nothing there was collected;
    silences listed none without a word, which reads as a quiet stretch."""
    result = run_measurement("silences", demo_store, **dates)
    assert result["silences"] == []
    assert any("wholly outside the archive" in w for w in result.get("warnings", []))


def test_silences_within_the_archive_do_not_warn(demo_store: Path) -> None:
    result = run_measurement("silences", demo_store, date_from="2016-01-01")
    assert "warnings" not in result
