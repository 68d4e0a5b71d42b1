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

from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from mutewatch.errors import UsageError
from mutewatch.lazy import load

# every measurement runs on the engine and imports ``status`` (coverage, clip_dates): these
# two stay up front, so importing the registry (the web server's warm-up) still imports Ibis
from mutewatch.measure import status
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import (  # the bounds live with the options (light to import)
    OPTION_BOUNDS,
    Params,
    check_bound,
    check_option_values,
)

__all__ = [
    "CLIPPED_TO_COVERAGE",
    "MEASUREMENTS",
    "MEASUREMENT_MODULES",
    "OPTION_BOUNDS",
    "LazyMeasurements",
    "Measurement",
    "check_bound",
    "check_option_values",
    "load_all",
    "nothing_selected",
    "run_measurement",
]

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
