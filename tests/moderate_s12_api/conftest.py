"""Fixtures of the session-12 moderation API protocol tests: the app in-process
(``httpx.ASGITransport``) over a fresh store file, a user of each role, and the small
policy of tests/moderate_service_more (text clauses only: no language or name model), its
moderator loaded once per session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # s12_api_helpers
for _folder in ("moderate", "moderate_service_more"):  # modhelpers, service_more_helpers
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / _folder))
from s12_api_helpers import Api  # noqa: E402
from s12_shared import built_api  # noqa: E402
from service_more_helpers import small_policy  # noqa: E402

from mutewatch.moderate.checks import Moderator  # noqa: E402


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    return Moderator(small_policy())


@pytest.fixture()
def api(tmp_path: Path, moderator: Moderator) -> Iterator[Api]:
    """The app over a fresh store file with a user of each role (``viewer1`` ...)."""
    with built_api(tmp_path, moderator) as built:
        yield built
