"""The moderation service on a real DuckDB file: storage, queue, actions, audit, durability."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from moderate_helpers import text_policy

from mutewatch.errors import InputError, NotFoundError
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import DirectAccess, ModerationService

ARTICLE = {
    "id": "a1",
    "title": "City council approves the new tram line",
    "body": "The council voted to fund a tram line from the station to the hospital.",
}


@pytest.fixture()
def service(tmp_path: Path, text_moderator: Moderator) -> ModerationService:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    svc = ModerationService(DirectAccess(con), text_policy(), text_moderator)
    svc.add_article(ARTICLE, actor="tester")
    return svc


def _count(svc: ModerationService, table: str) -> int:
    return int(
        svc.access.read(lambda con: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    )


def test_submit_stores_comment_revision_decision_and_audit(service: ModerationService) -> None:
    out = service.submit_comment(
        {"article_id": "a1", "author_name": "Ana Silva", "text": "The tram should run late."}
    )
    assert set(out) == {"id", "decision", "clauses", "reason"}
    assert out["decision"] == "publish"
    history = service.history(out["id"])
    assert history["comment"]["status"] == "published"
    assert [r["revision"] for r in history["revisions"]] == [1]
    [decision] = history["decisions"]
    assert decision["decided_by"] == "machine"
    assert decision["policy_version"] == service.policy.version
    assert "embedding" in decision["model_versions"]
    assert [a["action"] for a in history["audit"]] == ["submitted:publish"]


@pytest.mark.parametrize(
    ("record", "error", "message"),
    [
        ({"author_name": "Ana Silva", "text": "x"}, InputError, "article_id"),
        ({"article_id": "a1", "text": "x"}, InputError, "author_name"),
        ({"article_id": "a1", "author_name": "Ana Silva"}, InputError, "`text`"),
        ({"article_id": "a1", "author_name": "Ana Silva", "text": "  "}, InputError, "empty"),
        ({"article_id": "a1", "author_name": "Ana Silva", "text": 5}, InputError, "string"),
        ({"article_id": "a1", "author_name": "A", "text": "x" * 10001}, InputError, "limit"),
        ({"article_id": "nope", "author_name": "Ana Silva", "text": "x"}, NotFoundError,
         "unknown article"),
        ({"article_id": "a1", "author_name": "Ana Silva", "text": "x", "parent_id": "c999"},
         NotFoundError, "`parent_id` names no comment"),
    ],
)  # fmt: skip
def test_bad_comments_store_nothing(
    service: ModerationService, record: dict[str, object], error: type[Exception], message: str
) -> None:
    before = {t: _count(service, t) for t in ("mod_comments", "mod_decisions", "mod_audit")}
    with pytest.raises(error, match=message):
        service.submit_comment(record)
    after = {t: _count(service, t) for t in ("mod_comments", "mod_decisions", "mod_audit")}
    assert before == after


def test_hold_queue_and_moderator_actions(service: ModerationService) -> None:
    held = service.submit_comment(
        {
            "article_id": "a1",
            "author_name": "Ana Silva",
            "text": "Councillor John Smith took bribes from the tram builders.",
        }
    )
    assert held["decision"] == "hold"
    queue = service.queue()
    assert [i["id"] for i in queue["items"]] == [held["id"]]
    assert queue["items"][0]["clauses"][0]["clause"] == "defamatory"
    assert queue["items"][0]["article_title"] == ARTICLE["title"]
    assert service.queue(clause="racist")["total"] == 0

    edited = service.act(
        held["id"],
        {"action": "edit", "text": "Councillor John Smith met the tram builders.", "note": "fact"},
        actor="mod1",
    )
    assert edited["status"] == "published" and edited["revision"] == 2
    assert service.queue()["total"] == 0
    history = service.history(held["id"])
    assert [r["text"] for r in history["revisions"]] == [
        "Councillor John Smith took bribes from the tram builders.",
        "Councillor John Smith met the tram builders.",
    ]
    assert history["revisions"][1]["editor"] == "mod1"
    assert [a["action"] for a in history["audit"]] == ["submitted:hold", "edit"]
    assert history["audit"][1]["actor"] == "mod1" and history["audit"][1]["note"] == "fact"

    rejected = service.act(held["id"], {"action": "reject", "note": "on reflection"}, "mod2")
    assert rejected["status"] == "rejected" and rejected["revision"] == 2
    assert [d["decided_by"] for d in service.history(held["id"])["decisions"]] == [
        "machine", "mod1", "mod2"
    ]  # fmt: skip


def test_bad_actions(service: ModerationService) -> None:
    c = service.submit_comment({"article_id": "a1", "author_name": "A B", "text": "Trams."})
    audit = _count(service, "mod_audit")
    with pytest.raises(InputError, match="unknown action"):
        service.act(c["id"], {"action": "delete", "note": ""}, "m")
    with pytest.raises(InputError, match="note"):
        service.act(c["id"], {"action": "approve"}, "m")
    with pytest.raises(InputError, match="`text`"):
        service.act(c["id"], {"action": "edit", "note": "n"}, "m")
    with pytest.raises(NotFoundError):
        service.act("c404", {"action": "approve", "note": "n"}, "m")
    assert _count(service, "mod_audit") == audit


def test_audit_log_only_grows(service: ModerationService) -> None:
    first = service.audit()
    c = service.submit_comment({"article_id": "a1", "author_name": "A B", "text": "Trams."})
    service.act(c["id"], {"action": "approve", "note": "ok"}, "m")
    later = service.audit()
    assert len(later) == len(first) + 2
    assert later[len(later) - len(first) :] == first  # older entries unchanged


def test_article_update_keeps_created_at(service: ModerationService) -> None:
    before = service.article("a1")
    out = service.add_article({**ARTICLE, "title": "Tram line approved"}, actor="tester")
    assert out["created"] is False
    after = service.article("a1")
    assert after["created_at"] == before["created_at"] and after["title"] == "Tram line approved"
    with pytest.raises(InputError, match="body"):
        service.add_article({"id": "a2", "title": "t"}, actor="tester")


def test_acknowledged_comment_survives_kill_9(tmp_path: Path) -> None:
    store = tmp_path / "durable.duckdb"
    script = textwrap.dedent(
        f"""
        import json, os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from moderate_helpers import text_policy
        from mutewatch.moderate.service import ModerationService
        svc = ModerationService.open({str(store)!r}, policy=text_policy())
        svc.add_article({json.dumps(ARTICLE)}, actor="t")
        out = svc.submit_comment({{"article_id": "a1", "author_name": "A B", "text": "Trams."}})
        print(json.dumps(out), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    acked = json.loads(proc.stdout.strip().splitlines()[-1])
    con = duckdb.connect(str(store))
    row = con.execute(
        "SELECT status, decision FROM mod_comments WHERE comment_id = ?", [acked["id"]]
    ).fetchone()
    assert row == ("published", acked["decision"])
    assert con.execute("SELECT count(*) FROM mod_decisions").fetchone() == (1,)
    con.close()
    assert os.path.exists(store)
