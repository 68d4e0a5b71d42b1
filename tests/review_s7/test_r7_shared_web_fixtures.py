"""The conftest files of tests/audit3, tests/audit6_web and tests/review_s7 bind the web
fixtures of ``tests/web/webfixtures.py`` (no store built on their own) and, as every web
conftest does, offer ``ARGS``, ``CHROMIUM`` and ``serving``: tests import these ``from
conftest``, and in one pytest run of several folders ``conftest`` is whichever folder's came
last on the command line.

Found: ``pytest tests/web_s8 ... tests/review_s7`` failed to collect tests/web_s8
(``cannot import name 'ARGS' from 'conftest' (tests/review_s7/conftest.py)``)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
FOLDERS = ("audit3", "audit6_web", "review_s7")


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_conftest_binds_the_shared_web_fixtures(folder: str) -> None:
    path = TESTS / folder / "conftest.py"
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"make_env\(|running_app\(", source), path
    assert "web_fixtures(" in source
    spec = importlib.util.spec_from_file_location(f"r7_{folder}_conftest", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("ARGS", "CHROMIUM", "serving", "env"):
        assert hasattr(module, name), (path, name)
    assert module.CHROMIUM.name == "chromium" and "--headless" in module.ARGS


def test_web_tests_collect_with_these_folders_last() -> None:
    """tests/web_s8 imports ``ARGS`` and ``CHROMIUM`` ``from conftest``: the last folder's
    (each folder's conftest offering them is checked above; this is the run that failed)."""
    folders = [str(TESTS / name) for name in ("web_s8", *FOLDERS)]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
         *folders],
        capture_output=True, text=True, timeout=300, cwd=TESTS.parent,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "error" not in done.stdout.splitlines()[-1], done.stdout[-2000:]
