"""The moderator page tests of session 17 use tests/moderate's server helpers and its
module-scoped Chromium (imported from that folder and tests/moderate_s11_page as they are)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate_s11_page"))

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from s17p_helpers import Server, empty_server  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Each module's own server (s17p_helpers.empty_server): one article, no comment."""
    with empty_server(tmp_path_factory.mktemp("s17page")) as served:
        yield served
