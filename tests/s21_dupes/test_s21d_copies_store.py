"""The text keys copies are found by (``mod_text_keys``): a store written before them gets
its comments keyed when it is opened (migration 11), so a copy of an old comment is held;
a refused submission (4xx) stores no key; a moderator's edit leaves the comment keyed by
the text it was submitted with. On the old code no copy was found (no ``duplicate_of``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from s21d_helpers import ON_TOPIC, Api, built_api

from mutewatch.moderate.checks import Moderator

OTHER = "A stop at the hospital entrance would help the night staff."
EDITED = "The tram should run late in the evening, when the last shifts end."


def _post(api: Api, text: str, author: str = "Bo Lund", **extra: Any) -> dict[str, Any]:
    r = api.comment({"article_id": "a1", "author_name": author, "text": text, **extra})
    assert r.status_code == 201, r.text
    answer: dict[str, Any] = r.json()
    return answer


def _copy_of(answer: dict[str, Any]) -> str | None:
    [clause] = [c for c in answer["clauses"] if c["clause"] == "irrelevant"]
    return clause["evidence"].get("duplicate_of")


def _as_before_the_keys(store: Path) -> None:
    """The store as the release before the keys left it: no ``mod_text_keys``, version 10."""
    con = duckdb.connect(str(store))
    try:
        con.execute("DROP TABLE mod_text_keys")
        con.execute("UPDATE meta SET value = '10' WHERE key = 'schema_version:moderate'")
    finally:
        con.close()


def test_an_upgraded_store_keys_its_old_comments(tmp_path: Path, moderator: Moderator) -> None:
    with built_api(tmp_path, moderator) as api:
        old = _post(api, ON_TOPIC, "Ana Silva")
        _post(api, OTHER)
    _as_before_the_keys(tmp_path / "store.duckdb")
    with built_api(tmp_path, moderator, fresh=False) as api:
        copy = _post(api, "  " + ON_TOPIC.lower())
        assert copy["decision"] == "hold" and _copy_of(copy) == old["id"], copy
        assert _copy_of(_post(api, "A new shelter at the station stop would help.")) is None
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    try:
        keyed = con.execute("SELECT count(*), count(DISTINCT comment_id) FROM mod_text_keys")
        assert keyed.fetchone() == (4, 4)  # the two old comments and the two new ones
    finally:
        con.close()


def _keys(api: Api) -> int:
    def read(con: Any) -> int:
        return int(con.execute("SELECT count(*) FROM mod_text_keys").fetchone()[0])

    return int(api.app.state.moderation_service.access.read(read))


def test_a_refused_submission_stores_no_key(api: Api) -> None:
    first = _post(api, ON_TOPIC, "Ana Silva")
    before = (api.counts(), _keys(api))
    for body, status in (
        ({"article_id": "zz", "author_name": "Bo Lund", "text": ON_TOPIC}, 404),
        ({"article_id": "a1", "author_name": "Bo Lund", "text": ON_TOPIC, "parent_id": "c99"}, 404),
        ({"article_id": "a1", "author_name": "", "text": ON_TOPIC}, 422),
    ):
        assert api.comment(body).status_code == status
    assert (api.counts(), _keys(api)) == before
    assert _copy_of(_post(api, ON_TOPIC)) == first["id"]  # still the first comment


def test_an_edited_comment_keeps_the_key_of_its_submitted_text(api: Api) -> None:
    first = _post(api, ON_TOPIC, "Ana Silva")
    edit = {"action": "edit", "text": EDITED, "note": "shorter"}
    r = api("POST", f"/api/v1/comments/{first['id']}/actions", "moderator", json=edit)
    assert r.status_code == 200, r.text
    assert _copy_of(_post(api, EDITED)) is None  # the edit's text is the moderator's
    assert _copy_of(_post(api, ON_TOPIC)) == first["id"]  # the reader's text, sent again
