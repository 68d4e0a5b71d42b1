"""Session 24: observatory audit (ingest and measurement figures)."""
