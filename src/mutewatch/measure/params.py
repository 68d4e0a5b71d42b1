"""Options shared by every measuring command, parsed once and echoed in every output.

Library use::

    from mutewatch.measure.params import Params, parse_range
    params = Params(of="official", date_from=date(2015, 1, 1), date_to=date(2017, 12, 31))
    params.echo()   # -> {"of": "official", "include_forwards": False, "from": "2015-01-01", ...}

Conventions (the issue's contract):

* ``of``: which posts count. ``official`` (default) = posts by accounts of official outlets;
  ``supporter`` = posts by every other account (``posts.official`` FALSE or unknown);
  ``all`` = both.
* ``include_forwards``: forwards (``posts.forwarded_from`` NOT NULL) are distribution, not
  releases; they are left out unless this is true.
* ``date_from`` / ``date_to`` (``--from`` / ``--to``): inclusive UTC dates. ``A..B`` ranges
  (``parse_range``) are inclusive too: ``2017-12-01..2017-12-31`` is the whole of December,
  as is ``2017-12``; ``parse_range`` is the one window syntax of ``findings``, ``report``
  and ``outlets status`` (``--baseline``/``--period``).
* ``engine``: ``duckdb`` (the store file, read-only) or ``spark`` (a Parquet export of the
  store; ``parquet`` names it, else one is cached beside the store); ``spark_master`` is the
  Spark master URL (default ``local[*]``).

CLI use: decorate a click command with ``@common_options`` and build the parameters with
``Params.from_options(kwargs)``, which pops the shared keys and leaves the command's own.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from mutewatch.errors import UsageError

# Choices shared by the library and the CLI (kept here, in a light module, so that the
# CLI can offer them without importing the engines).
BY_CHOICES = ("outlet", "medium", "platform", "host", "official")
EVERY_CHOICES = ("day", "week", "month")
SCOPES = ("network", "outlet")

OF_CHOICES = ("official", "supporter", "all")
ENGINES = ("duckdb", "spark")

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "ENGINES",
    "OF_CHOICES",
    "OPTION_BOUNDS",
    "DateRange",
    "Params",
    "bound_words",
    "check_bound",
    "check_option_values",
    "common_options",
    "iso",
    "parse_date",
    "parse_range",
    "require_period_after_baseline",
]


# (smallest, largest, whole number, smallest allowed itself) of the measurements' numeric
# options, wherever they occur; None is "no bound", and an option left as None is its
# default. Every check of these numbers reads them: the library (``check_option_values``,
# the CLI's refusal), the web API (``check_bound``), a measurement's own guard (``trend``'s
# level, ``silences``' coordinated alpha) and the options' help (``bound_words``). A largest
# value not allowed itself is written as the float just below it (``_below``): no float lies
# between them, and the words say "below 1". A fifth field (largest allowed itself) would
# read plainer, but callers unpack four values and take ``high`` as a value allowed
# (tests/s14_web/test_s14w_bound_words.py): the float below keeps both true.
def _below(value: float) -> float:
    """The largest float below ``value``: ``x <= _below(1.0)`` is exactly ``x < 1``."""
    return math.nextafter(value, -math.inf)


OPTION_BOUNDS: dict[str, tuple[float | None, float | None, bool, bool]] = {
    "min_hours": (0.0, None, False, False),
    "lookback_days": (0.0, None, False, False),
    "min_lookback_days": (0.0, None, False, False),
    "penalty": (0.0, None, False, False),
    "silenced_below": (0.0, 1.0, False, True),
    # an interval's level: at 1 it would be every rate from 0 to infinity
    "level": (0.0, _below(1.0), False, False),
    "coordinated_alpha": (0.0, 1.0, False, False),
    "k": (1, None, True, True),
    "top": (1, None, True, True),
    "window": (1, None, True, True),
    "min_size": (1, None, True, True),
    "min_segment_days": (1, None, True, True),
}


def check_option_values(options: dict[str, Any], command: str = "<command>") -> None:
    """UsageError for a numeric option that is not a finite number in its range: NaN,
    infinities and negative windows made measurements crash or answer nonsense."""
    for key in OPTION_BOUNDS:
        refusal = check_bound(key, options.get(key))
        if refusal is not None:
            dashed = key.replace("_", "-")
            raise UsageError(
                f"{dashed} {refusal}",
                hint=f"see `mutewatch {command} --help` for what --{dashed} means",
            )


def check_bound(key: str, value: Any) -> str | None:
    """The refusal of ``value`` for the numeric option ``key`` by its ``OPTION_BOUNDS``,
    in the words every caller puts after the option's name (``must be a whole number at
    least 1, not 0``); None when it is within them, when it is None (the option's default)
    or when ``key`` has no bounds. The library (``check_option_values``) and the web API's
    query check (``web.api``) both refuse in these words."""
    bounds = OPTION_BOUNDS.get(key)
    if bounds is None or value is None or _in_range(value, *bounds):
        return None
    return f"must be {_range_words(*bounds)}, not {value!r}"


def bound_words(key: str) -> str:
    """What ``key``'s values must be, for its help: ``above 0 and below 1``."""
    low, high, whole, low_ok = OPTION_BOUNDS[key]
    return _range_words(low, high, whole, low_ok).removeprefix("a finite number ")


def _in_range(value: Any, low: float | None, high: float | None, whole: bool, low_ok: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and (
        not math.isfinite(value) or (whole and not value.is_integer())
    ):
        return False
    if low is not None and (value < low or (value == low and not low_ok)):
        return False
    return high is None or value <= high


def _range_words(low: float | None, high: float | None, whole: bool, low_ok: bool) -> str:
    kind = "a whole number" if whole else "a finite number"
    low_part = f"{'at least' if low_ok else 'above'} {low:g}" if low is not None else ""
    high_part = _high_words(high) if high is not None else ""
    return " ".join(
        p for p in (kind, low_part, "and" if low_part and high_part else "", high_part) if p
    )


def _high_words(high: float) -> str:
    """``at most 1``; ``below 1`` for ``_below(1.0)``, the float just below a bound that is
    not allowed itself."""
    above = math.nextafter(high, math.inf)
    if f"{above:g}" == f"{high:g}" and float(f"{above:g}") == above:
        return f"below {above:g}"
    return f"at most {high:g}"


def iso(value: datetime | None) -> str | None:
    """ISO-8601 UTC text of a naive UTC time: ``2017-11-08T09:00:00Z`` (None stays None)."""
    if value is None:
        return None
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_date(text: str | date | None, what: str = "date") -> date | None:
    """``YYYY-MM-DD`` (or a date) -> date; None stays None. Raises UsageError otherwise.

    Only the documented form is read: ``date.fromisoformat`` alone would also take
    ``20171231``, ``2017-W52-7`` or ``2017-365``, which the help never promises.
    """
    if text is None or text == "":
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    stripped = str(text).strip()
    hint = "write dates as YYYY-MM-DD, e.g. 2017-12-31"
    if not _DATE.fullmatch(stripped):
        raise UsageError(f"{what}: {text!r} is not a date in the form YYYY-MM-DD", hint=hint)
    try:
        return date.fromisoformat(stripped)
    except ValueError as exc:
        raise UsageError(
            f"{what}: {text!r} is not a calendar date (YYYY-MM-DD): {exc}", hint=hint
        ) from exc


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of UTC dates, ``start..end``."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of days in the range, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def ts_start(self) -> datetime:
        """First instant of the range (naive UTC)."""
        return datetime.combine(self.start, time())

    @property
    def ts_end(self) -> datetime:
        """First instant after the range (naive UTC): filter with ``ts < ts_end``."""
        return datetime.combine(self.end + timedelta(days=1), time())

    def echo(self) -> dict[str, Any]:
        """The range as JSON: from, to (inclusive dates) and days."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "days": self.days}

    def text(self) -> str:
        """The range as ``A..B``."""
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def intersect(self, first: date | None, last: date | None) -> DateRange | None:
        """The days of this range within ``first..last`` (None = open end), or None if none."""
        start = max(self.start, first) if first else self.start
        end = min(self.end, last) if last else self.end
        return DateRange(start, end) if start <= end else None


# one end of a window: YYYY, YYYY-MM or YYYY-MM-DD, nothing before or after
_WINDOW_END = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
# two ends joined by a dash, as in 2017-12-01-2017-12-31 (meant: 2017-12-01..2017-12-31)
_DASHED_RANGE = re.compile(r"([0-9]{4}(?:-[0-9]{2}){0,2})-([0-9]{4}(?:-[0-9]{2}){0,2})", re.ASCII)


def parse_range(text: str | DateRange, what: str = "range") -> DateRange:
    """A date window -> DateRange of inclusive UTC days: the one window syntax of
    ``findings``, ``report`` and ``outlets status`` (``--baseline``/``--period``, and the
    API's ``baseline``/``period``), ``what`` naming the option in its errors.

    ``A..B``, or ``A`` alone for the days of A; each end is ``YYYY`` (the year: its first
    day at the start, its last at the end), ``YYYY-MM`` (the month, likewise) or
    ``YYYY-MM-DD``, whole: ``2016-04`` is 2016-04-01..2016-04-30, ``2015..2015-06`` is
    2015-01-01..2015-06-30, ``2016-02-29`` the one day. Spaces around an end are ignored.
    Anything else is a UsageError naming ``what`` and saying what to write, among them a
    dash typed for ``..`` (``2017-12-01-2017-12-31``), ``2017/12``, ``20171201``, a date
    with text after it, an end left out (``2017-12-01..``) or a window ending before it
    starts.
    """
    if isinstance(text, DateRange):
        return text
    text = str(text)
    parts = text.split("..")
    if len(parts) == 1:
        parts = [text, text]
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise UsageError(
            f"{what} {text!r} is not a date range",
            hint=_how(
                what, f"{_example(what, '2015-01-01..2015-12-31')} or {_example(what, '2015')}"
            ),
        )
    start = _window_end(parts[0].strip(), text, what, first=True)
    end = _window_end(parts[1].strip(), text, what, first=False)
    if end < start:
        raise UsageError(
            f"{what} {text!r} ends before it starts",
            hint="swap the two dates: write A..B with A <= B",
        )
    return DateRange(start, end)


def _example(what: str, value: str) -> str:
    """``value`` as it is passed to ``what``: ``--period 2017-12`` for an option."""
    return f"{what} {value}" if what.startswith("-") else value


def _window_end(text: str, window: str, what: str, *, first: bool) -> date:
    """One end ``text`` of the window ``window`` (given to ``what``): its first day
    (``first``) or its last."""
    match = _WINDOW_END.fullmatch(text)
    try:
        if match is None:
            raise ValueError("not one of the forms")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if month is None:
            return date(year, 1, 1) if first else date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1) if first else date(year, month, last)
        return date(year, month, day)
    except ValueError as exc:  # calendar's IllegalMonthError too
        dashed = _DASHED_RANGE.fullmatch(window.strip())
        example = (
            _example(what, f"{dashed[1]}..{dashed[2]}")
            if dashed
            else f"{_example(what, '2017-12')} or {_example(what, '2017-12-01..2017-12-31')}"
        )
        given = f"{what} {window!r}" + (f": {text!r}" if text != window.strip() else "")
        wrong = (
            f"is not a calendar date ({exc})"
            if match
            else "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"
        )
        raise UsageError(f"{given} {wrong}", hint=_how(what, example)) from exc


def _how(what: str, example: str) -> str:
    """What to write for a window given to ``what``, with the ``example``."""
    return (
        f"write {what} as one UTC date or A..B of two, each YYYY, YYYY-MM or YYYY-MM-DD, "
        f"e.g. {example}"
    )


def require_period_after_baseline(baseline: DateRange, period: DateRange, command: str) -> None:
    """Refuse a ``period`` that does not begin after ``baseline`` ends (UsageError saying
    what to pass), for a command that compares the period with an earlier baseline.

    A period ending before the baseline starts is the two swapped; one sharing days with the
    baseline (``--baseline 2016-01 --period 2016-01``, or a period inside the baseline)
    compares those days with themselves, so a change between the windows is not one
    between two times. Adjacent windows (the period starting the day after the baseline
    ends) are fine.
    """
    if period.start > baseline.end:
        return
    if period.end < baseline.start:
        raise UsageError(
            f"--period {period.text()} ends before --baseline {baseline.text()} starts: "
            f"{command} needs a period after its baseline",
            hint="swap --baseline and --period",
        )
    shared = DateRange(max(baseline.start, period.start), min(baseline.end, period.end))
    after, before = baseline.end + timedelta(days=1), period.start - timedelta(days=1)
    examples = []
    if period.end >= after:
        examples.append(f"--period {DateRange(after, period.end).text()}")
    if before >= baseline.start:
        examples.append(f"--baseline {DateRange(baseline.start, before).text()}")
    raise UsageError(
        f"--baseline {baseline.text()} and --period {period.text()} overlap "
        f"({shared.text()}, {shared.days} day{'s' if shared.days != 1 else ''}): {command} "
        "needs a period after its baseline, as days in both would be compared with themselves",
        hint=f"pass a --period starting after {baseline.end.isoformat()}, or a --baseline "
        f"ending before {period.start.isoformat()}"
        + (f", e.g. {' or '.join(examples)}" if examples else ""),
    )


@dataclass(frozen=True)
class Params:
    """Which posts count and where the aggregation runs; see the module docstring."""

    of: str = "official"
    include_forwards: bool = False
    date_from: date | None = None
    date_to: date | None = None
    engine: str = "duckdb"
    spark_master: str | None = None
    parquet: Path | None = None

    def __post_init__(self) -> None:
        if self.of not in OF_CHOICES:
            raise UsageError(f"--of {self.of!r} is not known", hint=f"use one of {OF_CHOICES}")
        if self.engine not in ENGINES:
            raise UsageError(f"--engine {self.engine!r} is not known", hint=f"use one of {ENGINES}")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise UsageError(
                f"--to {self.date_to} is before --from {self.date_from}",
                hint="give --from A --to B with A <= B",
            )

    KEYS = ("of", "include_forwards", "date_from", "date_to", "engine", "spark_master", "parquet")

    def within(self, first: date, last: date) -> Params:
        """The same choice of posts, restricted to the dates ``first..last``."""
        return replace(self, date_from=first, date_to=last)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Params:
        """Pop the shared keys out of ``options`` (CLI kwargs or library keywords).

        Accepts ``date_from``/``date_to`` or ``from``/``to`` (str or date) and ``parquet``
        as str or Path. What is left in ``options`` belongs to the measurement itself.
        """
        date_from = options.pop("date_from", None) or options.pop("from", None)
        date_to = options.pop("date_to", None) or options.pop("to", None)
        options.pop("from", None)
        options.pop("to", None)
        parquet = options.pop("parquet", None)
        return cls(
            of=options.pop("of", None) or "official",
            include_forwards=bool(options.pop("include_forwards", False)),
            date_from=parse_date(date_from, "--from"),
            date_to=parse_date(date_to, "--to"),
            engine=options.pop("engine", None) or "duckdb",
            spark_master=options.pop("spark_master", None),
            parquet=Path(parquet) if parquet else None,
        )

    @property
    def ts_from(self) -> datetime | None:
        """First counted instant (naive UTC), or None."""
        return datetime.combine(self.date_from, time()) if self.date_from else None

    @property
    def ts_to(self) -> datetime | None:
        """First instant after the counted window (naive UTC), or None: use ``ts < ts_to``."""
        return datetime.combine(self.date_to + timedelta(days=1), time()) if self.date_to else None

    def echo(self) -> dict[str, Any]:
        """The parameters as JSON, for the ``parameters`` key of every output."""
        out: dict[str, Any] = {
            "of": self.of,
            "include_forwards": self.include_forwards,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "engine": self.engine,
        }
        if self.engine == "spark":
            out["spark_master"] = self.spark_master or "local[*]"
        return out


def population_options(func: F) -> F:
    """The click options choosing which posts count: --of and --include-forwards (part of
    :func:`common_options`; ``report`` takes them alone)."""
    decorators = [
        click.option(
            "--of",
            type=click.Choice(OF_CHOICES),
            default="official",
            show_default=True,
            help="Which posts count: official releases, supporter posts, or all.",
        ),
        click.option(
            "--include-forwards",
            is_flag=True,
            help="Count forwards/reposts too (distribution; left out by default).",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def common_options(func: F) -> F:
    """Click options every measuring command takes: --of, --include-forwards
    (:func:`population_options`), --from/--to, --engine, --spark-master, --parquet, --json."""
    decorators = [
        population_options,
        click.option("--from", "date_from", metavar="YYYY-MM-DD", help="First UTC day counted."),
        click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Last UTC day counted."),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default="duckdb",
            show_default=True,
            help="Aggregation engine: the DuckDB store, or Spark over a Parquet export.",
        ),
        click.option("--spark-master", metavar="URL", help="Spark master [default local[*]]."),
        click.option(
            "--parquet",
            type=click.Path(file_okay=False, path_type=Path),
            help="Parquet export for --engine spark [default: cached beside the store].",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON object."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func
