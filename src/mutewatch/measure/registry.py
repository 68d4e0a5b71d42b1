"""Every measurement by name: one dispatcher for the CLI, the web API and the report.

To add a measurement, import its module and add one line to ``MEASUREMENTS``. Each entry is
a function ``measure(engine: Engine, params: Params, **options) -> dict`` that returns a
JSON-ready dict with a ``parameters`` key.

Library use::

    from mutewatch.measure.registry import run_measurement
    result = run_measurement("silences", Path("mutewatch.duckdb"), scope="outlet", of="all")
"""

from __future__ import annotations

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
    params = Params.from_options(opts)
    with Engine.for_params(store_path, params) as engine:
        result = MEASUREMENTS[name](engine, params, **opts)
    result.setdefault("parameters", params.echo())
    result.setdefault("measurement", name)
    return result
