"""Findings: the measurements stated as plain sentences, each with its numbers and method.

``findings(store_path, baseline=..., period=..., **options)`` (or ``measure(engine, params,
...)``, registered as ``findings``) runs the other measurements on one engine and turns each
into zero or more findings::

    {"kind": "silenced_outlets", "sentence": "29 of 38 official outlets ...",
     "numbers": {...}, "method": "...", "parameters": {...}}

Kinds, in order:

* ``decline`` (trend): (peak - current) / peak of posts per day over full calendar months;
  the current is the last full month to the period's end, or, when the period holds no full
  month (``--period 2016-02-01..2016-02-10``), the period itself at its posts per day: the
  last full month would lie before the period.
* ``change_points`` (trend): the network-level PELT change points of the daily series.
* ``supporter_share``, ``amplification`` (supporters): baseline vs period.
* ``platform_hosts``, ``host_class_gone`` (platforms): distinct hosts baseline vs period with
  their trend, and how many links go through link shorteners wherever a window holds one
  (their hosts are the shorteners', never followed); host classes absent in the period
  where their baseline share predicts enough links that the absence is unlikely by chance
  (exp(-expected) < 0.05), among links that name a host (a URL cut short in it is left out).
* ``silenced_outlets`` (outlet status) and ``silencing_dates``: per silenced outlet, the
  change point `outlets status` reports (``changed_at``), so both say the same date.
* ``longest_silence`` (silences, network scope): the longest collected silence up to the
  period's end (gaps with coverage ``none`` are uncollected time, not silence), with the
  previous longest, p-value and coverage as `mutewatch silences` reports them. The silences
  are those of the record as it stood at the period's end (``silences`` ``as_of``): one still
  running then ends there (or at the archive's end, when that comes first), ``ongoing``, its
  hours a lower bound and its p-value and coverage those of that span, as ``silences
  --ongoing`` reads one running at the archive's end; no post after the period counts. Where the
  archive cannot tell a silence from a collection gap (coverage ``unverified`` or
  ``ids_checked`` false: no message ids that could show missing posts), the sentence says so
  and does not call the gap a record.
* ``coordinated_silence`` (only with ``coordinated=True``; per-outlet silences are costly):
  the longest stretch in which the same k of the N outlets were all silent (``together_*``
  numbers), and the longest window of ``silences``' sweep (k silent at every moment) when
  that is longer, its outlets taking turns. At low rates (outlets each in a gap of
  ``min_hours`` much of the time) the sweep's window can span most of the record; no k
  outlets silent together for ``min_hours`` is no finding, and ``skipped`` gives the numbers.

Every finding honours the period: decline, change points, the platform trend and the
longest (and coordinated) silence speak of the record up to the period's end (from
``--from``, else the store's first day), and their sentences say so; the comparisons are
baseline vs period.
An empty store gives no findings, every kind skipped and a note (not an error).

Windows: ``baseline`` and ``period`` are inclusive UTC date ranges (``A..B``; ``YYYY`` and
``YYYY-MM`` also work), read by ``params.parse_range`` as ``report`` and ``outlets status``
read theirs. The period begins after the baseline ends: two given windows that
overlap (a month and itself, a period inside the baseline) or come in the wrong order are a
UsageError saying what to pass. When not given, the baseline is the first full calendar
year in the store (else its first full month) and the period is the last full calendar
month. A finding with nothing to say (no outlets, no silences, no links) or whose
measurement is not registered is left out and listed under ``skipped`` with the reason, so a
missing sentence is never silent.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from mutewatch._words import POSTS, WHO, counted
from mutewatch.errors import UsageError
from mutewatch.measure import platforms as plat_mod
from mutewatch.measure import silences as silences_mod
from mutewatch.measure import status as status_mod
from mutewatch.measure import supporters as sup_mod
from mutewatch.measure import trend as trend_mod
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import (
    DateRange,
    Params,
    parse_range,
    require_period_after_baseline,
)

CHANNELS = {
    "official": "Official channels",
    "supporter": "Supporter channels",
    "all": "All channels",
}
NO_POST_FROM = {
    "official": "any official channel",
    "supporter": "any supporter channel",
    "all": "any channel",
}
OUTPUT = {"official": "Official output", "supporter": "Supporter output", "all": "Output"}
HOST_CLASS_NAMES = {
    "telegram": "Telegram",
    "onion": "hidden services (.onion)",
    "file_host": "file hosts",
    "paste": "paste sites",
    "video": "video hosts",
    "social": "social networks",
    "shortener": "link shorteners",
    "other": "other sites",
}

Window = tuple[date, date]


# ----------------------------------------------------------------------------- windows
def parse_window(text: str, what: str) -> Window:
    """``A..B`` (inclusive UTC dates, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) to two dates,
    as ``params.parse_range`` reads every window (of ``report`` and ``outlets status`` too);
    ``what`` is the option's name, ``period`` or ``--period``.

    Each end must be one of those forms whole: ``2017-12-01-2017-12-31`` (a dash typed for
    ``..``), ``2017/12`` or a date with text after it is refused, naming ``--<what>``.
    """
    window = parse_range(text, f"--{what.lstrip('-')}")
    return window.start, window.end


def default_windows(
    first: date, last: date, what: str = "the store's data"
) -> tuple[Window, Window]:
    """First full calendar year (else first full month) vs the last full calendar month
    of ``first..last`` (``what`` names those days in the error when they hold neither)."""
    baseline = _first_full(first, last)
    period = _last_full_month(last)
    if period[1] > last or baseline[1] > last or period[0] <= baseline[1]:
        raise UsageError(
            f"{what} ({first} to {last}) does not hold a full baseline and a later full month",
            hint="pass --baseline A..B and --period C..D",
        )
    return baseline, period


def _first_full(first: date, last: date) -> Window:
    """The baseline rule: the first full calendar year of ``first..last``, else the first
    full month from ``first`` (which may end after ``last``: the caller checks)."""
    year = first.year if (first.month, first.day) == (1, 1) else first.year + 1
    if date(year, 12, 31) <= last:
        return date(year, 1, 1), date(year, 12, 31)
    start = first if first.day == 1 else _month_after(first)
    return start, _month_end(start)


def _last_full_month(last: date) -> Window:
    """The period rule: the last full calendar month ending on or before ``last``."""
    end_month = last.replace(day=1) if last == _month_end(last) else _month_before(last)
    return end_month, _month_end(end_month)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month_after(day: date) -> date:
    return _month_end(day) + timedelta(days=1)


def _month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def window_label(window: Window) -> str:
    """A window as people say it: ``2015``, ``December 2017``, or ``A to B``."""
    start, end = window
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return str(start.year)
    if start.day == 1 and end == _month_end(start):
        return f"{calendar.month_name[start.month]} {start.year}"
    if start == end:
        return start.isoformat()
    return f"{start.isoformat()} to {end.isoformat()}"


def during(window: Window) -> str:
    """A window after a verb: ``on 2016-03-01`` for one day, else ``in`` its label."""
    if window[0] == window[1]:
        return f"on {window[0].isoformat()}"
    return f"in {window_label(window)}"


def window_json(window: Window) -> dict[str, str]:
    """A window in JSON: inclusive UTC dates."""
    return {"from": window[0].isoformat(), "to": window[1].isoformat()}


# ----------------------------------------------------------------------------- formatting
def pct(share: float) -> str:
    """0.7632 -> '76%'."""
    return f"{round(share * 100):.0f}%"


def share_texts(*shares: float) -> tuple[str, ...]:
    """Shares as whole percents (``pct``), with as many decimals (up to 2) as it takes for
    the text to keep what the numbers say: a share above 0 never reads "0%" nor one below 1
    "100%" (1 post of 250 is 0.4%), and two different shares never read the same ("down
    from 6%" after "6%": 5.9% and 6.3%)."""

    def text(share: float, digits: int) -> str:
        if digits == 0 or share in (0, 1):
            return pct(share)
        return f"{share * 100:.{digits}f}%"

    for digits in (0, 1, 2):
        texts = tuple(text(share, digits) for share in shares)
        ends = all(
            (t != f"{0:.{digits}f}%" or s == 0) and (t != f"{100:.{digits}f}%" or s == 1)
            for t, s in zip(texts, shares, strict=True)
        )
        if ends and len(set(texts)) == len(set(shares)):
            break
    return texts


def num(value: float) -> str:
    """Counts with thousands separators; rates with one decimal."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def pval(p: float) -> str:
    """A p-value as text: ``p = 0.0012``, or ``p < 0.0001``."""
    return "p < 0.0001" if p < 1e-4 else f"p = {p:.2g}"


def duration(hours: float) -> str:
    """Hours as people say them: ``36.0 hours``, or ``109.1 days`` beyond three days."""
    return f"{hours:.1f} hours" if hours <= 72 else f"{hours / 24:.1f} days"


def when(text: str) -> str:
    """An ISO time as ``YYYY-MM-DD HH:MM UTC``."""
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def finding(
    kind: str, sentence: str, numbers: dict[str, Any], method: str, parameters: dict[str, Any]
) -> dict[str, Any]:
    """One finding in the JSON shape of ``mutewatch findings --json``."""
    return {
        "kind": kind,
        "sentence": sentence,
        "numbers": numbers,
        "method": method,
        "parameters": parameters,
    }


# ----------------------------------------------------------------------------- sentences
def silenced_sentence(
    status: dict[str, Any], baseline: Window, period: Window, of: str
) -> dict[str, Any] | None:
    """From outlet status: how many outlets active in the baseline were silenced."""
    summary = status.get("summary") or {}
    active = int(summary.get("active_in_baseline") or 0)
    if active == 0:
        return None
    silenced = int(summary.get("silenced") or 0)
    threshold = float(status.get("threshold", 0.10))
    share = silenced / active
    b = window_label(baseline)
    who = WHO.get(of, "outlets")
    who = who.removesuffix("s") if active == 1 else who
    # the verb agrees with the noun printed too: "0 of 1 official outlet were" read wrong
    one = silenced == 1 or active == 1
    sentence = (
        f"{silenced} of {active} {who} active {during(baseline)} ({pct(share)}) "
        f"{'was' if one else 'were'} almost totally silenced {during(period)} (output "
        "at most "
        f"{pct(threshold)} of {'its' if one else 'their'} {b} rate)."
    )
    # outlets that began after the baseline are not in the share: a sentence of 1 silenced
    # outlet out of 1 read as the whole ecosystem falling silent while 42 others were posting
    new = int((summary.get("by_status") or {}).get("new") or 0)
    if new:
        plural = WHO.get(of, "outlets")
        sentence += (
            f" {new} {plural.removesuffix('s') if new == 1 else plural} active "
            f"{during(period)} had no post {during(baseline)} (new, not counted in that share)."
        )
    numbers = {
        "active_in_baseline": active,
        "silenced": silenced,
        "share_silenced": round(share, 4),
        "active_in_period": summary.get("active_in_period"),
        "threshold": threshold,
    }
    if new:
        numbers["new_in_period"] = new
    method = (
        "Outlet status: per outlet, posts per day in the period divided by posts per day in "
        "the baseline; an outlet active in the baseline is silenced when that ratio is at most "
        "the threshold (outlets with nothing in the period included)."
    )
    params = {
        "baseline": window_json(baseline),
        "period": window_json(period),
        "of": of,
        "silenced_below": threshold,
    }
    return finding("silenced_outlets", sentence, numbers, method, params)


def longest_silence_sentence(
    silences: Sequence[dict[str, Any]],
    of: str,
    min_hours: float,
    previous_longest: float | None = None,
    until: date | None = None,
    since: date | None = None,
    cut_at: date | None = None,
) -> dict[str, Any] | None:
    """The longest collected network-wide silence on record, and the longest break before it.

    A gap whose coverage is ``none`` (nothing was collected then) is not a silence: it is
    neither the longest nor anybody's previous longest. ``until`` (the period's end) is the
    end of the record the sentence speaks of when the period ends before the store's last
    day (None: the whole record); the silences given should begin before it. ``since``
    (``--from``) is the first day the silences given were chosen from: the record before
    it may hold a longer gap (``previous_longest_hours`` comes from the whole record), and
    then the silence is the longest of those days, never "the longest on record".
    ``cut_at`` (the period's last day) says the silences were measured as the record stood
    at the period's end, before the archive's (``silences`` ``as_of``): an ongoing one runs
    at the period's end, not at the archive's.
    """
    network = [
        s
        for s in silences
        if s.get("scope", "network") == "network" and s.get("coverage", "full") != "none"
    ]
    if not network:
        return None
    longest = max(network, key=lambda s: (float(s["hours"]), s["start"]))
    earlier = [float(s["hours"]) for s in network if s["end"] <= longest["start"]]
    previous = longest.get("previous_longest_hours")
    if previous is None:
        previous = max(earlier) if earlier else previous_longest
    hours = float(longest["hours"])
    coverage = longest.get("coverage", "full")
    checked = bool(longest.get("ids_checked", coverage != "unverified"))
    record = checked and (previous is None or hours > previous)
    who = CHANNELS.get(of, "Channels")
    sentence = f"{who} went silent for {hours:.1f} hours from {when(longest['start'])}"
    if not checked:
        sentence = (
            f"The archive holds no post from {NO_POST_FROM.get(of, 'any channel')} for "
            f"{hours:.1f} hours "
            f"from {when(longest['start'])}"
        )
    notes: list[str] = []
    # neither a record nor shorter than an earlier gap: as long as the longest before it
    tied = checked and previous is not None and not record and hours == previous
    if tied:
        notes.append(f"equal to the longest before it, {previous:.1f} hours")
    elif previous is not None:
        notes.append(f"previous longest {previous:.1f} hours")
    else:
        notes.append("the first gap in the record")
    p_value = longest.get("p_value")
    if p_value is not None:
        notes.append(
            f"{pval(float(p_value))} under a seasonal negative-binomial rate model of the "
            "preceding weeks"
        )
    on_record = "on record" if until is None else f"on record to {until.isoformat()}"
    earlier_longer = previous is not None and previous > hours  # before ``since``
    if earlier_longer:
        days = f"from {since.isoformat()}" if since is not None else "of the days measured"
        on_record = days if until is None or since is None else f"{days} to {until}"
    if not checked:
        sentence += f", the longest gap between posts {on_record}"
    elif record or earlier_longer:
        sentence += f", the longest break {on_record}"
    elif tied:
        sentence += f", tied for the longest break {on_record}"
    else:
        sentence += ", the longest break"
    if longest.get("ongoing"):
        notes.insert(0, f"still running at {running_at(cut_at)}, so at least that long")
    sentence += f" ({'; '.join(notes)})"
    if not checked:
        sentence += (
            f"; the archive's coverage of that span is {coverage}: its channels carry no "
            "message ids that would show missing posts, so the archive cannot tell this "
            "silence from a gap in collection"
        )
    elif coverage != "full":
        sentence += (
            f"; the archive's coverage of that span is {coverage}, so part of it may be "
            "uncollected rather than silent"
        )
    sentence += "."
    numbers = {
        "start": longest["start"],
        "end": longest["end"],
        "hours": round(hours, 2),
        "previous_longest_hours": None if previous is None else round(previous, 2),
        "p_value": p_value,
        "coverage": coverage,
        "ids_checked": checked,
        "unprecedented": record,
        "ongoing": bool(longest.get("ongoing", False)),
        "silences_on_record": len(network),
        "uncollected_gaps_left_out": sum(
            1 for s in silences if s.get("scope", "network") == "network"
        )
        - len(network),
    }
    method = (
        "Silences: gaps between consecutive counted posts across all counted outlets "
        "(network scope) of at least min_hours, up to the end of the period; a silence "
        "still running at the period's end (or at the archive's end) ends there, its hours "
        "a lower bound (ongoing true), as the record stood then; gaps with "
        "coverage none (nothing collected) are left out and are no record; previous longest = "
        "the longest collected gap that ended before this one began; p-value and coverage as "
        "reported by `mutewatch silences`; where the channels' message ids cannot show "
        "missing posts (ids_checked false, coverage unverified: e.g. tabular rows without a "
        "message id, or ids that are not the channel's own sequence, such as tweet ids) the "
        "gap is not called a record, as it may be uncollected time."
    )
    params: dict[str, Any] = {"of": of, "scope": "network", "min_hours": min_hours}
    if until is not None:
        params["until"] = until.isoformat()
    return finding("longest_silence", sentence, numbers, method, params)


def running_at(cut_at: date | None) -> str:
    """Where an ongoing silence runs: at the archive's end, or at the end of the period
    when the record was cut there (``cut_at``, the period's last day)."""
    return "the archive's end" if cut_at is None else f"the end of the period, {cut_at.isoformat()}"


def decline_sentence(
    trend_result: dict[str, Any], of: str, period: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """Peak-to-current change of the rate per day. ``period`` (``trend.window_rate`` of the
    asked period) is the current when the trend's last full period starts before it: the
    period then holds no full calendar period, and the last full one is not of the period."""
    ptc = trend_result.get("peak_to_current")
    if not ptc or ptc.get("change") is None:
        return None
    every = trend_result.get("parameters", {}).get("every", "month")
    if period is not None and ptc["current"]["start"] < period["start"]:
        return _period_decline(ptc["peak"], period, of, every)
    peak, current, change = ptc["peak"], ptc["current"], float(ptc["change"])
    label = _period_label(peak, every), _period_label(current, every)
    verb = "fell" if change >= 0 else "rose"
    sentence = (
        f"{OUTPUT.get(of, 'Output')} {verb} {pct(abs(change))} from its peak in {label[0]} "
        f"({peak['per_day']:.1f} a day) to {label[1]} ({current['per_day']:.1f} a day)."
    )
    if peak is current or peak["period"] == current["period"]:
        sentence = (
            f"{OUTPUT.get(of, 'Output')} is at its peak in {label[1]} "
            f"({current['per_day']:.1f} a day)."
        )
    numbers = {
        "peak_period": peak["period"],
        "peak_per_day": peak["per_day"],
        "current_period": current["period"],
        "current_per_day": current["per_day"],
        "change": change,
    }
    return finding("decline", sentence, numbers, DECLINE_METHOD, {"of": of, "every": every})


DECLINE_METHOD = (
    "(peak - current) / peak of posts per day, over full calendar periods; peak = the "
    "full period with the highest rate, current = the last full period."
)


def _period_decline(
    peak: dict[str, Any], period: dict[str, Any], of: str, every: str
) -> dict[str, Any] | None:
    """The decline when the asked ``period`` holds no full calendar period: the period
    itself, at its posts per day, is the current, against the peak full period."""
    if not peak["per_day"] or period["per_day"] is None:
        return None
    unit = "month" if every == "month" else "week"
    now = float(period["per_day"])
    change = round((peak["per_day"] - now) / peak["per_day"], 4)
    window = (date.fromisoformat(period["start"]), date.fromisoformat(period["end"]))
    days = counted(int(period["days"]), "day")
    who, peak_label = OUTPUT.get(of, "Output"), _period_label(peak, every)
    if change >= 0:
        sentence = (
            f"{who} fell {pct(change)} from its peak in {peak_label} "
            f"({peak['per_day']:.1f} a day) to {rate(now)} a day {during(window)} "
            f"({days}, no full calendar {unit})."
        )
    else:
        sentence = (
            f"{who} ran at {rate(now)} a day {during(window)} ({days}, no full calendar "
            f"{unit}), {pct(-change)} above its peak full {unit}, {peak_label} "
            f"({peak['per_day']:.1f} a day)."
        )
    numbers = {
        "peak_period": peak["period"],
        "peak_per_day": peak["per_day"],
        "current_period": period["period"],
        "current_per_day": period["per_day"],
        "change": change,
        "current_days": period["days"],
        "current_posts": period["posts"],
    }
    method = (
        f"{DECLINE_METHOD} The period holds no full calendar {unit}, so the current is "
        "the period itself: its posts divided by its days (within the archive's coverage), "
        f"against the peak full {unit} of the record to the period's end."
    )
    return finding("decline", sentence, numbers, method, {"of": of, "every": every})


def _period_label(row: dict[str, Any], every: str) -> str:
    start = date.fromisoformat(row["start"])
    if every == "month":
        return f"{calendar.month_name[start.month]} {start.year}"
    return f"the week of {row['period']}"


def rate(per_day: float) -> str:
    """A rate per day: one decimal, two below 1 a day (0.37), 0.0 for nothing."""
    value = float(per_day)
    return f"{value:.2f}" if 0 < value < 1 else f"{value:.1f}"


def relative_change(change: dict[str, Any]) -> str:
    """``-40%``: the change point's own relative change (``change``, of the unrounded
    levels, as `trend` prints it), else one computed from the levels given."""
    before, after = float(change["before_per_day"]), float(change["after_per_day"])
    ratio = change.get("change")
    value = float(ratio) if ratio is not None else (after - before) / before
    return f"{value * 100:+.0f}%"


def change_phrase(change: dict[str, Any], first: bool = False) -> str:
    """One change point as words: ``dropped on D from A to B posts a day (-40%)``.

    A rise from zero has no relative change (``change`` is None): it ``resumed``, or, as the
    ``first`` change point of the series (nothing before it in the series), it ``began``.
    """
    before, after = float(change["before_per_day"]), float(change["after_per_day"])
    if before == 0 and first:
        return f"began on {change['at']} at {rate(after)} a day, with no post before it"
    if before == 0:
        return f"resumed on {change['at']} from 0.0 to {rate(after)} a day"
    verb = "dropped" if after < before else "rose"
    return (
        f"{verb} on {change['at']} from {rate(before)} to {rate(after)} posts a day "
        f"({relative_change(change)})"
    )


def _shift(change: dict[str, Any], first: bool = False) -> str:
    """``40.0 to 140.0 a day, +250%`` (``resumed from zero`` when it rose from nothing,
    ``began from zero`` when that was the series' first change point)."""
    before, after = float(change["before_per_day"]), float(change["after_per_day"])
    if before == 0:
        return f"0.0 to {rate(after)} a day, {'began' if first else 'resumed'} from zero"
    return f"{rate(before)} to {rate(after)} a day, {relative_change(change)}"


def series_span(trend_result: dict[str, Any]) -> str:
    """`` from A to B``: the days of the trend's daily series, or nothing when unknown."""
    series = trend_result.get("series") or {}
    if not series.get("start") or not series.get("end"):
        return ""
    return f" from {series['start']} to {series['end']}"


def change_point_sentence(trend_result: dict[str, Any], of: str) -> dict[str, Any] | None:
    """The network-level change points: the only one, or the staircase and the largest.

    Every change point counts, rises from zero included (their relative change is undefined,
    ``change`` None): such a rise reads "resumed on D from 0.0 to R a day".
    """
    changes = list(trend_result.get("change_points", []))
    if not changes:
        return None
    who = OUTPUT.get(of, "Output")
    drops = sum(1 for c in changes if float(c["after_per_day"]) < float(c["before_per_day"]))
    biggest = max(changes, key=lambda c: abs(c["after_per_day"] - c["before_per_day"]))
    span = series_span(trend_result)
    if len(changes) == 1:
        sentence = (
            f"{who} {change_phrase(biggest, first=True)}, the only change point found in the daily "
            f"series{span}."
        )
    else:
        first, last = changes[0], changes[-1]
        sentence = (
            f"{who} changed level {len(changes)} times in the daily series{span} "
            f"({counted(drops, 'drop')}, {counted(len(changes) - drops, 'rise')}): from "
            f"{rate(first['before_per_day'])} posts a day before {first['at']} to "
            f"{rate(last['after_per_day'])} a day after {last['at']}; the largest single "
            f"shift was on {biggest['at']} ({_shift(biggest, first=biggest is first)})"
        )
        resumed = [c for c in changes if float(c["before_per_day"]) == 0 and c is not biggest]
        for c in resumed:
            sentence += f"; it {change_phrase(c, first=c is first)}"
        sentence += "."
    params = {k: trend_result.get("parameters", {}).get(k) for k in ("penalty", "min_size")}
    params["of"] = of
    method = (
        "PELT (ruptures) on zero-filled daily counts with a negative-binomial cost (dispersion "
        "from successive differences), penalty 2 ln(n) unless set."
    )
    numbers = {
        "change_points": changes,
        "drops": drops,
        "largest": biggest,
        "first_level_per_day": changes[0]["before_per_day"],
        "last_level_per_day": changes[-1]["after_per_day"],
    }
    return finding("change_points", sentence, numbers, method, params)


def supporter_share_sentence(
    base: dict[str, Any],
    now: dict[str, Any],
    baseline: Window,
    period: Window,
    include_forwards: bool = False,
) -> dict[str, Any] | None:
    """Supporter share of posts, baseline vs period (``total`` blocks of `supporters`)."""
    if base.get("share") is None or now.get("share") is None:
        return None
    fwd = "" if include_forwards else "; forwards not counted"
    b, p = float(base["share"]), float(now["share"])
    trend_word = "up from" if p > b else ("down from" if p < b else "as in")
    b_text, p_text = share_texts(b, p)
    sentence = (
        f"Supporters made {p_text} of all posts {during(period)} "
        f"({num(now['supporter'])} of {num(now['posts'])}{fwd}), {trend_word} {b_text} "
        f"{during(baseline)}."
    )
    numbers = {
        "baseline_share": round(b, 4),
        "period_share": round(p, 4),
        "baseline_supporter_posts": base["supporter"],
        "baseline_posts": base["posts"],
        "period_supporter_posts": now["supporter"],
        "period_posts": now["posts"],
    }
    method = "Supporter posts / (supporter posts + official posts) in each window."
    return finding(
        "supporter_share",
        sentence,
        numbers,
        method,
        {"baseline": window_json(baseline), "period": window_json(period)},
    )


def amplification_sentence(
    base: dict[str, Any], now: dict[str, Any], baseline: Window, period: Window
) -> dict[str, Any] | None:
    """Supporter forwards of official releases per day, baseline vs period."""
    if not base.get("days") or not now.get("days"):
        return None
    if not base.get("amplification") and not now.get("amplification"):
        return None
    b_rate = base["amplification"] / base["days"]
    p_rate = now["amplification"] / now["days"]
    per_release = now.get("forwards_per_release")
    sentence = (
        f"Supporters forwarded official releases {p_rate:.1f} times a day "
        f"{during(period)}, against {b_rate:.1f} a day {during(baseline)}"
    )
    if per_release is not None:
        sentence += f" ({per_release:.2f} forwards per official release {during(period)})"
    sentence += "."
    numbers = {
        "baseline_forwards": base["amplification"],
        "baseline_per_day": round(b_rate, 4),
        "period_forwards": now["amplification"],
        "period_per_day": round(p_rate, 4),
        "period_forwards_per_release": per_release,
        "period_amplifiers": now.get("amplifiers"),
    }
    method = (
        "Amplification: posts by supporter accounts that forward a post of an official "
        "outlet's account (forwarded_account_id, else the forwarded_from name matching a name "
        "the official account had), per day in each window."
    )
    return finding(
        "amplification",
        sentence,
        numbers,
        method,
        {"baseline": window_json(baseline), "period": window_json(period)},
    )


def _host_trend_words(direction: str) -> str:
    """The trend's direction in words: a tau that is not significant is no trend, not a
    "flat" count (tau -0.82 with p = 0.22 is far from flat)."""
    if direction == "flat":
        return "shows no significant trend"
    return f"is {direction}"


def hosts_sentence(
    base: dict[str, Any],
    now: dict[str, Any],
    trend_info: dict[str, Any] | None,
    baseline: Window,
    period: Window,
    of: str,
) -> dict[str, Any] | None:
    """Distinct hosts linked to, baseline vs period, with the per-period trend."""
    if not base.get("links") and not now.get("links"):
        return None
    b_hosts, p_hosts = int(base["hosts"]), int(now["hosts"])
    word = "down from" if p_hosts < b_hosts else ("up from" if p_hosts > b_hosts else "as")
    sentence = (
        f"Links in {_linked(of)} pointed to {p_hosts} distinct "
        f"host{'' if p_hosts == 1 else 's'} ({now['host_classes']} "
        f"kind{'' if now['host_classes'] == 1 else 's'} of platform) "
        f"{during(period)}, {word} "
        f"{b_hosts} ({base['host_classes']}) {during(baseline)}"
    )
    shortened = shortened_clause(base, now, baseline, period)
    if trend_info and trend_info.get("kendall_tau") is not None:
        sentence += (
            f"; over all periods to {period[1].isoformat()} the number of hosts "
            f"{_host_trend_words(trend_info['direction'])} "
            f"(Kendall tau {trend_info['kendall_tau']:+.2f}, {pval(trend_info['p_value'])})"
        )
    sentence += "." + (f" {shortened[0].upper()}{shortened[1:]}." if shortened else "")
    numbers = {
        "baseline_hosts": b_hosts,
        "period_hosts": p_hosts,
        "baseline_host_classes": base["host_classes"],
        "period_host_classes": now["host_classes"],
        "baseline_links": base["links"],
        "period_links": now["links"],
        "trend": trend_info,
    }
    for name, window in (("baseline", base), ("period", now)):
        if window.get("shortened_links"):
            numbers[f"{name}_shortened_links"] = window["shortened_links"]
            numbers[f"{name}_shortener_hosts"] = window["shortener_hosts"]
    method = (
        "Distinct link hosts and host classes among links in counted posts, per window; trend "
        "= Kendall's tau and Theil-Sen slope of the per-period host counts."
    )
    if shortened:
        method += (
            " Shortened links (host class shortener: t.co, bit.ly, ...) are counted under the "
            "shortener's host; mutewatch never follows a link to its destination."
        )
    return finding(
        "platform_hosts",
        sentence,
        numbers,
        method,
        {"baseline": window_json(baseline), "period": window_json(period), "of": of},
    )


def shortened_clause(
    base: dict[str, Any], now: dict[str, Any], baseline: Window, period: Window
) -> str | None:
    """How many links go through link shorteners, period first, the baseline in brackets.

    Said whenever either window holds a shortened link: a single one already makes the
    hosts counted hold a shortener where the content's host is unknown, and a researcher
    must know which of the places counted are real upload places. None without any."""
    words = plat_mod.shortened_words(now, f" {during(period)}")
    if words is None:
        return plat_mod.shortened_words(base, f" {during(baseline)}")
    if base.get("links"):
        share = float(base.get("shortened_share", 0.0))
        words += f" ({during(baseline)}: {plat_mod.shortened_numbers(base)}, {share:.1%})"
    return words


def readable_links(hosts: pd.DataFrame) -> dict[str, Any]:
    """Links naming a host, in all and by host class, of ``platforms.host_summary`` rows;
    ``links_without_host``: those naming none (a URL cut short in its host)."""
    if not len(hosts):
        return {"links": 0, "by_class": {}, "links_without_host": 0}
    named = hosts.dropna(subset=["host"])
    by = named.groupby("host_class")["links"].sum()
    return {
        "links": int(named["links"].sum()),
        "by_class": {str(c): int(n) for c, n in sorted(by.items()) if n},
        "links_without_host": int(hosts["links"].sum()) - int(named["links"].sum()),
    }


def _cut_links_words(cut: dict[str, int], baseline: Window, period: Window) -> str:
    """'Left out: 74 links in January 2016 and 116 in February 2016 that name no host...'"""
    b, p = cut["baseline"], cut["period"]
    return (
        f"Left out: {num(b)} link{'' if b == 1 else 's'} {during(baseline)} and {num(p)} "
        f"{during(period)} that {'names' if b + p == 1 else 'name'} no host (cut short, as in "
        "https://t.c…), of no known class."
    )


def vanished_classes_sentences(
    base: dict[str, Any],
    now: dict[str, Any],
    last_seen: dict[str, str | None],
    baseline: Window,
    period: Window,
    of: str,
    alpha: float = 0.05,
) -> list[dict[str, Any]]:
    """One finding per host class linked to in the baseline and not at all in the period.

    Only where the absence means something: had the class kept its baseline share of links,
    the period would hold ``expected`` of them; the finding is made when P(0 | Poisson
    ``expected``) = exp(-expected) is below ``alpha``.

    ``base`` and ``now`` are ``readable_links`` results: only links naming a host count. A
    link cut short in its host ("https://t.c…") is class other with no host, though it is
    most likely a t.co link; counted, February's cut links hid that other sites were gone,
    and a baseline of cut links alone made "No links to other sites" a finding.
    """
    out: list[dict[str, Any]] = []
    base_classes: dict[str, int] = base.get("by_class", {})
    now_classes: dict[str, int] = now.get("by_class", {})
    base_links, now_links = int(base.get("links", 0)), int(now.get("links", 0))
    cut = {w: int(d.get("links_without_host", 0)) for w, d in (("baseline", base), ("period", now))}
    for cls, count in sorted(base_classes.items(), key=lambda kv: (-kv[1], kv[0])):
        if count <= 0 or now_classes.get(cls, 0) > 0 or base_links == 0:
            continue
        share = count / base_links
        expected = share * now_links
        p_value = math.exp(-expected)
        if p_value >= alpha:
            continue
        name = HOST_CLASS_NAMES.get(cls, cls)
        seen = last_seen.get(cls)
        sentence = (
            f"No links to {name} {during(period)}, against {num(count)} "
            f"{during(baseline)} ({pct(share)} of its links"
            f"{' naming a host' if any(cut.values()) else ''}; about {expected:.0f} "
            f"expected had that share held)"
        )
        sentence += f"; last seen {seen[:10]}." if seen else "."
        numbers = {
            "host_class": cls,
            "baseline_links": count,
            "baseline_share": round(share, 4),
            "period_links": 0,
            "expected_if_unchanged": round(expected, 2),
            "p_value": float(f"{p_value:.3g}"),
            "last_seen": seen,
        }
        method = (
            "Links per host class among links in counted posts, per window; expected = "
            "baseline share x links in the period; reported when exp(-expected) < alpha; "
            "last seen = the latest link of that class within --from/--to."
        )
        if any(cut.values()):
            sentence += " " + _cut_links_words(cut, baseline, period)
            numbers.update({f"{w}_links_without_host": n for w, n in cut.items()})
            method += (
                " Links naming no host (cut short in it, as in https://t.c…) are left out of "
                "every count, the shares' totals and the last seen: their class is unknown."
            )
        out.append(
            finding(
                "host_class_gone",
                sentence,
                numbers,
                method,
                {
                    "baseline": window_json(baseline),
                    "period": window_json(period),
                    "of": of,
                    "alpha": alpha,
                },
            )
        )
    return out


# ----------------------------------------------------------------------------- orchestration
def _measurement(name: str) -> Callable[..., dict[str, Any]]:
    """A measurement function ``(engine, params, **options)`` from the registry."""
    from mutewatch.measure import registry  # late: the registry imports this module

    if name not in registry.MEASUREMENTS:
        raise KeyError(f"{name} is not a registered measurement")
    return registry.MEASUREMENTS[name]


def _windows(
    eng: Engine, params: Params, baseline: str | Window | None, period: str | Window | None
) -> tuple[Window, Window]:
    """The baseline and period: as given, else by default_windows' rule; an automatic
    window is chosen relative to a given one (the baseline from the days before the given
    period, the period from the days after the given baseline), so that the two never
    overlap (an automatic February baseline overlapped ``--period 2016-02-01..2016-02-10``).
    Two given windows must not overlap either (``require_period_after_baseline``): a month
    compared with itself was stated as a decline "from" it "to" it."""
    b = parse_window(baseline, "baseline") if isinstance(baseline, str) else baseline
    p = parse_window(period, "period") if isinstance(period, str) else period
    if b is not None and p is not None:
        require_period_after_baseline(DateRange(*b), DateRange(*p), "findings")
        return b, p
    first, last, what = _data_days(eng, params)
    if b is None and p is None:
        return default_windows(first, last, what)
    if b is None:
        assert p is not None
        before = min(last, p[0] - timedelta(days=1))
        b = _first_full(first, before)
        if b[1] > before:
            raise UsageError(
                f"{what} ({first} to {last}) holds no full month before --period "
                f"{_range_text(p)} to serve as the baseline",
                hint=f"pass --baseline A..B ending before {p[0].isoformat()}, "
                "or a --period that starts later",
            )
        return b, p
    assert p is None
    p = _last_full_month(last)
    if p[0] <= b[1]:
        raise UsageError(
            f"{what} ({first} to {last}) holds no full month after --baseline "
            f"{_range_text(b)} to serve as the period",
            hint=f"pass --period C..D starting after {b[1].isoformat()}, "
            "or a --baseline that ends earlier",
        )
    return b, p


def _data_days(eng: Engine, params: Params) -> tuple[date, date, str]:
    """The days the default windows are chosen from: the store's first to last post, cut
    to ``--from``/``--to`` (dates beyond the data are no days of it: ``--from 2010-01-01``
    before a store starting in 2015 chose 2010 as the baseline), and how to name them."""
    whole = replace(params, date_from=None, date_to=None)
    first, last = trend_mod.window_of(eng, whole)
    if params.date_from is None and params.date_to is None:
        return first, last, "the store's data"
    given = " ".join(
        f"{k} {v.isoformat()}"
        for k, v in (("--from", params.date_from), ("--to", params.date_to))
        if v is not None
    )
    lo = max(first, params.date_from or first)
    hi = min(last, params.date_to or last)
    if hi < lo:
        raise UsageError(
            f"{given} leaves no day of the store's data ({first} to {last})",
            hint=f"choose --from/--to within {first}..{last}, or leave them out",
        )
    return lo, hi, f"the store's data within {given}"


def _range_text(window: Window) -> str:
    return f"{window[0].isoformat()}..{window[1].isoformat()}"


def measure(
    eng: Engine,
    params: Params,
    *,
    baseline: str | Window | None = None,
    period: str | Window | None = None,
    silenced_below: float = 0.10,
    min_hours: float = 12.0,
    coordinated: bool = False,
) -> dict[str, Any]:
    """``mutewatch findings`` on an open engine: every finding as one JSON object."""
    out: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    whole = replace(params, date_from=None, date_to=None)
    _, store_last = trend_mod.observed_window(eng, whole)
    if store_last is None:
        return _empty_result(params, silenced_below, min_hours, coordinated)
    params, warnings = status_mod.clip_dates(eng, params)
    b, p, window_warnings = _covered_windows(eng, params, *_windows(eng, params, baseline, period))
    warnings += window_warnings
    upto = replace(params, date_to=p[1])  # the record up to the end of the period
    # silences as the record stood at the period's end: one running then ends there
    as_of = datetime.combine(p[1] + timedelta(days=1), datetime.min.time())
    end = silences_mod.archive_end(eng)
    cut_at = p[1] if end is not None and as_of < end.astype(datetime) else None
    _own_findings(eng, params, b, p, out, skipped)
    try:
        status = _measurement("outlets_status")(
            eng,
            params,
            baseline=_range_text(b),
            period=_range_text(p),
            silenced_below=silenced_below,
            change_points=True,
        )
        _add(
            out,
            skipped,
            "silenced_outlets",
            silenced_sentence(status, b, p, params.of),
            "no outlet active in the baseline",
        )
        names = silenced_outlets(status)
        _add(
            out,
            skipped,
            "silencing_dates",
            silencing_times_sentence(names, status_changes(status, names), b, p),
            "no silenced outlet with a change point in outlet status",
        )
    except KeyError as exc:
        skipped.append({"kind": "silenced_outlets", "reason": f"not available: {exc}"})
    try:
        result = _measurement("silences")(
            eng,
            upto,
            scope="network",
            min_hours=min_hours,
            with_coordinated=coordinated,
            ongoing=True,
            coordinated_together=coordinated,
            as_of=as_of,
        )
        rows = result.get("silences", [])
        _add(
            out,
            skipped,
            "longest_silence",
            longest_silence_sentence(
                rows,
                params.of,
                min_hours,
                until=p[1] if p[1] < store_last else None,
                since=params.date_from,
                cut_at=cut_at,
            ),
            f"no collected network gap of {num(min_hours)} hours or more to {p[1]}",
        )
        if coordinated:
            _add(
                out,
                skipped,
                "coordinated_silence",
                coordinated_sentence(result.get("coordinated") or {}, params.of, min_hours, cut_at),
                coordinated_reason(result.get("coordinated") or {}, params.of, min_hours),
            )
    except KeyError as exc:
        skipped.append({"kind": "longest_silence", "reason": f"not available: {exc}"})
    echo = _echo(params, b, p, silenced_below, min_hours, coordinated)
    answer: dict[str, Any] = {"findings": out, "skipped": skipped, "parameters": echo}
    if warnings:
        answer["warnings"] = warnings
    return answer


def _covered_windows(
    eng: Engine, params: Params, baseline: Window, period: Window
) -> tuple[Window, Window, list[str]]:
    """The baseline and period as ``outlets status`` uses them: within ``--from``/``--to``
    and cut to the archive's covered span, with its warnings. Every finding then speaks of
    the same days: a period running past the archive's end made a decline to 0 a day, a
    change point at the end of collection and per-day rates over days nothing was
    collected, while the silenced outlets (from outlet status) were counted on the cut
    window."""
    eff = status_mod.windows(eng, params, DateRange(*baseline), DateRange(*period))
    b, p = eff.baseline, eff.period
    return (b.start, b.end), (p.start, p.end), eff.warnings


def _echo(
    params: Params,
    b: Window | None,
    p: Window | None,
    silenced_below: float,
    min_hours: float,
    coordinated: bool,
) -> dict[str, Any]:
    """The parameters findings used, as echoed in its result."""
    echo = params.echo()
    echo.update(
        baseline=window_json(b) if b else None,
        period=window_json(p) if p else None,
        silenced_below=silenced_below,
        min_hours=min_hours,
        coordinated=coordinated,
    )
    return echo


def _empty_result(
    params: Params, silenced_below: float, min_hours: float, coordinated: bool
) -> dict[str, Any]:
    """No posts in the store: no findings, every kind skipped, and a note (not an error)."""
    reason = "the store holds no posts"
    kinds = (
        "decline",
        "change_points",
        "supporter_share",
        "amplification",
        "platform_hosts",
        "silenced_outlets",
        "silencing_dates",
        "longest_silence",
    )
    echo = _echo(params, None, None, silenced_below, min_hours, coordinated)
    return {
        "findings": [],
        "skipped": [{"kind": k, "reason": reason} for k in kinds],
        "parameters": echo,
        "notes": [
            "the store holds no posts: nothing to state (ingest an archive first with "
            "`mutewatch ingest PATH`, or run `mutewatch demo`)"
        ],
    }


def findings(store_path: str | Path, **options: Any) -> dict[str, Any]:
    """Library entry: the same as ``run_measurement("findings", store, **options)``."""
    from mutewatch.measure.registry import run_measurement  # the registry imports this module

    return run_measurement("findings", Path(store_path), **options)


def _add(
    out: list[dict[str, Any]],
    skipped: list[dict[str, str]],
    kind: str,
    item: dict[str, Any] | None,
    why: str,
) -> None:
    if item is None:
        skipped.append({"kind": kind, "reason": why})
    else:
        out.append(item)


def _own_findings(
    eng: Engine,
    params: Params,
    b: Window,
    p: Window,
    out: list[dict[str, Any]],
    skipped: list[dict[str, str]],
) -> None:
    """Findings from trend, supporters and platforms (this module's siblings).

    Trend and the platform trend run on the record up to the end of the period (``--from``
    when given, else the store's first day): the decline's "current" is the last full month
    to the period's end, not the store's last month.
    """
    upto = replace(params, date_to=p[1])
    t = trend_mod.measure(eng, upto)
    ptc = t.get("peak_to_current")
    now = None  # the period's own rate, when its last full month lies before it
    if ptc and ptc["current"]["start"] < p[0].isoformat():
        now = trend_mod.window_rate(eng, params, *p)
    _add(out, skipped, "decline", decline_sentence(t, params.of, now), _no_decline(t, params.of))
    _add(
        out,
        skipped,
        "change_points",
        change_point_sentence(t, params.of),
        "no change point in the daily series",
    )
    sb, sp = sup_mod.totals(eng, params, *b), sup_mod.totals(eng, params, *p)
    _add(
        out,
        skipped,
        "supporter_share",
        supporter_share_sentence(sb, sp, b, p, params.include_forwards),
        "no posts in the baseline or the period",
    )
    _add(
        out,
        skipped,
        "amplification",
        amplification_sentence(sb, sp, b, p),
        "no supporter forwards of official releases",
    )
    hb, hp = (plat_mod.host_summary(eng, params.within(*w)) for w in (b, p))
    pb, pp = plat_mod.summarise(hb), plat_mod.summarise(hp)
    measured = plat_mod.measure(eng, upto)
    _add(
        out,
        skipped,
        "platform_hosts",
        hosts_sentence(pb, pp, measured["trend"]["hosts"], b, p, params.of),
        "no links in counted posts",
    )
    rb, rp = readable_links(hb), readable_links(hp)
    if rb["links_without_host"] or rp["links_without_host"]:
        named = plat_mod.host_summary(eng, upto).dropna(subset=["host"])
        last = {c: s["last"] for c, s in plat_mod.class_times(named).items()}
    else:
        last = {c: s["last"] for c, s in measured["host_classes"].items()}
    out.extend(vanished_classes_sentences(rb, rp, last, b, p, params.of))


def _no_decline(trend_result: dict[str, Any], of: str) -> str:
    """Why there is no decline: no output, no full calendar month to the period's end, or
    full months none of which holds a counted post (a peak of 0 posts: nothing to fall from).
    """
    rated = [p for p in trend_result.get("periods", []) if p["per_day"] is not None]
    if not rated:
        return "no full period of output"
    span = series_span(trend_result)
    partial = [p for p in rated if not p["full"]]
    full = [p for p in rated if p["full"]]
    if not full:
        return (
            f"no full calendar month in the record{span} "
            f"({', '.join(p['period'] for p in partial)} only in part): a month held only "
            "in part is never peak or current"
        )
    words = trend_mod.empty_full_periods(rated, "month")
    if words is None:  # a full month with posts: the decline had nothing else to say
        return f"no peak-to-current in the record{span}"
    months, where = words
    return (
        f"no counted post in {months} of the record{span} ({POSTS.get(of, POSTS['all'])}, "
        f"--of {of}): with a peak of 0 posts a day there is no decline{where}"
    )


def silenced_outlets(status: dict[str, Any]) -> list[str]:
    """Names of the outlets outlet status counts as silenced (dormant ones included)."""
    threshold = float(status.get("threshold", 0.10))
    return [
        str(o["outlet"])
        for o in status.get("outlets", [])
        if o.get("outlet") is not None
        and o.get("baseline_posts", 0) > 0
        and o.get("ratio") is not None
        and float(o["ratio"]) <= threshold
    ]


def status_changes(status: dict[str, Any], names: Sequence[str]) -> list[dict[str, Any]]:
    """Per named outlet, the change point `outlets status` reports (``changed_at``, a drop).

    The same date the status table shows, so findings and ``outlets status`` agree.
    """
    wanted = set(names)
    out: list[dict[str, Any]] = []
    for row in status.get("outlets", []):
        at, change = row.get("changed_at"), row.get("change") or {}
        if row.get("outlet") not in wanted or not at:
            continue
        before, after = change.get("before_per_day"), change.get("after_per_day")
        if before is not None and after is not None and float(after) >= float(before):
            continue  # not a drop
        out.append(
            {
                "outlet": row["outlet"],
                "day": str(at)[:10],
                "before_per_day": before,
                "after_per_day": after,
            }
        )
    return out


def median_day(days: Sequence[str]) -> str:
    """The median of sorted ISO days: the middle one, or for an even count the day halfway
    between the two middle ones (earlier day when the half falls between two days), where
    the upper middle day was taken (of 10 dates, the 6th: 5 before it, 4 after)."""
    half = len(days) // 2
    if len(days) % 2:
        return days[half]
    low, high = date.fromisoformat(days[half - 1]), date.fromisoformat(days[half])
    return (low + (high - low) / 2).isoformat() if high > low else low.isoformat()


def silencing_times_sentence(
    silenced: Sequence[str], changes: Sequence[dict[str, Any]], b: Window, p: Window
) -> dict[str, Any] | None:
    """When the silenced outlets' output dropped (their `outlets status` change points)."""
    if not changes:
        return None
    times = sorted(c["day"] for c in changes)
    median = median_day(times)
    one = len(times) == 1
    when = (
        f"on {times[0]} (the change point{'' if one else 's'} of"
        if times[0] == times[-1]
        else f"between {times[0]} and {times[-1]} (median {median}; the change points of"
    )
    sentence = (
        f"Of the {counted(len(silenced), 'silenced outlet')}, {len(times)} "
        f"{'shows' if one else 'show'} a drop in output {when} `outlets status`)."
    )
    return finding(
        "silencing_dates",
        sentence,
        {
            "silenced": len(silenced),
            "with_change_point": len(times),
            "first": times[0],
            "last": times[-1],
            "median": median,
            "outlets": list(changes),
        },
        "Per silenced outlet, the change point `outlets status` reports (changed_at): the "
        "main drop of its zero-filled daily series over the baseline to the period (PELT, "
        "negative-binomial cost; see `outlets status`).",
        {"baseline": window_json(b), "period": window_json(p)},
    )


def coordinated_sentence(
    coordinated: dict[str, Any], of: str, min_hours: float, cut_at: date | None = None
) -> dict[str, Any] | None:
    """The longest time at least k of the N outlets were silent together.

    Given each window's ``together`` (``silences.coordinated(..., together=True)``), that is
    the longest stretch in which the same k outlets were all silent: at low rates a window
    of k silent at every moment runs for months while its outlets take turns (outlets
    posting about once a day are each in a 12-hour gap much of the time), and calling it "k
    of N silent at once for 44.9 days" named the whole record one silence. None when no k
    outlets were silent together for ``min_hours`` (``coordinated_reason`` says why).
    """
    windows = coordinated.get("windows") or []
    if not windows:
        return None
    top = max(windows, key=lambda w: (float(w["hours"]), w["max_silent"]))
    k, n = coordinated.get("k"), coordinated.get("n")
    who = _outlets_word(of, n)
    numbers: dict[str, Any] = {
        "k": k,
        "n": n,
        "start": top["start"],
        "end": top["end"],
        "hours": top["hours"],
        "max_silent": top["max_silent"],
        "windows": len(windows),
    }
    method = (
        "Per-outlet silences (gaps of at least min_hours, coverage not none) swept in time; "
        "a window is a maximal stretch with at least k of the N counted outlets silent."
    )
    sentence = (
        f"At least {k} of {n} {who} {_were(k)} silent at once for "
        f"{duration(float(top['hours']))} from {when(top['start'])} (up to {top['max_silent']} "
        "at the same time), "
        + (
            "the only such window."
            if len(windows) == 1
            else f"the longest of {len(windows)} such windows."
        )
    )
    best = _longest_together(windows)
    if best is not None:
        together = best["together"]
        numbers |= {f"together_{key}": together[key] for key in TOGETHER_KEYS}
        method += (
            " Together: the longest stretch in which the same k outlets were all silent "
            "from start to end (a window's outlets may take turns)."
        )
        if float(together["hours"]) < min_hours:
            return None
        if together["hours"] < top["hours"]:  # the longest window's outlets took turns
            sentence = (
                f"At least {k} of {n} {who} {_were(k)} silent together for "
                f"{duration(float(together['hours']))} from {when(together['start'])} (the "
                f"same {together['silent']} from start to end), the longest such stretch; "
                f"at least {k} {_were(k)} in gaps of {num(min_hours)} hours or more at every "
                f"moment of a longer {duration(float(top['hours']))} from {when(top['start'])} (up "
                f"to {top['max_silent']} at once), but in turn, not the same ones."
            )
        sentence += _together_notes(together, cut_at)
    return finding(
        "coordinated_silence", sentence, numbers, method, {"of": of, "min_hours": min_hours, "k": k}
    )


TOGETHER_KEYS = ("start", "end", "hours", "silent", "min_p_value", "unverified", "ongoing")


def _of_those(some: int, silent: int) -> str:
    """``Those 3 silences``, ``2 of those 3 silences``, or ``That silence`` of one."""
    if some == silent:
        return "That silence" if silent == 1 else f"Those {silent} silences"
    return f"{some} of those {silent} silences"


def _were(count: int | None) -> str:
    """The verb of a count of outlets, silences: ``was`` for one, else ``were``."""
    return "was" if count == 1 else "were"


def _linked(of: str) -> str:
    """The posts whose links ``--of`` counts: ``posts of official outlets``, else
    ``_words.POSTS`` (a post of no outlet is counted by --of supporter and --of all, which
    "posts of supporter outlets" and "posts of outlets" left out)."""
    return "posts of official outlets" if of == "official" else POSTS.get(of, POSTS["all"])


def _outlets_word(of: str, count: int | None) -> str:
    """``official outlets``, or ``official outlet`` for one (``WHO``)."""
    who = WHO.get(of, "outlets")
    return who.removesuffix("s") if count == 1 else who


def _together_notes(together: dict[str, Any], cut_at: date | None = None) -> str:
    """What the silences of a together stretch are: usual for their outlets' rates, still
    running at the archive's end (or the period's, ``cut_at``), or gaps the archive cannot
    tell from gaps in collection (the Fifth Tribe tweets: accounts whose collected
    timelines end early)."""
    silent = int(together["silent"])
    notes = ""
    low_p = together.get("min_p_value")
    if low_p is not None and low_p > ORDINARY_P:
        gaps = "That gap was not" if silent == 1 else f"None of those {silent} gaps was"
        notes += (
            f" {gaps} unusual for its outlet's own rate ({'' if silent == 1 else 'each '}p >= "
            f"{math.floor(low_p * 100) / 100:g}; `mutewatch silences --coordinated-alpha "
            f"{ORDINARY_P:g}` counts only unusual gaps)."
        )
    ongoing = int(together.get("ongoing") or 0)
    if ongoing:
        runs = "still runs" if ongoing == 1 else "still run"
        notes += f" {_of_those(ongoing, silent)} {runs} at {running_at(cut_at)}."
    unverified = int(together.get("unverified") or 0)
    if unverified:
        one = unverified == 1
        notes += (
            f" The archive cannot tell {_of_those(unverified, silent).lower()} from "
            f"{'a gap' if one else 'gaps'} in collection: {'its' if one else 'their'} "
            f"channels carry no message ids that would show missing posts (coverage "
            "unverified)."
        )
    return notes


# a gap with a p-value above this is usual for its outlet's rate (``--coordinated-alpha``'s
# example value)
ORDINARY_P = 0.05


def _longest_together(windows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The window whose ``together`` stretch is longest (None: no window carries one)."""
    carried = [w for w in windows if w.get("together")]
    if not carried:
        return None
    return max(carried, key=lambda w: (float(w["together"]["hours"]), w["together"]["silent"]))


def coordinated_reason(coordinated: dict[str, Any], of: str, min_hours: float) -> str:
    """Why there is no coordinated-silence finding, with the numbers that say so."""
    windows = coordinated.get("windows") or []
    k, n = coordinated.get("k"), coordinated.get("n")
    best = _longest_together(windows)
    if k is None or n is None:  # not measured (a caller's own dict)
        return "no window with k of N outlets silent at once"
    who = _outlets_word(of, n)
    if k > n:
        one, who = _outlets_word(of, 1), WHO.get(of, "outlets")
        having = {0: f"no {one} has", 1: f"only 1 {one} has"}.get(n, f"only {n} {who} have")
        return (
            f"none possible: {having} counted posts, and a coordinated silence needs at "
            f"least {k} silent at once"
        )
    if not windows or best is None:
        return (
            f"no window in which {k} of the {n} {who} {_were(k)} silent at once (each in a gap "
            f"of {num(min_hours)} hours or more, --min-hours)"
        )
    top = max(windows, key=lambda w: (float(w["hours"]), w["max_silent"]))
    together = best["together"]
    return (
        f"no {k} of the {n} {who} {_were(k)} silent together for {num(min_hours)} hours "
        f"(--min-hours): the same {k} {_were(k)}{'' if k == 1 else ' all'} silent for at most "
        f"{duration(float(together['hours']))} (from {when(together['start'])}); at least "
        f"{k} {_were(k)} in gaps of {num(min_hours)} hours or more at every moment of "
        f"{duration(float(top['hours']))} from {when(top['start'])} (up to "
        f"{top['max_silent']} at once), but in turn, not together: at these posting rates "
        f"such gaps are ordinary (a larger --min-hours counts only longer ones)"
    )
