"""The measurements' text output as a researcher reads it:

- `supporters` printed no notes: given --of supporter (or --of official) it counted every
  post and said so only in the JSON's ``notes``; on an empty window its 'nothing to
  measure' note was missing too.
- `trend` wrote '1 days' and '1 posts' for a one-day window.
- `silences` and `outlets status` printed long hours and large ratios as '1.01e+04'.
- `trend --level 1` was refused as 'between 0 and 1', words that take in 1 (and --level 0
  was refused as 'above 0 and at most 1')."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mutewatch.store import Store
from tests.s16_measure.conftest import run


def test_supporters_says_in_text_that_of_was_not_applied(two_channels: Path) -> None:
    as_json = json.loads(run(two_channels, "supporters", "--of", "supporter", "--json").output)
    (note,) = as_json["notes"]
    assert note.startswith("--of supporter was not applied")
    text = run(two_channels, "supporters", "--of", "supporter")
    assert text.exit_code == 0, text.output
    assert f"Note: {note}\n" in text.output
    assert "Note:" not in run(two_channels, "supporters").output  # none to give


def test_supporters_says_in_text_that_an_empty_store_holds_nothing(tmp_path: Path) -> None:
    store = tmp_path / "empty.duckdb"
    Store.open(store).close()
    notes = json.loads(run(store, "supporters", "--json").output)["notes"]
    assert any("nothing to measure" in n for n in notes)
    text = run(store, "supporters").output
    for note in notes:
        assert f"Note: {note}\n" in text


def test_trend_counts_one_day_and_one_post_in_the_singular(two_channels: Path) -> None:
    # chan_a alone on 2015-06-01 at 00, 06, 12, 18: 4 posts in 1 day
    text = run(two_channels, "trend", "--of", "all", "--from", "2015-06-01", "--to", "2015-06-01")
    assert "Series: 2015-06-01 to 2015-06-01, 1 day, 4 posts (4.00 a day)" in text.output
    text = run(
        two_channels, "trend", "--of", "all", "--outlet", "chan_b", "--from", "2016-03-31",
        "--to", "2016-03-31", "--window", "1",
    )  # fmt: skip
    assert ", 1 day, 4 posts" in text.output, text.output
    assert " 1 days" not in text.output and " 1 posts" not in text.output


def test_long_hours_are_whole_numbers_not_exponents(two_channels: Path) -> None:
    args = ["silences", "--of", "all", "--scope", "outlet", "--min-hours", "5000"]
    (gap,) = json.loads(run(two_channels, *args, "--json").output)["silences"]
    assert gap["outlet"] == "chan_b" and round(gap["hours"]) == 10104
    text = run(two_channels, *args).output
    assert "e+0" not in text
    assert "  10104  " in text.splitlines()[1]


@pytest.mark.parametrize("level", ["0", "1", "1.5"])
def test_trend_refuses_a_level_in_words_that_leave_it_out(two_channels: Path, level: str) -> None:
    result = run(two_channels, "trend", "--of", "all", "--level", level)
    assert result.exit_code == 2 and "Traceback" not in result.output
    (line,) = result.output.splitlines()
    assert line.startswith("Error: level must be ") and "--level" in line
    assert "between 0 and 1" not in line  # 1 is between 0 and 1
    if level == "1":
        assert "below 1, not 1.0" in line


def test_findings_parameters_line_writes_windows_as_outlets_status_does(
    two_channels: Path,
) -> None:
    """It printed ``baseline={'from': '2015-02-01', 'to': '2015-02-28'}``, a Python dict."""
    windows = ["--baseline", "2015-02", "--period", "2016-03", "--of", "all"]
    (line,) = [
        x for x in run(two_channels, "findings", *windows).output.splitlines()
        if x.startswith("Parameters: ")
    ]  # fmt: skip
    assert "baseline=2015-02-01..2015-02-28, period=2016-03-01..2016-03-31" in line
    assert "{" not in line
    (status,) = [
        x for x in run(two_channels, "outlets", "status", *windows).output.splitlines()
        if x.startswith("Parameters: ")
    ]  # fmt: skip
    assert "baseline=2015-02-01..2015-02-28, period=2016-03-01..2016-03-31" in status


def test_silences_ongoing_says_which_silence_is_still_running(two_channels: Path) -> None:
    """With --ongoing, a silence still running at the archive's end ends at the archive's
    end, not at a post; the text showed that end like any other, with no 'ongoing' mark."""
    args = ["silences", "--of", "all", "--scope", "outlet", "--min-hours", "5000"]
    listed = json.loads(run(two_channels, *args, "--ongoing", "--json").output)["silences"]
    assert [(s["outlet"], s["ongoing"]) for s in listed] == [
        ("chan_b", False), ("chan_c", True)
    ]  # fmt: skip
    header, chan_b, chan_c = run(two_channels, *args, "--ongoing").output.splitlines()[:3]
    assert header.split()[-1] == "ongoing"
    assert chan_b.split()[-1] == "False" and chan_c.split()[-1] == "True"
    assert "ongoing" not in run(two_channels, *args).output.splitlines()[0]


@pytest.mark.parametrize("days", ["1", "6.5"])
def test_a_lookback_too_short_for_any_p_value_is_refused(two_channels: Path, days: str) -> None:
    """--lookback-days below the 7 days of record a p-value needs gave every silence a
    p-value of '-', with no word why."""
    args = ["silences", "--of", "all", "--lookback-days", days]
    result = run(two_channels, *args)
    assert result.exit_code == 2, result.output
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: --lookback-days {days} is shorter than the 7 days")
    assert "pass --lookback-days 7 or more" in line
    error = json.loads(run(two_channels, *args, "--json").output)["error"]
    assert error["code"] == "bad_request" and "--lookback-days" in error["message"]
    weekly = run(two_channels, *args[:-1], "7", "--scope", "outlet", "--min-hours", "6", "--json")
    listed = json.loads(weekly.output)["silences"]
    assert listed and any(s["p_value"] is not None for s in listed)


def test_an_untested_trend_is_not_called_flat(two_channels: Path) -> None:
    """Under 3 full periods, or the same value in each, Kendall's tau is not computed; the
    JSON's direction is 'flat' all the same, and the text said 'flat (tau -, p -)' as if a
    test had found no trend."""
    one = run(two_channels, "supporters", "--from", "2016-03-01").output
    assert "Trend of share: not tested (1 full period; the test needs 3 or more)\n" in one
    assert "flat" not in one
    every_month = run(two_channels, "supporters").output  # supporters only: share 1.0 always
    assert "Trend of share: flat (the same in all 15 full periods; tau -, p -)\n" in every_month
    links = run(two_channels, "platforms", "--of", "all", "--from", "2016-02-01").output
    assert "Trend of distinct hosts: not tested (2 full periods; the test needs 3" in links


def test_a_period_cut_by_from_to_is_not_said_to_be_cut_by_the_archive(
    two_channels: Path,
) -> None:
    """The archive covers March 2016 whole; --from/--to keep 1 of its days. The footnote
    said 'the archive covers 1 of its 31 days'."""
    args = ["output", "--of", "all", "--every", "month"]
    text = run(two_channels, *args, "--from", "2016-03-31", "--to", "2016-03-31").output
    assert "2016-03-01  8      3% partial*" in text
    assert "* 2016-03-01: --from/--to and the archive's coverage leave 1 of its 31 days" in text
    assert "the archive covers" not in text
    whole = run(two_channels, *args, "--from", "2016-03-01").output
    assert "partial" not in whole and "Total: 248" in whole


def test_a_change_point_rising_from_zero_says_so(two_channels: Path) -> None:
    """chan_b resumes on 2016-03-01 after 14 months without a post: a rise from 0 a day
    has no percentage, and the text wrote '(-)', which reads as a fall."""
    text = run(two_channels, "trend", "--of", "all", "--outlet", "chan_b").output
    (line,) = [x for x in text.splitlines() if x.startswith("  2016-03-01")]
    assert line.endswith("-> 4.00 a day (from 0)"), text
    assert "(-)" not in text
