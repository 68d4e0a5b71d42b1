"""POST /api/v1/articles answers 201 only when it creates the article; replacing the article
of an id that exists is an update and answers 200 (``created`` false), as RFC 9110 has it.

Found (session 24 audit): an update answered 201 with ``"created": false``. Issue 5 names
no status for this endpoint (201 is the contract of POST /api/v1/comments), and no client in
the repository (moderator page, benchmarks, CLI) reads the article's status code.
"""

from __future__ import annotations

from s12_api_helpers import Api

ARTICLE = {"id": "a1", "title": "Tram line", "body": "The council voted to fund a tram line."}


def test_a_new_article_is_201_and_a_replaced_one_200(api: Api) -> None:
    first = api("POST", "/api/v1/articles", "moderator", json=ARTICLE)
    assert first.status_code == 201, first.text
    assert first.json() == {"id": "a1", "title": "Tram line", "created": True, "updated": False}

    changed = {**ARTICLE, "title": "Tram line, revised"}
    again = api("POST", "/api/v1/articles", "moderator", json=changed)
    assert again.status_code == 200, again.text
    revised = {"id": "a1", "title": "Tram line, revised", "created": False, "updated": True}
    assert again.json() == revised

    other = api("POST", "/api/v1/articles", "moderator", json={**ARTICLE, "id": "a2"})
    assert other.status_code == 201, other.text


def test_the_openapi_names_both_answers(api: Api) -> None:
    spec = api("GET", "/openapi.json", "moderator").json()
    responses = spec["paths"]["/api/v1/articles"]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
