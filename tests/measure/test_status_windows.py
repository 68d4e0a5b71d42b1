"""Outlet status windows: --from/--to narrow days as well as posts, the threshold is one exact
test, registered outlets without posts are listed, windows are clipped to the archive's
coverage with a warning. Stores are written row by row (planted truth, placeholder text)."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.measure import status
from mutewatch.measure.registry import run_measurement

from .conftest import StoreFactory, every

DAY = timedelta(days=1)
YEAR_2015 = "2015-01-01..2015-12-31"
DEC_2017 = "2017-12-01..2017-12-31"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2015-01-01..2017-12-31 collected (one source). Official outlets: A posts 2 a day all
    along; B 4 a day in 2015, 1 every 4 days from 2016; Z (registered) never posts; O
    (registered) posts only in 2016. Y: a registered supporter outlet that never posts;
    S: an unregistered account posting daily."""
    f = StoreFactory(tmp_path_factory.mktemp("windows") / "archive.duckdb")
    first, end = datetime(2015, 1, 1), datetime(2018, 1, 1)
    src = f.source(first, end - timedelta(hours=1))
    ids = {name: f.outlet(name) for name in ("A", "B", "Z", "O")}
    ids["Y"] = f.outlet("Y", official=False)
    ids["S"] = f.outlet("S", official=False, registered=False)
    ch = {name: f.channel(f"20{i}", ids[name]) for i, name in enumerate(("A", "B", "O", "S"))}
    f.posts(ch["A"], every(first + timedelta(hours=6), end, 12 * timedelta(hours=1)))
    f.posts(ch["B"], every(first, datetime(2016, 1, 1), 6 * timedelta(hours=1)))
    f.posts(ch["B"], every(datetime(2016, 1, 1, 3), end, 4 * DAY))
    f.posts(ch["O"], every(datetime(2016, 2, 1, 9), datetime(2016, 3, 1), DAY))
    f.posts(ch["S"], every(first + timedelta(hours=1), end, DAY))
    for name in ("A", "B", "O", "S"):
        f.coverage(src, ch[name], first, end - timedelta(hours=1))
    return f.close()


def _status(path: Path, **options: Any) -> dict[str, Any]:
    options.setdefault("change_points", False)
    result: dict[str, Any] = run_measurement("outlets_status", path, **options)
    return result


def _by(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["outlet"]: r for r in result["outlets"]}


# --- 1. --from/--to narrow the days as well as the posts ---------------------------------------


def test_from_narrows_baseline_days_with_its_posts(archive: Path) -> None:
    result = _status(archive, baseline=YEAR_2015, period=DEC_2017, date_from="2015-07-01")
    assert result["baseline"] == {"from": "2015-07-01", "to": "2015-12-31", "days": 184}
    assert result["period"] == {"from": "2017-12-01", "to": "2017-12-31", "days": 31}
    a = _by(result)["A"]
    assert a["baseline_posts"] == 2 * 184
    assert a["baseline_per_day"] == 2.0  # not 368 / 365
    assert a["ratio"] == 1.0 and a["status"] == "active"
    assert result["parameters"]["baseline"] == YEAR_2015  # the request stays on record
    assert result["warnings"] == []


def test_to_narrows_the_period(archive: Path) -> None:
    result = _status(archive, baseline=YEAR_2015, period=DEC_2017, date_to="2017-12-10")
    assert result["period"] == {"from": "2017-12-01", "to": "2017-12-10", "days": 10}
    a = _by(result)["A"]
    assert (a["period_posts"], a["period_per_day"]) == (20, 2.0)


@pytest.mark.parametrize(
    ("window", "options"),
    [("--baseline", {"date_from": "2016-01-01"}), ("--period", {"date_to": "2017-06-30"})],
)
def test_window_outside_from_to_is_a_usage_error(
    archive: Path, window: str, options: dict[str, str]
) -> None:
    with pytest.raises(UsageError) as err:
        _status(archive, baseline=YEAR_2015, period=DEC_2017, **options)
    assert window in str(err.value) and ("--from" in str(err.value) or "--to" in str(err.value))
    assert "widen" in (err.value.hint or "")


# --- 2. one exact threshold test --------------------------------------------------------------


def _threshold_csv(tmp: Path) -> Path:
    """The audit's store: 14 posts 2020-01-01..05, then 7 posts from 2020-02-01 one every
    3 days (ratio (7/25) / (14/5) = 0.1 exactly); another account posts on 2020-02-25, so
    the archive covers the whole period."""
    times = [datetime(2020, 1, 1 + k % 5, 8 + k // 5) for k in range(14)]
    times += [datetime(2020, 2, 1, 9) + 3 * k * DAY for k in range(7)]
    rows = [("office_a", t, i + 1) for i, t in enumerate(times)]
    rows.append(("other_account", datetime(2020, 2, 25, 12), 99))
    path = tmp / "posts.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["account", "time", "text", "message_id"])
        out.writerows([(a, t.isoformat(), "placeholder", m) for a, t, m in rows])
    (tmp / "outlets.yaml").write_text(
        "outlets:\n- name: Office A\n  official: true\n  region: North\n  accounts:\n"
        "  - platform: twitter\n    name: office_a\n",
        encoding="utf-8",
    )
    return path


def _cli(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


@pytest.fixture(scope="module")
def threshold_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("threshold")
    store = tmp / "s.duckdb"
    posts = _threshold_csv(tmp)
    _cli(
        "--store", str(store), "ingest", str(posts), "--format", "csv", "--platform", "twitter",
        "--map", "message_id=message_id", "--outlets", str(tmp / "outlets.yaml"), "--json",
    )  # fmt: skip
    return store


def test_ratio_at_the_threshold_is_silenced_in_status_and_summary(threshold_store: Path) -> None:
    result = _cli(
        "--store", str(threshold_store), "outlets", "status", "--baseline",
        "2020-01-01..2020-01-05", "--period", "2020-02-01..2020-02-25", "--json",
    )  # fmt: skip
    assert result["warnings"] == [] and result["period"]["days"] == 25
    (row,) = result["outlets"]
    assert (row["baseline_posts"], row["period_posts"], row["ratio"]) == (14, 7, 0.1)
    assert row["status"] == "silenced"
    assert result["summary"]["silenced"] == 1 == result["summary"]["by_status"]["silenced"]


@pytest.mark.parametrize(
    ("threshold", "expected"), [(0.1, "silenced"), (0.0999999, "active"), (0.1000001, "silenced")]
)
def test_summary_counts_the_statuses(
    threshold_store: Path, threshold: float, expected: str
) -> None:
    result = _status(
        threshold_store,
        baseline="2020-01-01..2020-01-05",
        period="2020-02-01..2020-02-25",
        silenced_below=threshold,
    )
    (row,) = result["outlets"]
    assert row["status"] == expected
    silenced = sum(1 for r in result["outlets"] if status.is_silenced(r))
    assert result["summary"]["silenced"] == silenced == int(expected == "silenced")


def test_threshold_is_read_as_written() -> None:
    assert status.exact_threshold(0.1) == Fraction(1, 10)
    assert status.exact_threshold(0.3) == Fraction(3, 10)
    assert status.exact_threshold(1) == 1


# --- 3. registered outlets without posts -------------------------------------------------------


def test_registered_outlets_without_posts_are_listed(archive: Path) -> None:
    result = _status(archive, baseline=YEAR_2015, period=DEC_2017)
    by = _by(result)
    assert set(by) == {"A", "B", "Z", "O"}  # official ones; O posted only in 2016
    for name in ("Z", "O"):
        assert by[name]["status"] == "no_posts" and by[name]["ratio"] is None
        assert by[name]["baseline_posts"] == by[name]["period_posts"] == 0
    assert by["B"]["status"] == "silenced" and by["A"]["status"] == "active"
    summary = result["summary"]
    assert summary["registered"] == 4 and summary["registered_no_posts"] == 2
    assert summary["by_status"] == {
        "silenced": 1,
        "dormant": 0,
        "new": 0,
        "active": 1,
        "no_posts": 2,
    }
    # the existing counts keep their meaning
    assert (summary["active_in_baseline"], summary["active_in_period"]) == (2, 2)
    assert (summary["silenced"], summary["share_silenced"]) == (1, 0.5)


def test_no_posts_follows_of(archive: Path) -> None:
    supporters = _by(_status(archive, baseline=YEAR_2015, period=DEC_2017, of="supporter"))
    assert supporters["Y"]["status"] == "no_posts"
    assert supporters["S"]["status"] == "active" and supporters["S"]["registered"] is False
    assert "Z" not in supporters
    everyone = _status(archive, baseline=YEAR_2015, period=DEC_2017, of="all")
    assert {"Y", "Z", "O"} <= set(_by(everyone))
    assert everyone["summary"]["registered"] == 5
    assert everyone["summary"]["registered_no_posts"] == 3


# --- 4. coverage -------------------------------------------------------------------------------


def test_period_past_the_archive_is_clipped_and_warned(archive: Path) -> None:
    result = _status(archive, baseline=YEAR_2015, period="2017-12-01..2018-06-30")
    assert result["coverage"] == {
        "from": "2015-01-01",
        "to": "2017-12-31",
        "days": 1096,
        "basis": "sources",
    }
    assert result["period"] == {"from": "2017-12-01", "to": "2017-12-31", "days": 31}
    (warning,) = result["warnings"]
    assert "2017-12-01..2018-06-30" in warning and "31 covered days" in warning
    # the same answers as the covered month alone
    december = _status(archive, baseline=YEAR_2015, period=DEC_2017)
    assert result["outlets"] == december["outlets"]
    assert result["summary"] == december["summary"]
    assert _by(result)["A"]["period_per_day"] == 2.0


def test_baseline_before_the_archive_is_clipped(archive: Path) -> None:
    result = _status(archive, baseline="2014-07-01..2015-06-30", period=DEC_2017)
    assert result["baseline"] == {"from": "2015-01-01", "to": "2015-06-30", "days": 181}
    assert len(result["warnings"]) == 1 and "baseline" in result["warnings"][0]
    assert _by(result)["A"]["baseline_per_day"] == 2.0


def test_window_wholly_outside_the_archive_is_refused(archive: Path) -> None:
    with pytest.raises(UsageError, match="wholly outside the archive's coverage"):
        _status(archive, baseline=YEAR_2015, period="2018-02-01..2018-02-28")


def test_coverage_from_posts_when_sources_record_no_times(tmp_path: Path) -> None:
    f = StoreFactory(tmp_path / "bare.duckdb")
    f.source()  # no first/last times
    a = f.channel("1", f.outlet("A"))
    f.posts(a, every(datetime(2016, 1, 1, 12), datetime(2016, 3, 1), DAY))
    path = f.close()
    result = _status(path, baseline="2016-01-01..2016-01-31", period="2016-02-01..2016-03-31")
    assert result["coverage"]["basis"] == "posts"
    assert result["coverage"]["to"] == "2016-02-29"
    assert result["period"]["days"] == 29 and len(result["warnings"]) == 1
    assert _by(result)["A"]["ratio"] == 1.0


def test_empty_store_lists_the_registry_and_warns(tmp_path: Path) -> None:
    f = StoreFactory(tmp_path / "empty.duckdb")
    f.outlet("A")
    f.outlet("B")
    path = f.close()
    result = _status(path, baseline=YEAR_2015, period=DEC_2017, change_points=True)
    assert result["coverage"]["basis"] == "none"
    assert result["warnings"] and "no coverage" in result["warnings"][0]
    assert [r["status"] for r in result["outlets"]] == ["no_posts", "no_posts"]
    assert result["summary"]["registered_no_posts"] == 2
    assert result["summary"]["share_silenced"] is None


def test_change_points_stay_inside_the_covered_span(archive: Path) -> None:
    result = _status(
        archive, baseline=YEAR_2015, period="2017-12-01..2018-06-30", change_points=True
    )
    by = _by(result)
    assert by["B"]["changed_at"] == "2016-01-01T00:00:00Z"
    # A is steady to the end of the archive: uncollected days are no drop
    assert by["A"]["changed_at"] is None


@pytest.mark.parametrize(
    ("period", "says"),
    [
        (YEAR_2015, "overlap"),
        ("2015-06-01..2015-06-30", "overlap"),
        ("2015-12-31..2016-01-31", "overlap"),
        ("2014-01-01..2014-12-31", "ends before"),
    ],
)
def test_a_period_not_after_the_baseline_is_refused(archive: Path, period: str, says: str) -> None:
    """A period sharing days with its baseline compared those days with themselves: with
    the whole of 2015 as both, B read as active (ratio 1.0) though it fell to a sixteenth."""
    with pytest.raises(UsageError, match=says):
        _status(archive, baseline=YEAR_2015, period=period)


def test_adjacent_windows_are_accepted(archive: Path) -> None:
    rows = _by(_status(archive, baseline=YEAR_2015, period="2016-01-01..2016-01-31"))
    assert rows["B"]["status"] == "silenced"


def test_cli_names_the_overlap(archive: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "--store",
            str(archive),
            "outlets",
            "status",
            "--baseline",
            YEAR_2015,
            "--period",
            YEAR_2015,
        ],
    )
    assert result.exit_code == 2
    assert "overlap" in result.output and "--period" in result.output
