"""Fixtures of the published-comments, comment-status and audit-chain tests.

The moderator uses the default policy's text clauses only (no language or name models), so
these tests run wherever the embedding model is installed; it loads once per session.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate"))  # modhelpers
from modhelpers import direct_service  # noqa: E402
from service_more_helpers import ARTICLE, small_policy  # noqa: E402

from mutewatch.moderate.checks import Moderator  # noqa: E402
from mutewatch.moderate.service import ModerationService  # noqa: E402


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    return Moderator(small_policy())


@pytest.fixture()
def service(tmp_path: Path, moderator: Moderator) -> Iterator[ModerationService]:
    """A service over a fresh store file holding article ``a1``."""
    svc = direct_service(tmp_path / "store.duckdb", small_policy(), moderator, ARTICLE)
    yield svc
    svc.close()
