"""Fixtures shared by every test folder: a small synthetic demo, generated and ingested once."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from mutewatch.demo import DemoManifest, generate
from mutewatch.ingest import IngestOptions, IngestReport, ingest
from mutewatch.outlets import load_registry
from mutewatch.store import Store

os.environ.setdefault("TZ", "UTC")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"research data not found at {path} (see ../shared/data/README.md)")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Callable[..., Path]:
    """``shared_data("a", "b.csv")``: a file of ../shared/data, or skip the test clearly."""
    return _shared_data


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    """A small synthetic ecosystem (scale 0.1) written as Telegram Desktop exports."""
    return generate(tmp_path_factory.mktemp("demo"), seed=11, scale=0.1)


@pytest.fixture(scope="session")
def demo_ingest(
    demo: DemoManifest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, IngestReport]:
    """The small demo ingested with its registry into a fresh store (do not write to it)."""
    path = tmp_path_factory.mktemp("demo-store") / "demo.duckdb"
    with Store.open(path) as store:
        load_registry(store, demo.registry)
        report = ingest(store, [demo.exports], IngestOptions(tz=demo.tz))
    return path, report


@pytest.fixture(scope="session")
def demo_store(demo_ingest: tuple[Path, IngestReport]) -> Path:
    """Path of the ingested small demo store (read-only use)."""
    return demo_ingest[0]


@pytest.fixture
def anyio_backend() -> str:
    """The async tests run on asyncio."""
    return "asyncio"


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking in process to the folder's ``app`` fixture."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
