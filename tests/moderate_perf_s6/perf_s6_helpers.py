"""Helpers of the moderation performance tests (imported as a plain module), and the
``moderator`` and ``service`` fixtures this folder's conftest and tests/moderate_s7_service's
bind (``from perf_s6_helpers import moderator, service``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service_more_helpers import ARTICLE, small_policy

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import ModerationService


def open_service(path: Path, moderator: Moderator) -> ModerationService:
    """A service over the store file ``path`` deciding with ``moderator``."""
    svc = ModerationService.open(path, small_policy())
    svc._moderator = moderator
    return svc


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
