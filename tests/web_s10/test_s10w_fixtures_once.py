"""The web test folders' conftest files define no store or app fixture of their own: they
bind ``webfixtures.web_fixtures`` (defined once), and each offers ``ARGS``, ``CHROMIUM`` and
``serving``, which tests import ``from conftest``: in ``pytest tests/web*`` every folder's
conftest is loaded first and ``conftest`` is whichever came last (before, tests/web_s8
failed to collect there: ``cannot import name 'ARGS' from 'conftest' (tests/web_s9/...)``)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
CONFTESTS = sorted(TESTS.glob("web*/conftest.py"))


def test_every_web_folder_is_seen() -> None:
    assert {p.parent.name for p in CONFTESTS} >= {"web", "web_s7", "web_s8", "web_s9", "web_s10"}


@pytest.mark.parametrize("path", CONFTESTS, ids=lambda p: p.parent.name)
def test_a_conftest_binds_the_shared_fixtures(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"^def (env|app|moderation_app)\(", source, re.M), path
    assert "web_fixtures(" in source
    spec = importlib.util.spec_from_file_location(f"s10w_{path.parent.name}_conftest", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass in it looks its module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    for name in ("ARGS", "CHROMIUM", "serving", "env"):
        assert hasattr(module, name), (path, name)
    assert module.CHROMIUM.name == "chromium" and "--headless" in module.ARGS
