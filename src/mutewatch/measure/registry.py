"""Every measurement by name: one dispatcher for the CLI, the web API and the report.

To add a measurement, import its module and add one line to ``MEASUREMENTS``. Each entry is
a function ``measure(engine: Engine, params: Params, **options) -> dict`` that returns a
JSON-ready dict with a ``parameters`` key.

Library use::

    from mutewatch.measure.registry import run_measurement
    result = run_measurement("silences", Path("mutewatch.duckdb"), scope="outlet", of="all")
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mutewatch.errors import UsageError
from mutewatch.measure import findings, output, platforms, silences, status, supporters, trend
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params

Measurement = Callable[..., dict[str, Any]]

MEASUREMENTS: dict[str, Measurement] = {
    "output": output.measure,
    "outlets_status": status.measure,
    "silences": silences.measure,
    "trend": trend.measure,
    "supporters": supporters.measure,
    "platforms": platforms.measure,
    "findings": findings.measure,
}


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
    check_option_values(opts)
    params = Params.from_options(opts)
    with Engine.for_params(store_path, params) as engine:
        warnings: list[str] = []
        if name in CLIPPED_TO_COVERAGE:
            params, warnings = status.clip_dates(engine, params)
        if name != "supporters":  # supporters counts both sides whatever --of says
            warnings += nothing_selected(engine, params)
        result = MEASUREMENTS[name](engine, params, **opts)
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


def check_option_values(options: dict[str, Any]) -> None:
    """UsageError for a numeric option that is not a finite number in its range: NaN,
    infinities and negative windows made measurements crash or answer nonsense."""
    for key, (low, high, whole, low_ok) in OPTION_BOUNDS.items():
        value = options.get(key)
        if value is None:
            continue
        if not _in_range(value, low, high, whole, low_ok):
            raise UsageError(
                f"{key.replace('_', '-')} must be {_range_words(low, high, whole, low_ok)},"
                f" not {value!r}",
                hint=f"see `mutewatch <command> --help` for what --{key.replace('_', '-')} means",
            )


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
