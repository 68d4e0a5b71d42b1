"""Shared fixtures of the moderation-stats tests: one moderation history, built once."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate"))  # modhelpers
from modstats_helpers import Clock, History, build  # noqa: E402

from mutewatch.moderate import service as service_module  # noqa: E402


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    """The store file (closed, so each test may open it) with its comment ids."""
    path = tmp_path_factory.mktemp("modstats") / "store.duckdb"
    clock = Clock()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(service_module, "_now", clock)
        ids = build(path, clock)
    yield History(path, ids)
