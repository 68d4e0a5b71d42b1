"""Fixtures of the session-20 moderation tests: the default policy's defamatory and
irrelevant clauses (no language or name model), and create_app in-process (httpx.ASGITransport)
on a fresh DuckDB store file with article a1 and one user per role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from s20_moderate.s20m_helpers import ARTICLE, auth


@pytest.fixture(scope="session")
def s20m_policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default policy's defamatory and irrelevant clauses, as a file."""
    from modhelpers import two_clause_policy

    return Path(two_clause_policy(tmp_path_factory.mktemp("s20m_policy") / "policy.yaml"))


@pytest.fixture
async def s20m_client(
    tmp_path: Path, s20m_policy: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """create_app on a fresh store file with article a1; the client and each role's token."""
    from modhelpers import role_tokens

    from mutewatch.web.app import create_app

    monkeypatch.setenv("MUTEWATCH_MODERATION_POLICY", str(s20m_policy))
    store = tmp_path / "store.duckdb"
    tokens = role_tokens(store)
    app = create_app(
        store, cache_dir=tmp_path / "cache", refresh_interval=0.2, linger=0.05,
        pseudonym_key="test-key",
    )  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", timeout=120
        ) as client:
            r = await client.post("/api/v1/articles", json=ARTICLE, headers=auth(tokens))
            assert r.status_code == 201, r.text
            yield client, tokens
    finally:
        app.state.gateway.stop()
