"""Measuring the ecosystem: output, outlet status, silences (and, beside them, trend,
supporters, platforms, findings).

Every measurement is reached through ``mutewatch.measure.registry.run_measurement`` so the
CLI, the web API and the report show the same numbers. Heavy aggregation is written once
as Ibis expressions (``engine.Engine``) and runs on DuckDB or Spark; statistics run on the
small aggregated results (``stats``).
"""
