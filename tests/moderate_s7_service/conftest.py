"""Fixtures of the session-7 moderation service tests: the cheap policy of
tests/moderate_service_more (text clauses only), its moderator loaded once, and a service
on a fresh store holding that folder's article ``a1`` (tests/moderate_perf_s6's fixtures)."""

from __future__ import annotations

import sys
from pathlib import Path

for folder in ("moderate_service_more", "moderate_perf_s6"):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / folder))
from perf_s6_helpers import moderator, service  # noqa: E402

__all__ = ["moderator", "service"]
