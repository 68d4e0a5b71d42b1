"""Fixtures of the session-8 moderation service tests: those of tests/moderate_s7_service
(the cheap policy's moderator loaded once; ``service``: a fresh store holding article
``a1``), loaded from that folder's conftest under a name of its own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_S7 = Path(__file__).resolve().parents[1] / "moderate_s7_service"
_spec = importlib.util.spec_from_file_location("moderate_s7_service_conftest", _S7 / "conftest.py")
assert _spec is not None and _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
sys.path.insert(0, str(_S7))
_spec.loader.exec_module(_fixtures)  # puts the s6 and service_more helper folders on sys.path

moderator = _fixtures.moderator
service = _fixtures.service
