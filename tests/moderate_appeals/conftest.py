"""Fixtures of the appeal and author-record tests: those of tests/moderate_service_more
(the cheap policy's moderator, a service on a fresh store holding article ``a1``, and
test_web_more's ``api``: the app in-process with a user of each role), reused as they are."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / "moderate_service_more"
sys.path.insert(0, str(SHARED))


def _shared_fixtures() -> object:
    """tests/moderate_service_more/conftest.py as a module of its own name."""
    spec = importlib.util.spec_from_file_location("service_more_conftest", SHARED / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_shared = _shared_fixtures()
moderator = _shared.moderator  # type: ignore[attr-defined]
service = _shared.service  # type: ignore[attr-defined]
api = importlib.import_module("test_web_more").api
