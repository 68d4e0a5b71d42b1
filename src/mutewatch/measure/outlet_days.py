"""The days outlets' own channels were collected on, as ``output`` and ``trend`` read them.

One builder serves ``output --by outlet``, ``output --outlet`` and ``trend --outlet``:

* :func:`outlet_days`: per outlet group, its channels' covered days
  (``status.outlet_coverage``: per ``coverage`` row, its source's window; the last window
  runs on to the archive's end) within a window; a group without coverage rows of its own
  (and the ``null`` group) is left out: it falls back to the archive's span.
* :func:`coverage_rows`: the ``outlet_coverage`` rows telling each group's basis
  (``channels`` with its ``covered`` ranges, or ``archive``).
* :func:`read_chosen`: what the outlets ``--outlet`` chooses are read against together:
  the union of their covered days, where a chosen outlet without coverage rows counts as
  collected over the archive's span (within the window). Its ``basis`` is ``outlet`` (one
  outlet) or ``outlets`` (several) when every chosen outlet has coverage rows, else
  ``archive``: the union then holds the archive's whole span, so the rows are read
  against it, and ``fallback`` names the outlets that made it so (whole values, which
  the web API pseudonymises for viewers, unlike text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mutewatch.measure.engine import Engine
from mutewatch.measure.params import DateRange
from mutewatch.measure.status import archive_span, merge_days, outlet_coverage

Days = list[tuple[date, date]]


def outlet_days(
    engine: Engine,
    span: DateRange | None,
    ids: dict[str, int],
    groups: Sequence[Any],
    first: date | None,
    last: date | None,
) -> dict[Any, Days]:
    """Per group of ``groups`` (outlet names; ``ids``: name -> outlet id) with coverage
    rows, its channels' covered days within ``first..last`` (None: an open end), as
    inclusive ranges that do not overlap; ``span``: the archive's (``archive_span``), where
    each outlet's last covered range ends."""
    spans = outlet_coverage(engine.read, span.end if span else None)
    out: dict[Any, Days] = {}
    for name in groups:
        oid = ids.get(name) if isinstance(name, str) else None
        if oid is not None and oid in spans:
            inside = [r.intersect(first, last) for r in spans[oid]]
            out[name] = [(r.start, r.end) for r in inside if r is not None]
    return out


def coverage_rows(days: dict[Any, Days], groups: Sequence[Any]) -> list[dict[str, Any]]:
    """``outlet_coverage``: the groups with days of their own (``basis`` ``channels``,
    their ``covered`` ranges: from, to, days), sorted by name, then the other ``groups``
    in their order (``basis`` ``archive``)."""
    own = sorted(days.items(), key=lambda g: str(g[0]))
    rows: list[dict[str, Any]] = [
        {"group": group, "basis": "channels", "covered": [DateRange(a, b).echo() for a, b in d]}
        for group, d in own
    ]
    rows += [{"group": g, "basis": "archive"} for g in groups if g not in days]
    return rows


@dataclass(frozen=True, slots=True)
class Chosen:
    """What the chosen outlets are read against together (see the module docstring)."""

    days: dict[str, Days]  # the chosen outlets with coverage rows: their covered days
    fallback: list[str]  # the chosen outlets without: read against the archive's span
    union: list[DateRange]  # the days any of them was collected on, within the window
    basis: str  # outlet, outlets or archive
    rows: list[dict[str, Any]]  # outlet_coverage


def read_chosen(
    engine: Engine,
    chosen: dict[str, int],
    first: date | None,
    last: date | None,
    span: DateRange | None = None,
) -> Chosen:
    """The chosen outlets' (name -> id, sorted by name) covered days within ``first..last``
    (None: an open end), their union and its basis; ``span``: the archive's, when the
    caller has it (else read here)."""
    if span is None:
        span, _ = archive_span(engine)
    names = list(chosen)
    days = outlet_days(engine, span, chosen, names, first, last)
    fallback = [name for name in names if name not in days]
    pooled = [d for ranges in days.values() for d in ranges]
    basis = "outlet" if len(names) == 1 else "outlets"
    if fallback:
        inside = span.intersect(first, last) if span else _window(first, last)
        pooled += [(inside.start, inside.end)] if inside else []
        basis = "archive"
    union = merge_days(pooled)
    return Chosen(days, fallback, union, basis, coverage_rows(days, names))


def fallback_warnings(
    fallback: Sequence[str], n: int, *, grouped: bool = False, key: str = "coverage_fallback"
) -> list[str]:
    """A warning when chosen outlets (``n`` of them) have no coverage rows of their own
    (``grouped``: under ``--by outlet``, where each is its own group). It counts them:
    ``key`` (``coverage_fallback``; trend: ``coverage.fallback``) names them as whole
    values, which viewers see pseudonymised."""
    if not fallback:
        return []
    k = len(fallback)
    if n == 1:
        which = "the chosen outlet has no coverage rows of its own"
    else:
        have = "has no coverage rows of its" if k == 1 else "have no coverage rows of their"
        which = f"{k} of the {n} chosen outlets {have} own"
    its, it_is = ("its", "it is") if k == 1 else ("their", "they are")
    read = (
        f"{its} rows are read against that span{'' if grouped else ' (basis archive)'}"
        if grouped or n == 1
        else "so are the chosen outlets together (basis archive: a day counts as covered "
        "when any of them was collected on it); output --by outlet reads each of them "
        "against its own channels"
    )
    return [
        f"--outlet: {which} ({key}; outlet_coverage basis archive): when {its} channels "
        f"were collected is not recorded, so {it_is} taken as collected over the archive's "
        f"whole span, where a zero may be a gap in collection; {read}"
    ]


def _window(first: date | None, last: date | None) -> DateRange | None:
    """``first..last`` when both are given (a store without a covered span)."""
    return DateRange(first, last) if first and last and first <= last else None
