"""The API's request bodies are documented: in ``/openapi.json`` (a ``requestBody`` whose
fields are the ones the library reads, with its limits) and on the ``/docs`` page.

Found (helper audit, session 25): the moderation routes read their bodies raw, so
``POST /api/v1/comments``, ``/api/v1/articles``, ``/comments/{id}/actions`` and
``/comments/{id}/appeal`` had no ``requestBody`` in the OpenAPI document, and ``/docs``
showed no body of any route (``POST /api/v1/users`` neither): a newsroom developer reading
the API reference learnt no field of a comment.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

from mutewatch.moderate import service
from mutewatch.moderate.policy import LIMITS

BODIES = {  # route: (the fields the library reads, the required ones, whether others are refused)
    "/api/v1/articles": ({"id", "title", "body"}, {"id", "title", "body"}, False),
    "/api/v1/comments": (set(service.COMMENT_FIELDS), {"article_id", "author_name", "text"},
                         False),
    "/api/v1/comments/{comment_id}/actions": (set(service.ACTION_FIELDS), {"action", "note"},
                                              True),
    "/api/v1/comments/{comment_id}/appeal": ({"note"}, {"note"}, True),
}  # fmt: skip
LIMIT_OF = {
    ("/api/v1/articles", "id"): service.MAX_ID_CHARS,
    ("/api/v1/articles", "title"): service.MAX_TITLE_CHARS,
    ("/api/v1/articles", "body"): service.MAX_BODY_CHARS,
    ("/api/v1/comments", "article_id"): service.MAX_ID_CHARS,
    ("/api/v1/comments", "parent_id"): service.MAX_ID_CHARS,
    ("/api/v1/comments", "email"): service.MAX_EMAIL_CHARS,
    ("/api/v1/comments/{comment_id}/actions", "note"): service.MAX_NOTE_CHARS,
    ("/api/v1/comments/{comment_id}/appeal", "note"): service.MAX_NOTE_CHARS,
}
SECTION = re.compile(r'<section class="op">(.*?)</section>', re.S)


async def fetched(app: Any, env: Env, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
        return await client.get(path, headers=bearer(env, "moderator"))


def schema_of(spec: dict[str, Any], path: str) -> dict[str, Any]:
    body = spec["paths"][path]["post"].get("requestBody")
    assert body is not None, f"POST {path} documents no request body"
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema


@pytest.mark.anyio
async def test_each_moderation_body_is_in_the_openapi_document(
    moderation_app: Any, env: Env
) -> None:
    spec = (await fetched(moderation_app, env, "/openapi.json")).json()
    for path, (fields, required, closed) in BODIES.items():
        schema = schema_of(spec, path)
        assert set(schema["properties"]) == fields, path
        assert set(schema["required"]) == required, path
        assert schema["additionalProperties"] is not closed, path
    for (path, field), limit in LIMIT_OF.items():
        assert schema_of(spec, path)["properties"][field]["maxLength"] == limit, (path, field)
    action = schema_of(spec, "/api/v1/comments/{comment_id}/actions")["properties"]
    assert action["action"]["enum"] == list(service.ACTIONS)
    assert set(action["expected_status"]["enum"]) == set(service.STATUS_OF.values())
    comment = schema_of(spec, "/api/v1/comments")["properties"]  # the shipped policy's limits
    assert f"{LIMITS['max_text_chars']} characters" in comment["text"]["description"]
    assert f"{LIMITS['max_name_chars']} characters" in comment["author_name"]["description"]


@pytest.mark.anyio
async def test_the_docs_page_lists_each_body_field(moderation_app: Any, env: Env) -> None:
    page = (await fetched(moderation_app, env, "/docs")).text
    sections = {}
    for section in SECTION.findall(page):
        head = re.search(r'<span class="method">(\w+)</span> <code>([^<]+)</code>', section)
        assert head is not None
        sections[(head[1], html.unescape(head[2]))] = section
    expected = {path: fields for path, (fields, _, _) in BODIES.items()}
    expected["/api/v1/users"] = {"name", "role", "enable"}  # a pydantic model's ($ref)
    for path, fields in expected.items():
        section = sections[("POST", path)]
        assert "Request body (application/json)" in section, path
        listed = set(re.findall(r"<tr><td><code>(\w+)</code></td><td>(?!header|query|path)",
                                section))  # fmt: skip
        assert listed == fields, path
    comment = sections[("POST", "/api/v1/comments")]
    assert "approve | reject | edit" in sections[("POST", "/api/v1/comments/{comment_id}/actions")]
    assert f"at most {service.MAX_EMAIL_CHARS} characters" in comment
