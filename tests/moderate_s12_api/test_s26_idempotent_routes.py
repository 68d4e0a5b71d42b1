"""``Idempotency-Key`` on the moderation API's other writes. It was honoured on POST
/api/v1/comments only and silently ignored on POST /api/v1/articles, the actions and the
appeal: a newsroom client retrying an approve after a timeout got a 409 (already decided)
instead of its first answer, a retried appeal a 409 (appealed already), a retried new
article a 200 ``created: false``. Now each takes the key as the comments route does: per
user and route, a retry with the same body (and comment) gets the first status and body
with ``Idempotent-Replayed: true`` and writes nothing; the key with another body, or on a
comment's route for another comment, is the comments route's 422
``idempotency_key_reused``."""

from __future__ import annotations

from typing import Any

import duckdb
from s12_api_helpers import Api
from service_more_helpers import ARTICLE, DEFAMATORY

from mutewatch.moderate.service import MIGRATIONS, migrate_moderation
from mutewatch.store.schema import migrate

KEY = {"Idempotency-Key": "7c1e4b0a-retry-after-timeout"}
APPROVE = {"action": "approve", "note": "fair comment"}


def _held(api: Api, author: str = "Ann Lee") -> str:
    """A comment of viewer1's that the machine holds, on ARTICLE."""
    if api("GET", f"/api/v1/articles/{ARTICLE['id']}/comments", "viewer").status_code == 404:
        assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    record = {"article_id": ARTICLE["id"], "author_name": author, "text": DEFAMATORY}
    answer = api("POST", "/api/v1/comments", "viewer", json=record).json()
    assert answer["decision"] == "hold", answer
    return str(answer["id"])


def _reused(answer: Any) -> str:
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "Idempotent-Replayed" not in answer.headers
    return str(error["message"])


def test_a_retried_approve_gets_its_first_answer(api: Api) -> None:
    comment = _held(api)
    path = f"/api/v1/comments/{comment}/actions"
    first = api("POST", path, "moderator", json=APPROVE, headers=KEY)
    assert first.status_code == 200 and first.json()["status"] == "published", first.text
    assert "Idempotent-Replayed" not in first.headers
    counts = api.counts()
    again = api("POST", path, "moderator", json=APPROVE, headers=KEY)  # was a 409
    assert again.status_code == 200, again.text
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert api.counts() == counts  # nothing written: no second audit entry
    plain = api("POST", path, "moderator", json=APPROVE)  # no key: the 409 as before
    assert plain.status_code == 409 and plain.json()["error"]["conflict"]["reason"] == (
        "already_decided"
    )
    reject = {"action": "reject", "note": "changed my mind"}
    assert comment in _reused(api("POST", path, "moderator", json=reject, headers=KEY))
    other = f"/api/v1/comments/{_held(api, 'Bo Li')}/actions"
    message = _reused(api("POST", other, "moderator", json=APPROVE, headers=KEY))
    assert comment in message and "same comment" in message
    # another user's key of the same text is theirs: the admin's approve is not a replay
    assert api("POST", path, "admin", json=APPROVE, headers=KEY).status_code == 409


def test_a_retried_article_keeps_its_201(api: Api) -> None:
    first = api("POST", "/api/v1/articles", "moderator", json=ARTICLE, headers=KEY)
    assert first.status_code == 201 and first.json()["created"] is True
    again = api("POST", "/api/v1/articles", "moderator", json=ARTICLE, headers=KEY)
    assert again.status_code == 201, again.text  # was a 200, created false
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    history = api("GET", "/api/v1/moderation/audit?action=article_updated", "moderator")
    assert history.json()["items"] == []  # the retry replaced nothing
    renamed = {**ARTICLE, "title": "City council delays the tram line"}
    assert ARTICLE["id"] in _reused(
        api("POST", "/api/v1/articles", "moderator", json=renamed, headers=KEY)
    )
    replaced = api("POST", "/api/v1/articles", "moderator", json=renamed)  # no key
    assert replaced.status_code == 200 and replaced.json()["created"] is False


def test_a_retried_appeal_gets_its_first_answer(api: Api) -> None:
    comment = _held(api)
    path = f"/api/v1/comments/{comment}/appeal"
    note = {"note": "my comment quotes the court's ruling"}
    first = api("POST", path, "viewer", json=note, headers=KEY)
    assert first.status_code == 200 and first.json()["appealed"] is True, first.text
    again = api("POST", path, "viewer", json=note, headers=KEY)  # was a 409
    assert again.status_code == 200, again.text
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert api("POST", path, "viewer", json=note).status_code == 409  # no key: as before
    assert comment in _reused(api("POST", path, "viewer", json={"note": "x"}, headers=KEY))


def test_each_route_keeps_its_own_keys(api: Api) -> None:
    comment = _held(api)
    act = api("POST", f"/api/v1/comments/{comment}/actions", "moderator", json=APPROVE,
              headers=KEY)  # fmt: skip
    assert act.status_code == 200
    record = {"article_id": ARTICLE["id"], "author_name": "Cy Ng", "text": "Placeholder."}
    submitted = api("POST", "/api/v1/comments", "moderator", json=record, headers=KEY)
    assert submitted.status_code == 201 and "Idempotent-Replayed" not in submitted.headers
    bad = api("POST", "/api/v1/articles", "moderator", json=ARTICLE,
              headers={"Idempotency-Key": ""})  # fmt: skip
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["error"]["message"]


def test_the_openapi_lists_the_header_on_each_keyed_route(api: Api) -> None:
    paths = api("GET", "/openapi.json", "admin").json()["paths"]
    one = "/api/v1/comments/{comment_id}"
    for path in ("/api/v1/articles", "/api/v1/comments", f"{one}/actions", f"{one}/appeal"):
        names = [p["name"] for p in paths[path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, (path, names)
    action = paths["/api/v1/comments/{comment_id}/actions"]["post"]["parameters"]
    assert [p["name"] for p in action] == ["comment_id", "Idempotency-Key"]


def test_the_comments_keys_kept_before_are_the_comments_routes() -> None:
    con = duckdb.connect(":memory:")
    migrate(con, component="moderate", migrations=MIGRATIONS[:-1])
    con.execute("INSERT INTO mod_idempotency VALUES ('viewer1', 'k1', 'h', 'c1', 201, '{}', now())")
    migrate_moderation(con)
    rows = con.execute("SELECT principal, route, idempotency_key FROM mod_idempotency").fetchall()
    assert rows == [("viewer1", "POST /api/v1/comments", "k1")]


def test_the_migration_runs_again_on_its_own_table() -> None:
    """A store whose moderation version was set back (as tests/moderate_appeals does) runs
    the rebuild again: the routes kept stay."""
    con = duckdb.connect(":memory:")
    migrate_moderation(con)
    con.execute(
        "INSERT INTO mod_idempotency (principal, route, idempotency_key, body_hash, comment_id,"
        " status, response, created_at) VALUES ('moderator1', 'POST /api/v1/articles', 'k2',"
        " 'h', 'a1', 201, '{}', now())"
    )
    version = len(MIGRATIONS) - 1
    con.execute(f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version:moderate'")
    migrate_moderation(con)
    assert con.execute("SELECT route FROM mod_idempotency").fetchall() == [
        ("POST /api/v1/articles",)
    ]
