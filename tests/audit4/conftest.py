"""Fixtures of the audit4 review tests: tests/moderate_appeals' (the cheap policy's
moderator, a service on a fresh store holding article ``a1``, and the in-process ``api``),
reused as they are; its helpers and tests/moderate_service_more's import as plain modules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_dir = Path(__file__).resolve().parents[1] / "moderate_appeals"
sys.path.insert(0, str(_dir))  # appeal_helpers
_path = _dir / "conftest.py"
_spec = importlib.util.spec_from_file_location("audit4_appeals_conftest", _path)
assert _spec is not None and _spec.loader is not None
_appeals = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_appeals)  # puts moderate_service_more on sys.path
moderator = _appeals.moderator
service = _appeals.service
api = _appeals.api
