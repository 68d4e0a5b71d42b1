"""``POST /v1alpha1/comments:analyze?key=A&key=B`` (and ``comments:suggestscore``): a key
given twice is refused in Google's error shape, a 400 ``INVALID_ARGUMENT`` naming the
parameter (``perspective.api_key``), before any key is tried; the route took the last key
silently, so a request was authorised as, and counted to, a key its sender may not have
meant (here a wrong key first and a valid one last was answered 200)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from webfactory import Env

COMMENT = {"text": "A calm remark about the weather."}
BODIES = {
    "analyze": {"comment": COMMENT, "requestedAttributes": {"TOXICITY": {}}},
    "suggestscore": {
        "comment": COMMENT, "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.1}}}
    },
}  # fmt: skip


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["analyze", "suggestscore"])
async def test_a_key_given_twice_is_a_400_invalid_argument(
    moderation_app: Any, env: Env, method: str
) -> None:
    valid = env.tokens["admin"]
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
        answer = await client.post(
            f"/v1alpha1/comments:{method}", params=[("key", "mw_s13-wrong"), ("key", valid)],
            json=BODIES[method],
        )  # fmt: skip
    assert answer.status_code == 400, answer.text[:300]
    error = answer.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT", error
    assert 'query parameter "key"' in error["message"], error
    assert valid not in answer.text and "mw_s13-wrong" not in answer.text
