"""A bad ``limit``, ``offset``, ``before`` or ``appeal`` on a moderation route is a 400
``bad_request`` naming the parameter, in the API's one error shape, as every other bad query
value there (an unknown ``clause``, an empty ``article_id``): FastAPI's own check answered
422 ``validation_error`` "query.limit: Input should be ...". What was taken is still taken,
and the routes' OpenAPI is unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from s12_api_helpers import Api
from s12_shared import built_api
from service_more_helpers import DEFAMATORY, ON_TOPIC

from mutewatch.moderate.checks import Moderator

QUEUE = "/api/v1/moderation/queue"
AUDIT = "/api/v1/moderation/audit"
PAGE = "/api/v1/articles/a1/comments"
BAD = [
    (QUEUE, "moderator", "limit", "abc"),
    (QUEUE, "moderator", "limit", "0"),
    (QUEUE, "moderator", "limit", "501"),
    (QUEUE, "moderator", "limit", ""),
    (QUEUE, "moderator", "offset", "-1"),
    (QUEUE, "moderator", "offset", "1.5"),
    (QUEUE, "moderator", "appeal", "maybe"),
    (AUDIT, "moderator", "limit", "5001"),
    (AUDIT, "moderator", "limit", "x"),
    (AUDIT, "moderator", "before", "0"),
    (AUDIT, "moderator", "before", "-3"),
    (AUDIT, "moderator", "before", "abc"),
    (AUDIT, "moderator", "before", ""),
    (PAGE, "viewer", "limit", "0"),
    (PAGE, "viewer", "limit", "1e2"),
    (PAGE, "viewer", "offset", "-1"),
]


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory, moderator: Moderator) -> Iterator[Api]:
    """conftest's ``served_api`` (the app in-process over a fresh store file, a user of each
    role, article ``a1``), built once for the tests that only read: setting up the store and
    the app was ~2.5 s of each of 27 tests. ``test_an_offset_past_every_row_is_an_empty_page``
    writes comments, so it keeps its own ``served_api``."""
    article = {"id": "a1", "title": "Tram line", "body": "The council voted to fund a tram line."}
    with built_api(tmp_path_factory.mktemp("s12b_numbers"), moderator) as api:
        assert api("POST", "/api/v1/articles", "moderator", json=article).status_code == 201
        yield api


@pytest.mark.parametrize(("path", "role", "name", "value"), BAD)
def test_a_bad_number_or_flag_is_a_400_naming_the_parameter(
    shared_api: Api, path: str, role: str, name: str, value: str
) -> None:
    r = shared_api("GET", path, role, params={name: value})
    assert r.status_code == 400, (path, name, value, r.status_code, r.text[:300])
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == "bad_request", body
    message = body["error"]["message"]
    assert message.startswith(f"the query parameter {name!r} must be "), message
    assert repr(value) in message and "query." not in message, message


def test_a_long_bad_value_is_shown_cut(shared_api: Api) -> None:
    r = shared_api("GET", QUEUE, "moderator", params={"limit": "9" * 5000})
    assert r.status_code == 400 and len(r.json()["error"]["message"]) < 300, r.text[:300]


@pytest.mark.parametrize(
    ("path", "role", "query"),
    [
        (QUEUE, "moderator", "limit=5.0&offset=%200&appeal=yes"),
        (QUEUE, "moderator", "limit=500&appeal=off"),
        (AUDIT, "moderator", "limit=5000&before=1"),
        (PAGE, "viewer", "limit=1&offset=0"),
    ],
)
def test_what_was_taken_is_still_taken(shared_api: Api, path: str, role: str, query: str) -> None:
    r = shared_api("GET", f"{path}?{query}", role)
    assert r.status_code == 200, r.text[:300]


def test_a_before_past_every_audit_id_pages_from_the_newest(shared_api: Api) -> None:
    """A ``before`` above DuckDB's BIGINT was passed on and failed there: a 500."""
    newest = shared_api("GET", AUDIT, "moderator").json()["items"]
    r = shared_api("GET", AUDIT, "moderator", params={"before": "9" * 40})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["items"] == newest and newest


def test_an_offset_past_every_row_is_an_empty_page(served_api: Api) -> None:
    """An ``offset`` above DuckDB's BIGINT failed in DuckDB as well: a 500."""
    texts = (DEFAMATORY, ON_TOPIC)
    for text in texts:  # one held, one published
        record = {"article_id": "a1", "author_name": "Ana Silva", "text": text}
        assert served_api("POST", "/api/v1/comments", "viewer", json=record).status_code == 201
    far = "9" * 30
    queue = served_api("GET", QUEUE, "moderator", params={"offset": far})
    assert queue.status_code == 200, queue.text[:300]
    assert queue.json() == {"total": 1, "next_after": None, "items": []}, "the held is counted"
    page = served_api("GET", PAGE, "viewer", params={"offset": far})
    assert page.status_code == 200, page.text[:300]
    assert (page.json()["total"], page.json()["items"], page.json()["offset"]) == (1, [], int(far))


def test_who_asks_still_comes_first(shared_api: Api) -> None:
    assert shared_api("GET", f"{QUEUE}?limit=abc", None).status_code == 401
    assert shared_api("GET", f"{QUEUE}?limit=abc", "viewer").status_code == 403
    twice = shared_api("GET", f"{QUEUE}?limit=abc&limit=2", "moderator")
    assert twice.status_code == 400 and "more than once" in twice.json()["error"]["message"]


def _int(title: str, low: int, high: int | None, default: int) -> dict[str, object]:
    bounds = {"maximum": high} if high is not None else {}
    return {"type": "integer", **bounds, "minimum": low, "default": default, "title": title}


def _maybe(title: str, **schema: object) -> dict[str, object]:
    return {"anyOf": [schema, {"type": "null"}], "title": title}


OPENAPI = {
    QUEUE: [("limit", _int("Limit", 1, 500, 50)), ("offset", _int("Offset", 0, None, 0)),
            ("clause", _maybe("Clause", type="string")),
            ("appeal", _maybe("Appeal", type="boolean")),
            ("article_id", _maybe("Article Id", type="string")),
            ("after", _maybe("After", type="string"))],  # since session 26
    AUDIT: [("limit", _int("Limit", 1, 5000, 200)),
            ("before", _maybe("Before", type="integer", minimum=1)),
            ("actor", _maybe("Actor", type="string")),
            ("action", _maybe("Action", type="string")),
            ("comment_id", _maybe("Comment Id", type="string"))],
    "/api/v1/articles/{article_id}/comments": [
        ("article_id", {"type": "string", "title": "Article Id"}),
        ("limit", _int("Limit", 1, 500, 50)), ("offset", _int("Offset", 0, None, 0)),
        ("after", _maybe("After", type="string"))],
}  # fmt: skip


@pytest.mark.parametrize("path", list(OPENAPI))
def test_the_openapi_of_the_parameters_is_unchanged(shared_api: Api, path: str) -> None:
    """The check is a dependency taking only the request: it declares no parameter, and the
    documented types and bounds are the ones it enforces."""
    doc = shared_api("GET", "/openapi.json", "moderator").json()
    params = doc["paths"][path]["get"]["parameters"]
    assert [(p["name"], p["schema"]) for p in params] == OPENAPI[path]
