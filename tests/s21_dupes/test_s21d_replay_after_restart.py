"""An acknowledged keyed comment is in the store file with its key and answer (one
transaction): a new app over the same file (a restart, or a crash after the 201) replays
it. On the old code the retry after the restart stored the comment a second time."""

from __future__ import annotations

from pathlib import Path

import duckdb
from s21d_helpers import ON_TOPIC, built_api

from mutewatch.moderate.checks import Moderator

BODY = {"article_id": "a1", "author_name": "Ana Silva", "text": ON_TOPIC}
KEY = {"Idempotency-Key": "order-7781-comment-1"}


def test_a_key_acknowledged_before_a_restart_replays_after_it(
    tmp_path: Path, moderator: Moderator
) -> None:
    with built_api(tmp_path, moderator) as api:
        first = api.comment(BODY, **KEY)
        assert first.status_code == 201, first.text
        counts = api.counts()
    with built_api(tmp_path, moderator, fresh=False) as api:
        again = api.comment(BODY, **KEY)
        assert again.status_code == 201, again.text
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert api.counts() == counts
        other = api.comment({**BODY, "text": "The tram should stop at the stadium too."}, **KEY)
        assert other.status_code == 422
        assert other.json()["error"]["code"] == "idempotency_key_reused"
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    try:  # in the file, with the comment it answered, once
        rows = con.execute("SELECT comment_id, status FROM mod_idempotency").fetchall()
    finally:
        con.close()
    assert rows == [(first.json()["id"], 201)]
