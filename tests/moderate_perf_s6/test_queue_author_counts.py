"""The queue's author records read per-author counts kept by every write (migration 7);
an upgraded store is counted by the migration, a store written by bulk SQL is counted from
its comments, and a page finds each machine decision wherever it was stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from service_more_helpers import DEFAMATORY, ON_TOPIC, fresh_text

from mutewatch.moderate.service import (
    _AUTHOR_SCAN_SQL,
    AUTHOR_COUNTS_SQL,
    MIGRATIONS,
    DirectAccess,
    ModerationService,
)
from mutewatch.store.schema import migrate

INSULT = "You are an idiot and a moron."  # the small policy rejects it (personal)
TEXTS = {"reject": INSULT, "hold": DEFAMATORY, "publish": ON_TOPIC}


def post(svc: ModerationService, decision: str, name: str, email: str | None = None) -> str:
    """Submit a comment the machine decides ``decision`` on; its id."""
    record = {
        "article_id": "a1",
        "author_name": name,
        "text": fresh_text(TEXTS[decision]),
        "email": email,
    }
    result = svc.submit_comment(record, "viewer1")
    assert result["decision"] == decision, result
    return str(result["id"])


def _con(svc: ModerationService) -> duckdb.DuckDBPyConnection:
    con: duckdb.DuckDBPyConnection = svc.access.read(lambda c: c)
    return con


def kept(svc: ModerationService) -> set[tuple[Any, ...]]:
    """mod_author_counts added up (each write appends its changes), the non-zero counts."""
    rows = (
        _con(svc)
        .execute(
            "SELECT author_key, kind, author, status, moderated, sum(comments)"
            " FROM mod_author_counts GROUP BY ALL HAVING sum(comments) <> 0"
        )
        .fetchall()
    )
    return set(rows)


def recounted(svc: ModerationService) -> set[tuple[Any, ...]]:
    """The same counts worked out afresh from the comments and decisions."""
    return set(_con(svc).execute(AUTHOR_COUNTS_SQL).fetchall())


def scanned(svc: ModerationService, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The queue items' author records counted from the comments (the other way)."""
    con = _con(svc)
    emails = [
        (con.execute("SELECT email FROM mod_comments WHERE comment_id = ?", [i["id"]]).fetchone()
         or [None])[0]
        for i in items
    ]  # fmt: skip
    params = [[i["id"] for i in items], emails, [i["author_name"] for i in items]]
    keys = ("comments", "published", "held", "rejected", "rejected_by_moderator",
            "rejected_by_machine")  # fmt: skip
    rows = _con(svc).execute(_AUTHOR_SCAN_SQL, params).fetchall()
    return {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows}


def records(svc: ModerationService) -> dict[str, dict[str, Any]]:
    out = {}
    for item in svc.queue(limit=500)["items"]:
        record = dict(item["author_record"])
        record.pop("matched_on")
        out[item["id"]] = record
    return out


def test_counts_follow_submissions_actions_and_appeals(service: ModerationService) -> None:
    ana = [post(service, d, "Ana Silva", "Ana@Example.org") for d in ("hold", "reject", "hold")]
    ana.append(post(service, "publish", "Ana S.", "ana@example.ORG"))  # same address
    bo = [post(service, d, "Bo Chen") for d in ("hold", "reject", "reject", "publish")]
    assert kept(service) == recounted(service)
    service.act(ana[0], {"action": "reject", "note": "abuse"}, "mod1")
    service.act(bo[0], {"action": "edit", "text": ON_TOPIC, "note": "trimmed"}, "mod1")
    service.act(bo[3], {"action": "approve", "note": "fine"}, "mod1")  # published twice
    service.appeal(bo[1], {"note": "it was a joke"}, "viewer1")
    service.act(ana[1], {"action": "approve", "note": "on reflection"}, "mod1")
    assert kept(service) == recounted(service)
    got = records(service)
    assert set(got) == {ana[2], bo[1]}
    assert got == scanned(service, service.queue(limit=500)["items"])
    assert got[ana[2]] == {"comments": 3, "published": 2, "held": 0, "rejected": 1,
                           "rejected_by_moderator": 1, "rejected_by_machine": 0}  # fmt: skip
    assert got[bo[1]] == {"comments": 3, "published": 2, "held": 0, "rejected": 1,
                          "rejected_by_moderator": 0, "rejected_by_machine": 1}  # fmt: skip


def _release_6_store(path: Path) -> None:
    """A store as the release before the counts wrote it: comments of two authors."""
    con = duckdb.connect(str(path))
    migrate(con, component="moderate", migrations=MIGRATIONS[:6])
    con.execute("INSERT INTO mod_articles VALUES ('a1', 'T', 'B', NULL, now(), now())")
    for i, (name, email, status) in enumerate([
        ("Ana", "A@x.org", "held"), ("Ana", "a@X.org", "rejected"), ("Ana", None, "held"),
        ("Bo", None, "published"), ("Bo", None, "held"), ("Bo", None, "rejected"),
    ]):  # fmt: skip
        con.execute(
            "INSERT INTO mod_comments VALUES (?, 'a1', NULL, ?, ?, 'placeholder', 1, ?, ?,"
            " NULL, TIMESTAMP '2026-01-01' + to_seconds(?), now())",
            [f"c{i}", name, email, status, status[:-2] if status != "held" else "hold", i],
        )
        con.execute(
            "INSERT INTO mod_decisions VALUES (?, ?, 1, 'machine', 'hold', 'r', '[]', 'v',"
            " '{}', TIMESTAMP '2026-01-01' + to_seconds(?))",
            [i, f"c{i}", i],
        )
    con.execute(
        "INSERT INTO mod_decisions VALUES (99, 'c5', 1, 'mod1', 'reject', 'n', '[]', NULL,"
        " '{}', now())"
    )
    con.close()


def test_an_upgraded_store_is_counted_by_the_migration(tmp_path: Path) -> None:
    _release_6_store(tmp_path / "old.duckdb")
    svc = ModerationService(DirectAccess(duckdb.connect(str(tmp_path / "old.duckdb"))))
    try:
        assert kept(svc) == recounted(svc) != set()
        indexes = _con(svc).execute("SELECT index_name FROM duckdb_indexes()").fetchall()
        assert ("mod_decisions_comment",) in indexes
        got = records(svc)
        assert got == scanned(svc, svc.queue()["items"])
        assert got["c0"]["rejected"] == 1 and got["c0"]["comments"] == 1  # e-mail, case folded
        assert got["c4"] == {"comments": 2, "published": 1, "held": 0, "rejected": 1,
                             "rejected_by_moderator": 1, "rejected_by_machine": 0}  # fmt: skip
    finally:
        svc.close()


def test_comments_written_by_bulk_sql_are_counted_from_the_comments(
    service: ModerationService,
) -> None:
    first = post(service, "hold", "Ana Silva")
    con = _con(service)
    con.execute(
        "INSERT INTO mod_comments SELECT * REPLACE ('c900' AS comment_id, 'rejected' AS status)"
        " FROM mod_comments WHERE comment_id = ?",
        [first],
    )  # not through the service: the counts do not know it
    got = records(service)
    assert got[first]["rejected"] == 1 and got[first]["comments"] == 1


def test_a_machine_decision_stored_at_another_time_is_found(service: ModerationService) -> None:
    held = post(service, "hold", "Ana Silva")
    _con(service).execute(
        "UPDATE mod_decisions SET created_at = created_at - INTERVAL 1 DAY WHERE comment_id = ?",
        [held],
    )
    [item] = service.queue()["items"]
    assert [c["clause"] for c in item["clauses"]] == ["defamatory"]


def test_no_author_record_counts_the_item_itself(service: ModerationService) -> None:
    held = post(service, "hold", "Lone Author", "lone@example.org")
    other = post(service, "hold", "Lone Author")  # matched on the name: the first counts
    got = records(service)
    assert (got[held]["comments"], got[other]["comments"], got[other]["held"]) == (0, 1, 1)
