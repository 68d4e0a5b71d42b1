"""Fixtures of the session-12 (b) moderation consistency tests: tests/moderate_s12_api's
``api`` (the app in-process over a fresh store file, a user of each role, the small
text-only policy; loaded here under another module name, a module named ``conftest`` being
another folder's when the folders are collected together), with article ``a1`` added."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_FOLDER = Path(__file__).resolve().parents[1] / "moderate_s12_api"
_SPEC = importlib.util.spec_from_file_location("moderate_s12_api_conftest", _FOLDER / "conftest.py")
assert _SPEC is not None and _SPEC.loader is not None
_S12 = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = _S12
_SPEC.loader.exec_module(_S12)
moderator, api = _S12.moderator, _S12.api  # the fixtures, taken as they are
Api = _S12.Api


@pytest.fixture()
def served_api(api: Api) -> Api:
    """``api`` with article ``a1`` added by ``moderator1``."""
    article = {"id": "a1", "title": "Tram line", "body": "The council voted to fund a tram line."}
    assert api("POST", "/api/v1/articles", "moderator", json=article).status_code == 201
    return api
