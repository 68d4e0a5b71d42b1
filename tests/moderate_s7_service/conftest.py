"""Fixtures of the session-7 moderation service tests: the cheap policy of
tests/moderate_service_more (text clauses only), its moderator loaded once, and a service
on a fresh store holding that folder's article ``a1``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

for folder in ("moderate_service_more", "moderate_perf_s6"):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / folder))
from s7s_helpers import open_service  # noqa: E402
from service_more_helpers import ARTICLE, small_policy  # noqa: E402

from mutewatch.moderate.checks import Moderator  # noqa: E402
from mutewatch.moderate.service import ModerationService  # noqa: E402


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    """The cheap policy's moderator (the embedding model loads once per session)."""
    return Moderator(small_policy())


@pytest.fixture()
def service(tmp_path: Path, moderator: Moderator) -> Iterator[ModerationService]:
    """A service over a fresh store file holding article ``a1``."""
    svc = open_service(tmp_path / "store.duckdb", moderator)
    svc.add_article(ARTICLE, actor="tester")
    yield svc
    svc.close()
