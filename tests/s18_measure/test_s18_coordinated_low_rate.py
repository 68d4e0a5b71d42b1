"""``findings --coordinated`` at low posting rates: the same outlets silent together, not a
window of outlets taking turns.

Outlets posting about once a day are each in a 12-hour gap much of the time, so "at least
k of N in a gap at every moment" held for nearly the whole record, and the finding said
"At least 2 of 4 outlets were silent at once for 44.9 days", naming the record one
silence, while no two of them were silent together for more than a day and a half. The
sweep's window was right by its definition; the sentence was not: the finding now states
the longest stretch in which the same k outlets were all silent (``together``), says the
longer window was outlets in turn, and whether their gaps were unusual for their rates;
with no k silent together for ``--min-hours`` it is left out with that reason and its
numbers. A real shared silence reads as before.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params
from mutewatch.measure.silences import measure as silences
from tests.s18_measure.conftest import cli, ingest_rows

WINDOWS = ["--baseline", "2016-01", "--period", "2016-02"]


def _rows(times: dict[str, list[datetime]]) -> list[tuple[str, ...]]:
    return [(who, f"{t:%Y-%m-%d %H:%M:%S}", f"{who} {t:%j %H%M}") for who, ts in times.items()
            for t in ts]  # fmt: skip


@pytest.fixture(scope="module")
def low_rate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four outlets posting once a day for 60 days, each at its own shifting hour."""
    day0 = datetime(2016, 1, 1)
    times = {
        f"outlet_{o}": [
            day0 + timedelta(days=d, hours=(5 * o + 7 * d * (o + 1)) % 24, minutes=(13 * d) % 60)
            for d in range(60)
        ]
        for o in range(4)
    }
    return ingest_rows(tmp_path_factory.mktemp("low_rate"), _rows(times))


@pytest.fixture(scope="module")
def burst(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four Telegram channels posting every 2 hours through January and February 2016, all
    silent from 2016-01-20 06:00 to 2016-01-21 12:00; their message ids show no post
    missing (coverage full)."""
    quiet = (datetime(2016, 1, 20, 6), datetime(2016, 1, 21, 12))
    times = {}
    for o in range(4):
        t, ts = datetime(2016, 1, 1, o % 2), []
        while t < datetime(2016, 2, 29):
            if not quiet[0] < t < quiet[1]:
                ts.append(t)
            t += timedelta(hours=2)
        times[f"outlet_{o}"] = ts
    folder = tmp_path_factory.mktemp("burst")
    return ingest_rows(folder, _rows(times), platform="telegram", ids=True)


@pytest.fixture(scope="module")
def alternating(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two outlets posting once a day, one at 00:00, the other at 12:00: with --min-hours
    14 each is always in a 24-hour gap, never both for more than 12 hours."""
    day0 = datetime(2016, 1, 1)
    times = {
        who: [day0 + timedelta(days=d, hours=h) for d in range(60)]
        for who, h in (("outlet_a", 0), ("outlet_b", 12))
    }
    return ingest_rows(tmp_path_factory.mktemp("alternating"), _rows(times))


def _findings(store: Path, *args: str) -> dict[str, Any]:
    result = cli(store, "findings", "--of", "all", "--coordinated", *WINDOWS, *args, "--json")
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.output)
    return out


def _coordinated(found: dict[str, Any]) -> dict[str, Any] | None:
    return next((f for f in found["findings"] if f["kind"] == "coordinated_silence"), None)


def test_a_low_rate_window_is_not_called_one_silence(low_rate: Path) -> None:
    found = _coordinated(_findings(low_rate))
    assert found is not None
    numbers = found["numbers"]
    assert numbers["hours"] > 24 * 30  # the sweep's window: most of the record
    assert 12 <= numbers["together_hours"] < 48 and numbers["together_silent"] == 2
    assert numbers["together_min_p_value"] > 0.05
    sentence = found["sentence"]
    assert sentence.startswith("At least 2 of 4 outlets were silent together for ")
    assert "(the same 2 from start to end), the longest such stretch" in sentence
    assert f"of a longer {numbers['hours'] / 24:.1f} days from" in sentence
    assert "but in turn, not the same ones" in sentence
    assert " None of those 2 gaps was unusual for its outlet's own rate (each p >= " in sentence
    assert "silent at once for" not in sentence
    # tweets carry no message ids that would show missing posts
    assert numbers["together_unverified"] == 2 and numbers["together_ongoing"] == 0
    assert sentence.endswith(
        " The archive cannot tell those 2 silences from gaps in collection: their channels "
        "carry no message ids that would show missing posts (coverage unverified)."
    )


def test_the_together_stretch_is_the_same_outlets_throughout(low_rate: Path) -> None:
    """Checked against the outlets' own silences: each of the stretch's outlets has one
    silence covering all of it."""
    found = _coordinated(_findings(low_rate))
    assert found is not None
    start, end = found["numbers"]["together_start"], found["numbers"]["together_end"]
    with Engine.open(low_rate) as engine:
        listed = silences(engine, Params(of="all"), scope="outlet", ongoing=True)["silences"]
    covering = {s["outlet"] for s in listed if s["start"] <= start and s["end"] >= end}
    assert len(covering) == found["numbers"]["together_silent"] == 2


def test_a_real_shared_silence_reads_as_before(burst: Path) -> None:
    found = _coordinated(_findings(burst))
    assert found is not None
    assert found["sentence"] == (
        "At least 2 of 4 outlets were silent at once for 32.0 hours from 2016-01-20 05:00 UTC "
        "(up to 4 at the same time), the only such window."
    )
    numbers = found["numbers"]
    assert numbers["together_hours"] == numbers["hours"] == 32.0
    assert numbers["together_min_p_value"] < 0.05
    assert numbers["together_unverified"] == numbers["together_ongoing"] == 0


def test_silences_running_to_the_archives_end_are_said(tmp_path: Path) -> None:
    """Three accounts whose timelines end on 9 February while a fourth posts on: two of them
    (k) are silent together from the second's last post to the archive's end, which tweets
    cannot tell from collection."""
    day0 = datetime(2016, 1, 1)
    times = {f"outlet_{o}": [day0 + timedelta(hours=3 * n + o) for n in range(8 * 40)]
             for o in range(3)}  # fmt: skip
    times["outlet_3"] = [day0 + timedelta(hours=3 * n) for n in range(8 * 59)]
    store = ingest_rows(tmp_path, _rows(times))
    found = _coordinated(_findings(store))
    assert found is not None
    numbers = found["numbers"]
    assert numbers["together_silent"] == 2 and numbers["together_ongoing"] == 2
    assert numbers["together_start"] == "2016-02-09T22:00:00Z"  # outlet_1's last post
    assert numbers["together_end"] == numbers["end"] == "2016-02-28T21:00:00Z"
    assert found["sentence"].startswith("At least 2 of 4 outlets were silent at once for ")
    assert found["sentence"].endswith(
        " Those 2 silences still run at the archive's end. The archive cannot tell those 2 "
        "silences from gaps in collection: their channels carry no message ids that would "
        "show missing posts (coverage unverified)."
    )


def test_outlets_only_in_turn_give_no_finding_and_say_why(alternating: Path) -> None:
    found = _findings(alternating, "--min-hours", "14")
    assert _coordinated(found) is None
    reason = next(s["reason"] for s in found["skipped"] if s["kind"] == "coordinated_silence")
    assert reason.startswith(
        "no 2 of the 2 outlets were silent together for 14 hours (--min-hours): the same 2 "
        "were all silent for at most 12.0 hours (from "
    )
    assert "at every moment of " in reason and "but in turn, not together" in reason
    text = cli(
        alternating, "findings", "--of", "all", "--coordinated", *WINDOWS, "--min-hours", "14"
    )
    assert f"(no coordinated_silence finding: {reason})" in text.output
    assert "silent at once" not in text.output


def test_silences_json_is_unchanged(low_rate: Path) -> None:
    """``together`` is findings' (``coordinated_together``): silences' windows keep their keys."""
    result = json.loads(cli(low_rate, "silences", "--of", "all", "--json").output)
    assert result["coordinated"]["windows"]
    assert all("together" not in w for w in result["coordinated"]["windows"])


def test_one_outlet_cannot_be_silent_with_another_and_it_is_said(tmp_path: Path) -> None:
    rows = [(f"2016-01-{d:02d}", f"jan {d}") for d in range(1, 32)]
    rows += [(f"2016-02-{d:02d}", f"feb {d}") for d in range(1, 30)]
    found = _findings(ingest_rows(tmp_path, rows))
    reason = next(s["reason"] for s in found["skipped"] if s["kind"] == "coordinated_silence")
    assert reason == (
        "none possible: only 1 outlet has counted posts, and a coordinated silence needs at "
        "least 2 silent at once"
    )


def test_no_window_names_its_k_n_and_hours(low_rate: Path) -> None:
    found = _findings(low_rate, "--min-hours", "200")
    reason = next(s["reason"] for s in found["skipped"] if s["kind"] == "coordinated_silence")
    assert reason == (
        "no window in which 2 of the 4 outlets were silent at once (each in a gap of 200 "
        "hours or more, --min-hours)"
    )
