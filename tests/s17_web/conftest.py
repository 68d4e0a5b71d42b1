"""Fixtures of the security review of session 17: ``reviewed``, a real `mutewatch serve`
on 127.0.0.1 for the whole folder (``s17w_review``).

Like every web conftest it offers ``ARGS``, ``CHROMIUM`` and ``serving`` (see
``tests/web/webfixtures.py``); this folder's own names live in ``s17w_review``, since
``from conftest import`` meets whichever folder's conftest pytest imported last.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from s17w_review import Reviewed, reviewed_server  # noqa: E402
from webfixtures import ARGS, CHROMIUM, serving  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "reviewed", "serving"]


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reviewed]:
    """A real `mutewatch serve` on 127.0.0.1 for the folder (``s17w_review``)."""
    with reviewed_server(tmp_path_factory) as server:
        yield server
