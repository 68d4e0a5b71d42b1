"""Each queue item's author record: the author's other comments by status."""

from __future__ import annotations

from typing import Any

import pytest
from appeal_helpers import post

from mutewatch.moderate import service as service_module
from mutewatch.moderate.service import ModerationService


def _records(svc: ModerationService, **kw: Any) -> dict[str, dict[str, Any]]:
    return {i["id"]: i["author_record"] for i in svc.queue(**kw)["items"]}


def test_matched_on_email_case_folded_the_item_excluded(service: ModerationService) -> None:
    mail = "ana@example.org"
    post(service, "publish", email=mail)
    post(service, "publish", email="ANA@Example.org", name="A. Silva")  # same address
    post(service, "reject", email=mail)
    mod_rejected = post(service, "hold", email=mail)
    service.act(mod_rejected, {"action": "reject", "note": "unsourced"}, "mod1")
    post(service, "reject", email="other@example.org")  # same name, other address
    item = post(service, "hold", email=mail)
    record = _records(service)[item]
    assert record == {
        "matched_on": "email", "comments": 4, "published": 2, "held": 0, "rejected": 2,
        "rejected_by_moderator": 1, "rejected_by_machine": 1,
    }  # fmt: skip
    assert "email" not in service.queue()["items"][0]


def test_matched_on_the_exact_name_without_email(service: ModerationService) -> None:
    first = post(service, "hold")
    post(service, "reject", email="ana@example.org")  # the name matches, whatever the address
    post(service, "publish", name="ana silva")  # not the exact name
    second = post(service, "hold")
    records = _records(service)
    assert records[first] == records[second] == {
        "matched_on": "author_name", "comments": 2, "published": 0, "held": 1, "rejected": 1,
        "rejected_by_moderator": 0, "rejected_by_machine": 1,
    }  # fmt: skip
    newcomer = post(service, "hold", name="Bo Chen", email="bo@example.org")
    assert _records(service)[newcomer] == {
        "matched_on": "email", "comments": 0, "published": 0, "held": 0, "rejected": 0,
        "rejected_by_moderator": 0, "rejected_by_machine": 0,
    }  # fmt: skip


def test_one_grouped_query_per_page(
    service: ModerationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(6):
        post(service, "hold", name=f"Author {i}")
    calls: list[int] = []
    real = service_module._author_records

    def counting(con: Any, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        calls.append(len(items))
        out: dict[str, dict[str, Any]] = real(con, items)
        return out

    monkeypatch.setattr(service_module, "_author_records", counting)
    page = service.queue(limit=4, offset=1)
    assert (page["total"], len(page["items"]), calls) == (6, 4, [4])
    assert service.queue(offset=10) == {"total": 6, "next_after": None, "items": []}


def test_clause_filter_reads_fired_clauses_backfilled_by_the_migration(
    service: ModerationService,
) -> None:
    held, rejected = post(service, "hold"), post(service, "reject")
    post(service, "publish")
    assert [i["id"] for i in service.queue(clause="defamatory")["items"]] == [held]
    con = service.access.read(lambda c: c)
    # as a store written before the mod_fired migration: no table, schema version 4
    con.execute("DROP TABLE mod_fired")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version:moderate'")
    service_module.migrate_moderation(con)
    fired = con.execute("SELECT comment_id, clause FROM mod_fired ORDER BY ALL").fetchall()
    assert (held, "defamatory") in fired and (rejected, "personal") in fired
    assert {cid for cid, _ in fired} == {held, rejected}
    service.appeal(rejected, {"note": "on topic"}, "viewer1")
    assert [i["id"] for i in service.queue(clause="personal")["items"]] == [rejected]
    assert [i["id"] for i in service.queue(clause="defamatory")["items"]] == [held]
