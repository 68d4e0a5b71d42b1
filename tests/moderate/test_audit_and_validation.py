"""Library validation (lone surrogates, e-mail shape, queue filter) and the audit trail
(default clause, required note, who submitted), on real DuckDB files and through the app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from moderate_helpers import text_policy
from modhelpers import direct_service
from test_web import (  # noqa: F401 - the app and token fixtures of the API tests
    ARTICLE,
    _article,
    _auth,
    app,
    env,
)

from mutewatch.errors import InputError, UsageError
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.policy import CLAUSES
from mutewatch.moderate.service import (
    MIGRATIONS,
    ModerationService,
    ReadOnlyAccess,
    migrate_moderation,
)
from mutewatch.store.schema import migrate

OK = {"article_id": "a1", "author_name": "Ana Silva", "text": "The tram should run late."}
HELD = {**OK, "text": "Councillor John Smith took bribes from the tram builders."}
LONE = "lone \ud800 surrogate"
TABLES = ("mod_articles", "mod_comments", "mod_revisions", "mod_decisions", "mod_audit")


@pytest.fixture()
def service(tmp_path: Path, text_moderator: Moderator) -> Iterator[ModerationService]:
    svc = direct_service(tmp_path / "store.duckdb", text_policy(), text_moderator, ARTICLE)
    yield svc
    svc.close()


def _counts(svc: ModerationService) -> dict[str, int]:
    def read(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}

    return svc.access.read(read)


# --- lone surrogates ------------------------------------------------------------------------


INVISIBLE = ["\u200b", "\u200b\u200c\u200d", " \u2060\u00ad ", "\ufeff\u200e", "\u3000\u202e"]


@pytest.mark.parametrize("field", ["text", "author_name"])
@pytest.mark.parametrize("value", INVISIBLE)
def test_a_comment_of_invisible_characters_only_is_refused(
    service: ModerationService, field: str, value: str
) -> None:
    """A text of zero-width characters passed the empty check and was published as nothing."""
    before = _counts(service)
    with pytest.raises(InputError, match=f"`{field}` has no visible characters"):
        service.submit_comment({**OK, field: value})
    assert _counts(service) == before


def test_invisible_characters_beside_visible_ones_are_kept(service: ModerationService) -> None:
    result = service.submit_comment({**OK, "text": "The tram\u200b should run late.\u00ad"})
    assert result["decision"] == "publish", result


@pytest.mark.parametrize("field", ["text", "author_name", "article_id", "email", "parent_id"])
def test_lone_surrogate_in_a_comment_is_refused_naming_the_field(
    service: ModerationService, field: str
) -> None:
    before = _counts(service)
    record = json.loads(json.dumps({**OK, field: LONE}))  # as a JSON body carries it
    with pytest.raises(InputError, match=f"`{field}` is not valid Unicode: a lone surrogate"):
        service.submit_comment(record)
    assert _counts(service) == before


def test_surrogate_from_the_json_escape_itself(service: ModerationService) -> None:
    raw = '{"article_id":"a1","author_name":"Ana Silva","text":"lone \\ud800 surrogate"}'
    with pytest.raises(InputError, match=r"`text`.*\\ud800\) at character 5"):
        service.validate_comment(json.loads(raw))


@pytest.mark.parametrize("field", ["id", "title", "body"])
def test_lone_surrogate_in_an_article_is_refused(service: ModerationService, field: str) -> None:
    before = _counts(service)
    with pytest.raises(InputError, match=f"article field `{field}` is not valid Unicode"):
        service.add_article({**ARTICLE, "id": "a2", field: LONE}, actor="tester")
    assert _counts(service) == before


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"action": "approve", "note": LONE}, "note"),
        ({"action": "edit", "note": "n", "text": LONE}, "text"),
        ({"action": "approve", "note": "n", "clause": LONE}, "clause"),
    ],
)
def test_lone_surrogate_in_an_action_is_refused(
    service: ModerationService, record: dict[str, Any], field: str
) -> None:
    comment = service.submit_comment(OK)
    before = _counts(service)
    with pytest.raises(InputError, match=f"`{field}` is not valid Unicode"):
        service.act(comment["id"], record, "mod1")
    assert _counts(service) == before
    with pytest.raises(InputError, match="not valid Unicode"):
        service.history("c\udc80")


# --- e-mail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("not-an-email", "exactly one @"),
        ("a@b@example.org", "exactly one @"),
        ("ana@localhost", "a domain with a dot"),
        ("ana@example.", "a domain with a dot"),
        ("@example.org", "before @"),
        ("ana silva@example.org", "white space"),
        ("a" * 65 + "@example.org", "before @"),
        ("ana@" + "d" * 250 + ".org", "limit is 254"),
        (42, "must be a string"),
    ],
)
def test_bad_email_is_refused(service: ModerationService, email: object, problem: str) -> None:
    before = _counts(service)
    with pytest.raises(InputError, match=problem) as info:
        service.submit_comment({**OK, "email": email})
    assert "email" in str(info.value)
    assert _counts(service) == before


@pytest.mark.parametrize("email", ["ana.silva+news@example.org", "", None])
def test_good_or_blank_email_is_taken(service: ModerationService, email: str | None) -> None:
    out = service.submit_comment({**OK, "email": email})
    stored = service.access.read(
        lambda con: con.execute(
            "SELECT email FROM mod_comments WHERE comment_id = ?", [out["id"]]
        ).fetchone()
    )
    assert stored == (email or None,)


# --- queue filter ---------------------------------------------------------------------------


def test_queue_refuses_an_unknown_clause(service: ModerationService) -> None:
    held = service.submit_comment(HELD)
    assert [i["id"] for i in service.queue(clause="defamatory")["items"]] == [held["id"]]
    assert service.queue(clause="racist")["total"] == 0
    with pytest.raises(UsageError, match="unknown clause 'bogus'") as info:
        service.queue(clause="bogus")
    assert all(name in str(info.value) for name in CLAUSES)


# --- actions and the audit log -------------------------------------------------------------


# a note of another type (5) is refused by its type (moderate_service_more/test_action_note_type)
@pytest.mark.parametrize("note", ["", "   ", None])
def test_an_action_needs_a_note(service: ModerationService, note: object) -> None:
    held = service.submit_comment(HELD)
    before = _counts(service)
    record = {"action": "approve"} if note is None else {"action": "approve", "note": note}
    with pytest.raises(InputError, match="no `note`"):
        service.act(held["id"], record, "mod1")
    assert _counts(service) == before
    assert service.comment(held["id"])["status"] == "held"


def test_action_records_the_clause_it_concerns(service: ModerationService) -> None:
    held = service.submit_comment(HELD)
    service.act(held["id"], {"action": "approve", "note": "sourced"}, "mod1")
    service.act(held["id"], {"action": "reject", "note": "n", "clause": "personal"}, "mod2")
    service.act(held["id"], {"action": "edit", "note": "n", "text": "The tram is late."}, "m3")
    audit = service.history(held["id"])["audit"]
    assert [(a["action"], a["clause"]) for a in audit] == [
        ("submitted:hold", "defamatory"),
        ("approve", "defamatory"),  # the clause behind the machine's hold
        ("reject", "personal"),  # the one the moderator named
        ("edit", "defamatory"),  # still the machine's clause, not the human decisions'
    ]
    with pytest.raises(InputError, match="unknown clause"):
        service.act(held["id"], {"action": "approve", "note": "n", "clause": "rude"}, "m")


def test_action_on_a_comment_nothing_fired_on_has_no_clause(service: ModerationService) -> None:
    ok = service.submit_comment(OK)
    assert ok["decision"] == "publish"
    service.act(ok["id"], {"action": "reject", "note": "duplicate post"}, "mod1")
    assert service.history(ok["id"])["audit"][-1]["clause"] is None


def test_audit_records_who_submitted(service: ModerationService) -> None:
    out = service.submit_comment(OK, submitted_by="site-backend")
    anonymous = service.submit_comment(OK)
    [row] = service.history(out["id"])["audit"]
    assert row["actor"] == "machine" and row["submitted_by"] == "site-backend"
    assert set(row) == {"audit_id", "at", "actor", "action", "clause", "note", "submitted_by"}
    newest = service.audit(limit=2)
    assert [a["comment_id"] for a in newest] == [anonymous["id"], out["id"]]
    assert [a["submitted_by"] for a in newest] == [None, "site-backend"]
    assert set(newest[0]) == {
        "audit_id", "at", "actor", "action", "comment_id", "article_id", "clause", "note",
        "submitted_by",
    }  # fmt: skip


def test_old_store_gains_submitted_by_and_old_snapshots_still_read(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, component="moderate", migrations=MIGRATIONS[:1])  # a store from before
    con.execute(
        "INSERT INTO mod_audit VALUES (nextval('mod_audit_ids'), now()::TIMESTAMP, 'mod1',"
        " 'approve', 'c1', 'a1', NULL, 'old row')"
    )
    con.close()
    ro = ModerationService(ReadOnlyAccess(duckdb.connect(str(path), read_only=True)))
    [old] = ro.audit()  # a snapshot without the column answers, with None there
    assert old["note"] == "old row" and old["submitted_by"] is None
    ro.close()
    con = duckdb.connect(str(path))
    migrate_moderation(con)
    columns = [r[0] for r in con.execute("DESCRIBE mod_audit").fetchall()]
    assert columns[columns.index("note") + 1] == "submitted_by"  # added by migration 2
    assert con.execute("SELECT note, submitted_by FROM mod_audit").fetchall() == [("old row", None)]
    con.close()


# --- through the app -----------------------------------------------------------------------


@pytest.mark.anyio
async def test_api_refuses_bad_input_with_4xx(
    client: httpx.AsyncClient,  # noqa: F811 - the fixture shared from test_web
    env: tuple[Path, dict[str, str]],  # noqa: F811
) -> None:
    await _article(client, env)
    viewer, moderator = _auth(env, "viewer"), _auth(env, "moderator")
    r = await client.get("/api/v1/moderation/queue?clause=bogus", headers=moderator)
    assert r.status_code == 400, r.text
    assert "bogus" in r.json()["error"]["message"] and "defamatory" in r.json()["error"]["message"]
    r = await client.post("/api/v1/comments", json={**OK, "email": "not-an-email"}, headers=viewer)
    assert r.status_code == 422 and "email" in r.json()["error"]["message"]
    surrogate = '{"article_id":"a1","author_name":"Ana Silva","text":"lone \\ud800 surrogate"}'
    r = await client.post(
        "/api/v1/comments",
        content=surrogate.encode(),
        headers={**viewer, "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and "text" in r.json()["error"]["message"]
    r = await client.post("/api/v1/comments", json={**OK, "text": "\u200b\u200d"}, headers=viewer)
    assert r.status_code == 422 and "no visible characters" in r.json()["error"]["message"]

    held = (await client.post("/api/v1/comments", json=HELD, headers=viewer)).json()
    assert held["decision"] == "hold"
    url = f"/api/v1/comments/{held['id']}/actions"
    for note in ("", "  "):
        r = await client.post(url, json={"action": "approve", "note": note}, headers=moderator)
        assert r.status_code == 422 and "note" in r.json()["error"]["message"], r.text
    r = await client.post(url, json={"action": "approve", "note": "sourced"}, headers=moderator)
    assert r.status_code == 200, r.text
    history = (await client.get(f"/api/v1/comments/{held['id']}/history", headers=moderator)).json()
    assert [(a["action"], a["actor"], a["clause"]) for a in history["audit"]] == [
        ("submitted:hold", "machine", "defamatory"),
        ("approve", "moderator1", "defamatory"),
    ]
