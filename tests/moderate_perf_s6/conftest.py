"""Fixtures of the moderation performance tests: the cheap policy of
tests/moderate_service_more (text clauses only: no language or name models), its moderator
loaded once, and a service on a fresh store holding that folder's article ``a1`` (defined in
perf_s6_helpers, which tests/moderate_s7_service binds too)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate_service_more"))
from perf_s6_helpers import moderator, service  # noqa: E402

__all__ = ["moderator", "service"]
