"""Fixtures of the published-comments, comment-status and audit-chain tests.

The moderator uses the default policy's text clauses only (no language or name models), so
these tests run wherever the embedding model is installed; it loads once per session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from service_more_helpers import ARTICLE, small_policy

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import DirectAccess, ModerationService


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    return Moderator(small_policy())


@pytest.fixture()
def service(tmp_path: Path, moderator: Moderator) -> Iterator[ModerationService]:
    """A service over a fresh store file holding article ``a1``."""
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    svc = ModerationService(DirectAccess(con), small_policy(), moderator)
    svc.add_article(ARTICLE, actor="tester")
    yield svc
    svc.close()
