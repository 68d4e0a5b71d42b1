"""POST /api/v1/comments with an Idempotency-Key: a retry (a double click, a client that
timed out) gets the first answer again and stores nothing; the key with another comment is
a 422; malformed keys are a 400; the key is the signed-in user's own; keys expire after
24 hours. On the old code every retry stored the comment again under a new id."""

from __future__ import annotations

from typing import Any

import httpx
from s21d_helpers import ON_TOPIC, Api

BODY = {"article_id": "a1", "author_name": "Ana Silva", "text": ON_TOPIC}
KEY = {"Idempotency-Key": "3f2b9c1e-7d4a-4e8b-9a51-0c6d2e8f1a77"}


def _post_raw(api: Api, raw: bytes, role: str = "viewer", **headers: str | bytes) -> httpx.Response:
    sent = {"Content-Type": "application/json", **headers}
    return api("POST", "/api/v1/comments", role, content=raw, headers=sent)


def test_a_retry_with_the_key_replays_the_first_answer_and_stores_nothing(api: Api) -> None:
    first = api.comment(BODY, **KEY)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    before = api.counts()
    # the same body as another JSON text (keys reordered, spaces, an escape): same comment
    raw = b'{ "text": "%s", "author_name" : "Ana \\u0053ilva", "article_id": "a1" }' % (
        ON_TOPIC.encode()
    )
    for again in (api.comment(BODY, **KEY), _post_raw(api, raw, **KEY)):
        assert again.status_code == 201, again.text
        assert again.json() == first.json()  # the same id, decision, clauses, reason
        assert again.headers["idempotent-replayed"] == "true"
    assert api.counts() == before  # no comment, revision, decision or audit row added
    # another user's same key is theirs: a new comment
    other = api.comment(BODY, "analyst", **KEY)
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert "idempotent-replayed" not in other.headers
    # without a key, nothing changes: each post is a comment
    plain = [api.comment({**BODY, "author_name": "Bo Lund"}).json()["id"] for _ in range(2)]
    assert len(set(plain)) == 2


def test_the_key_with_another_comment_is_a_422_storing_nothing(api: Api) -> None:
    first = api.comment(BODY, **KEY)
    assert first.status_code == 201, first.text
    before = api.counts()
    for body in ({**BODY, "text": "The tram should also stop at the stadium."},
                 {**BODY, "email": "ana@example.org"}):  # fmt: skip
        r = api.comment(body, **KEY)
        assert r.status_code == 422, r.text
        error: dict[str, Any] = r.json()["error"]
        assert error["code"] == "idempotency_key_reused"
        assert "used for another comment" in error["message"]
        assert error["comment_id"] == first.json()["id"]
        assert "idempotent-replayed" not in r.headers
    assert api.counts() == before
    assert api.comment(BODY, **KEY).json() == first.json()  # the first answer still stands


def test_malformed_keys_are_a_400_storing_nothing(api: Api) -> None:
    before = api.counts()
    bad = [b"", b" ", b"k" * 256, "caf\u00e9".encode(), b"a\x7fb", b"a\x01b"]
    for key in bad:
        r = _post_raw(api, b"", **{"Idempotency-Key": key})  # refused before the body
        assert r.status_code == 400, (key, r.text)
        assert r.json()["error"]["code"] == "bad_request"
        assert "Idempotency-Key" in r.json()["error"]["message"]
    raw = [(b"authorization", f"Bearer {api.tokens['viewer']}".encode()),
           (b"content-type", b"application/json"),
           (b"idempotency-key", b"one"), (b"idempotency-key", b"two")]  # fmt: skip
    twice = _raw_headers(api, raw)
    assert twice.status_code == 400 and "2 times" in twice.json()["error"]["message"]
    assert api.counts() == before
    ok = api.comment(BODY, **{"Idempotency-Key": "k" * 255})  # the longest key
    assert ok.status_code == 201, ok.text
    assert api.comment(BODY, **{"Idempotency-Key": "k" * 255}).headers["idempotent-replayed"]


def _raw_headers(api: Api, headers: list[tuple[bytes, bytes]]) -> httpx.Response:
    import asyncio
    import json

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            request = client.build_request(
                "POST", "/api/v1/comments", content=json.dumps(BODY).encode()
            )
            request.headers = httpx.Headers(headers)
            return await client.send(request)

    return asyncio.run(go())


def test_a_key_older_than_a_day_is_a_new_comment(api: Api) -> None:
    first = api.comment(BODY, **KEY)
    assert first.status_code == 201, first.text
    assert api.comment(BODY, **KEY).json() == first.json()  # within the day: replayed
    hours = 25  # keys are kept 24 hours (service.IDEMPOTENCY_HOURS)

    def age(con: Any) -> None:
        con.execute(f"UPDATE mod_idempotency SET created_at = created_at - INTERVAL {hours} HOUR")

    api.app.state.moderation_service.access.write(age)
    again = api.comment(BODY, **KEY)
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    assert "idempotent-replayed" not in again.headers
    third = api.comment(BODY, **KEY)  # the key now names the new comment
    assert third.json() == again.json() and third.headers["idempotent-replayed"] == "true"
