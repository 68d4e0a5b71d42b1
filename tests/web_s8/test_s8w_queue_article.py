"""``GET /api/v1/moderation/queue?article_id=A``: one article's held comments (the service
gained the filter in 02ed236, the API refused it as an unknown parameter); an article
nobody added is a 404 in the one error shape, not an empty queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer


@pytest.fixture(scope="module")
def moderation_app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app with moderation, two articles, one held comment on each."""
    import anyio

    from mutewatch.web.app import create_app

    app = create_app(
        env.path, cache_dir=tmp_path_factory.mktemp("s8w-mod-cache"), refresh_interval=0.2,
        linger=0.05, pseudonym_key="s8w-key",
    )  # fmt: skip

    async def hold() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            for article in ("s8w-a", "s8w-b"):
                new = {"id": article, "title": "Placeholder", "body": "Placeholder body."}
                comment = {"article_id": article, "author_name": "Ana Silva", "text": "Hmmph"}
                added = await c.post("/api/v1/articles", headers=bearer(env, "moderator"), json=new)
                assert added.status_code == 201, added.text
                sent = await c.post("/api/v1/comments", headers=bearer(env, "viewer"), json=comment)
                assert sent.json()["decision"] == "hold", sent.text

    anyio.run(hold)
    yield app
    app.state.gateway.stop()


@pytest.mark.anyio
async def test_the_queue_keeps_one_articles_comments(moderation_app: Any, env: Env) -> None:
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        every = (await c.get("/api/v1/moderation/queue", headers=bearer(env, "moderator"))).json()
        one = await c.get("/api/v1/moderation/queue?article_id=s8w-b",
                          headers=bearer(env, "moderator"))  # fmt: skip
        unknown = await c.get("/api/v1/moderation/queue?article_id=nope",
                              headers=bearer(env, "moderator"))  # fmt: skip
    assert every["total"] == 2
    assert one.status_code == 200, one.text
    assert one.json()["total"] == 1
    assert [item["article_id"] for item in one.json()["items"]] == ["s8w-b"]
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
