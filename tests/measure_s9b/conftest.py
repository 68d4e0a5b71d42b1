"""Fixtures of the ``trend --outlet`` tests: those of tests/measure_s9 (the small synthetic
demo with one user per role, and an API app over a copy of it)."""

from __future__ import annotations

from tests.measure_s9.conftest import app, demo_env

__all__ = ["app", "demo_env"]
