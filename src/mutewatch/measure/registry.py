"""Every measurement by name: one dispatcher for the CLI, the web API and the report.

To add a measurement, add one line to ``MEASUREMENT_MODULES`` naming its module (or assign
a function to ``MEASUREMENTS[name]``). Each entry is a function
``measure(engine: Engine, params: Params, **options) -> dict`` that returns a JSON-ready
dict with a ``parameters`` key.

A measurement's module is imported the first time its entry is read, so a command imports
only what it runs: ``silences`` never imports ``findings``, ``trend``, ``supporters`` or
``platforms``, and ``mutewatch --help`` imports no measurement at all. ``load_all()`` imports
every one ahead of use. The module names ``output``, ``silences``, ``trend``, ``supporters``,
``platforms`` and ``findings`` that this module used to import up front are still its
attributes, imported when read.

Library use::

    from mutewatch.measure.registry import run_measurement
    result = run_measurement("silences", Path("mutewatch.duckdb"), scope="outlet", of="all")
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from mutewatch.errors import UsageError
from mutewatch.lazy import load

# every measurement runs on the engine and imports ``status`` (coverage, clip_dates): these
# two stay up front, so importing the registry (the web server's warm-up) still imports Ibis
from mutewatch.measure import status
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params

Measurement = Callable[..., dict[str, Any]]

# name -> the module whose ``measure`` function it runs, imported on first use
MEASUREMENT_MODULES: dict[str, str] = {
    "output": "mutewatch.measure.output",
    "outlets_status": "mutewatch.measure.status",
    "silences": "mutewatch.measure.silences",
    "trend": "mutewatch.measure.trend",
    "supporters": "mutewatch.measure.supporters",
    "platforms": "mutewatch.measure.platforms",
    "findings": "mutewatch.measure.findings",
}


class LazyMeasurements(MutableMapping[str, Measurement]):
    """``name -> measure function``, importing a measurement's module when its entry is
    first read (through ``mutewatch.lazy.load``: the server reads entries from several
    threads). Iteration, ``len`` and ``in`` import nothing; order is ``MEASUREMENT_MODULES``'s.
    """

    def __init__(self, modules: dict[str, str]) -> None:
        self._entries: dict[str, str | Measurement] = dict(modules)

    def __getitem__(self, name: str) -> Measurement:
        entry = self._entries[name]
        if isinstance(entry, str):
            fn: Measurement = load(entry).measure
            self._entries[name] = entry = fn
        return entry

    def __setitem__(self, name: str, fn: Measurement) -> None:
        self._entries[name] = fn

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __repr__(self) -> str:
        return f"{type(self).__name__}({sorted(self._entries)})"


MEASUREMENTS: MutableMapping[str, Measurement] = LazyMeasurements(MEASUREMENT_MODULES)

# the module names this module imported up front before its measurements were imported
# lazily (``status`` still is)
_LAZY_MODULES = {path.rpartition(".")[2] for path in MEASUREMENT_MODULES.values()}


def __getattr__(name: str) -> Any:
    """``registry.findings``, ``registry.trend``, ...: imported when first read."""
    if name in _LAZY_MODULES:
        return load(f"mutewatch.measure.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_all() -> None:
    """Import every measurement now (ahead of the first request of a long-lived process)."""
    for name in MEASUREMENTS:
        MEASUREMENTS[name]


# Series whose days run over --from..--to: days beyond the archive's coverage are cut off
# (``status.clip_dates``), else they would count as days without posts. Outlet status clips
# its own windows; silences weigh coverage per gap; findings choose covered windows.
CLIPPED_TO_COVERAGE = ("output", "trend", "supporters", "platforms")


def run_measurement(name: str, store_path: Path, **options: Any) -> dict[str, Any]:
    """Run measurement ``name`` on the store with the shared and its own options.

    Shared options (``of``, ``include_forwards``, ``date_from``/``from``, ``date_to``/``to``,
    ``engine``, ``spark_master``, ``parquet``) choose the posts and the engine; the rest go
    to the measurement. The result always carries ``parameters``.
    """
    if name not in MEASUREMENTS:
        raise UsageError(
            f"no measurement named {name!r}", hint=f"use one of {sorted(MEASUREMENTS)}"
        )
    opts = dict(options)
    check_option_values(opts, command=name.replace("_", " "))
    params = Params.from_options(opts)
    measure = MEASUREMENTS[name]
    with Engine.for_params(store_path, params) as engine:
        warnings: list[str] = []
        if name in CLIPPED_TO_COVERAGE:
            params, warnings = status.clip_dates(engine, params)
        if name != "supporters":  # supporters counts both sides whatever --of says
            warnings += nothing_selected(engine, params)
        result = measure(engine, params, **opts)
    if warnings:
        result["warnings"] = [*warnings, *result.get("warnings", [])]
    result.setdefault("parameters", params.echo())
    result.setdefault("measurement", name)
    return result


def nothing_selected(engine: Engine, params: Params) -> list[str]:
    """A warning when ``--of`` can count no post because the store has no outlet of that
    kind (a store without a registry has no official outlet: every measurement of the
    default ``--of official`` would be zeros that read as an ecosystem gone quiet)."""
    if params.of == "all":
        return []
    names = engine.outlet_names()
    if names.empty:
        return []
    official = names["official"].fillna(False).astype(bool)
    if params.of == "official" and not official.any():
        return [
            "the store has no official outlet (no registry loaded, or none marked official: "
            "true), so --of official counts no post: load a registry with `mutewatch outlets "
            "load FILE`, or pass --of all or --of supporter"
        ]
    if params.of == "supporter" and official.all():
        return [
            "every outlet in the store is official, so --of supporter counts no post: "
            "pass --of official or --of all"
        ]
    return []


# (smallest, largest, whole number, smallest allowed itself) of the measurements' numeric
# options, wherever they occur; None is "no bound", and an option left as None is its default
OPTION_BOUNDS: dict[str, tuple[float | None, float | None, bool, bool]] = {
    "min_hours": (0.0, None, False, False),
    "lookback_days": (0.0, None, False, False),
    "min_lookback_days": (0.0, None, False, False),
    "penalty": (0.0, None, False, False),
    "silenced_below": (0.0, 1.0, False, True),
    "level": (0.0, 1.0, False, False),
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
    high_part = f"at most {high:g}" if high is not None else ""
    return " ".join(
        p for p in (kind, low_part, "and" if low_part and high_part else "", high_part) if p
    )
