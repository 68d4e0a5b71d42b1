"""A comment refused with a 4xx uses up no comment id and stores nothing: ids stay dense
(c1, c2, ...) across refused requests, through the API in-process and on a real server
killed with -9 right after its 201."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

import duckdb
import httpx
import pytest
from modhelpers import start_server, wait_until_serving
from s12_api_helpers import Api
from test_server_durability import SERVER

ARTICLES = [
    {"id": "a1", "title": "Tram line", "body": "The council voted to fund a tram line."},
    {"id": "a2", "title": "Library hours", "body": "The library opens on Sundays from May."},
]
GOOD = {"article_id": "a1", "author_name": "Ana Silva", "text": "The tram should run late."}
REFUSED = [  # each refused with a 4xx; the first three inside the write transaction
    ({**GOOD, "article_id": "nope"}, 404),
    ({**GOOD, "parent_id": "c999"}, 404),
    ({**GOOD, "article_id": "a2", "parent_id": "c1"}, 422),  # c1 is on a1
    ({**GOOD, "text": ""}, 422),
    ({"article_id": "a1", "author_name": "Ana Silva"}, 422),
    ({**GOOD, "email": "not an address"}, 422),
]


def test_refused_comments_use_no_id_and_store_nothing(api: Api) -> None:
    for article in ARTICLES:
        assert api("POST", "/api/v1/articles", "moderator", json=article).status_code == 201
    first = api("POST", "/api/v1/comments", "viewer", json=GOOD)
    assert first.status_code == 201, first.text
    assert first.json()["id"] == "c1"
    before = api.counts()
    for body, status in REFUSED * 2:
        r = api("POST", "/api/v1/comments", "viewer", json=body)
        assert r.status_code == status, (body, r.text)
        assert set(r.json()["error"]) >= {"code", "message"}
    second = api("POST", "/api/v1/comments", "viewer", json=GOOD)
    assert second.status_code == 201, second.text
    assert second.json()["id"] == "c2"  # was c8: each refusal in the transaction used one
    after = api.counts()
    # the second comment's rows and nothing else (author counts: one row each, by name)
    grew = {t: after[t] - before[t] for t in after}
    assert grew == {"mod_comments": 1, "mod_revisions": 1, "mod_decisions": 1,
                    "mod_audit": 1, "mod_fired": 0, "mod_author_counts": 1,
                    "mod_appeals": 0}  # fmt: skip
    reply = api("POST", "/api/v1/comments", "viewer", json={**GOOD, "parent_id": "c2"})
    assert reply.status_code == 201 and reply.json()["id"] == "c3"


@pytest.mark.server
@pytest.mark.slow
def test_dense_ids_and_a_201_survive_kill_9(tmp_path: Path) -> None:
    """The server of tests/moderate's kill -9 test (its writer lingers with the store open),
    killed right after the third 201, with refusals between the 201s."""
    served = start_server(tmp_path, SERVER)
    acked = []
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(lambda: served.proc.poll() is None and served.proc.kill())
        client = cleanup.enter_context(httpx.Client(
            base_url=served.url, headers={"Authorization": f"Bearer {served.token}"}, timeout=60
        ))  # fmt: skip
        wait_until_serving(client, served.proc)
        for article in ARTICLES:
            assert client.post("/api/v1/articles", json=article).status_code == 201
        for body, status in [(GOOD, 201), *REFUSED, (GOOD, 201), *REFUSED, (GOOD, 201)]:
            r = client.post("/api/v1/comments", json=body)
            assert r.status_code == status, (body, r.text)
            acked += [r.json()["id"]] if status == 201 else []
        served.proc.send_signal(signal.SIGKILL)
    served.proc.wait(timeout=30)
    assert acked == ["c1", "c2", "c3"]
    con = duckdb.connect(str(served.store))
    rows = con.execute(
        "SELECT c.comment_id, count(d.decision_id) FROM mod_comments c JOIN mod_decisions d"
        " USING (comment_id) GROUP BY c.comment_id ORDER BY c.comment_id"
    ).fetchall()
    con.close()
    assert rows == [("c1", 1), ("c2", 1), ("c3", 1)]
