"""Fixtures shared by every test folder: a small synthetic demo, generated and ingested once."""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from mutewatch.demo import DemoManifest, generate
from mutewatch.ingest import IngestOptions, IngestReport, ingest
from mutewatch.outlets import load_registry
from mutewatch.store import Store

os.environ.setdefault("TZ", "UTC")
# The Spark tests run small queries in a JVM that lives a few minutes: its optimising (C2)
# compiler spent about a third of their CPU on code that ran too briefly to repay it. The
# launcher puts SPARK_SUBMIT_OPTS on the driver's java command line (local mode: the one
# JVM) before the options the engine sets, which it leaves as they are; Spark computes the
# same with C1-compiled code. Read by this process's sessions and the CLIs it starts.
os.environ.setdefault("SPARK_SUBMIT_OPTS", "-XX:TieredStopAtLevel=1")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Each worker may hold a Spark JVM, a headless Chromium and a live server at once: one per
# core on a many-core machine would start dozens. PYTEST_XDIST_AUTO_NUM_WORKERS still wins.
MAX_AUTO_WORKERS = 4


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: one worker per core, at most ``MAX_AUTO_WORKERS``."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist reads it itself
    return max(1, min(len(os.sched_getaffinity(0)), MAX_AUTO_WORKERS))


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
def fifth_tribe_ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real Fifth Tribe CSV of ../shared/data ingested once per session into a store (as
    twitter, no registry; skips without the data). Copy the file before use: measurements
    write their derived tables into the store they read."""
    options = IngestOptions(
        format="csv",
        mapping={"account": "username", "time": "time", "text": "tweets"},
        time_format="%m/%d/%Y %H:%M",
        platform="twitter",
    )
    path = tmp_path_factory.mktemp("fifth-tribe") / "fifth.duckdb"
    with Store.open(path) as store:
        ingest(store, [_shared_data("fifth_tribe_tweets.csv")], options)
    return path


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


_DETECTED: dict[str, Any] = {}  # text -> language.detect(text), for remembered_detect


@contextmanager
def _remembering_detect() -> Iterator[None]:
    """Inside: ``mutewatch.moderate.language.detect`` computes each text's answer once per
    session and hands out copies (detect is deterministic: tests/moderate_checks)."""
    from mutewatch.moderate import language

    real = language.detect

    def detect(text: str) -> Any:
        if text not in _DETECTED:
            _DETECTED[text] = real(text)
        found = _DETECTED[text]
        return dataclasses.replace(found, evidence=copy.deepcopy(found.evidence))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(language, "detect", detect)
        yield


@pytest.fixture(scope="session")
def remembered_detect() -> Callable[[], AbstractContextManager[None]]:
    """``with remembered_detect(): ...``: the language detector remembers its answers. The
    evaluation tests (``moderate evaluate``'s report and ``language.evaluate``) each run it on
    the same ~12,500 evaluation texts of the shared data; the second reads the first's answers."""
    return _remembering_detect


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
