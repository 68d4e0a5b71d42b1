"""The queue's clause and appeal filters: the same items as before, and a plan with no
filter pushed from the join into the scan of every comment's id (it cost more CPU than it
saved: see ``service._queue_where``)."""

from __future__ import annotations

from typing import Any

import pytest
from s7s_helpers import con_of, post

from mutewatch.moderate.service import ModerationService, _queue_where

PAGE = (
    "EXPLAIN ANALYZE SELECT c.comment_id, c.created_at, count(*) OVER () FROM mod_comments c"
    " WHERE {where} ORDER BY c.created_at, c.comment_id LIMIT 50"
)


@pytest.fixture()
def queued(service: ModerationService) -> dict[str, list[str]]:
    """Held comments (defamatory, two appealed after a reject) and others."""
    held = [post(service, "hold", f"Ana Silva {i}") for i in range(3)]
    rejected = [post(service, "reject", f"Bo Chen {i}") for i in range(3)]
    for cid in rejected[:2]:
        service.appeal(cid, {"note": "please look again"}, "viewer1")
    post(service, "publish", "Cy Dee")
    return {"held": held, "appealed": rejected[:2]}


def ids(service: ModerationService, **kw: Any) -> list[str]:
    page = service.queue(**kw)
    assert page["total"] == len(page["items"])
    return [str(i["id"]) for i in page["items"]]


def test_the_filters_keep_the_same_items(
    service: ModerationService, queued: dict[str, list[str]]
) -> None:
    held, appealed = queued["held"], queued["appealed"]
    assert ids(service) == held + appealed
    assert ids(service, clause="defamatory") == held
    assert ids(service, clause="personal") == appealed
    assert ids(service, clause="racist") == []
    assert ids(service, appeal=True) == appealed
    assert ids(service, appeal=False) == held
    assert ids(service, clause="personal", appeal=True) == appealed
    assert ids(service, clause="personal", appeal=False) == []


@pytest.mark.parametrize("clause, appeal", [("defamatory", None), (None, True)])
def test_no_join_filter_is_pushed_into_the_comments_scan(
    service: ModerationService, queued: dict[str, list[str]], clause: str | None, appeal: bool
) -> None:
    where, params = _queue_where(clause, appeal)
    rows = con_of(service).execute(PAGE.format(where=where), params).fetchall()
    plan = "\n".join(str(r[1]) for r in rows)
    assert "Dynamic Filters" not in plan, plan


def test_the_article_filter(service: ModerationService, queued: dict[str, list[str]]) -> None:
    from service_more_helpers import ARTICLE, DEFAMATORY

    from mutewatch.errors import NotFoundError

    service.add_article({**ARTICLE, "id": "a2"}, actor="tester")
    record = {"article_id": "a2", "author_name": "Di Evans", "text": DEFAMATORY}
    other = service.submit_comment(record, "viewer1")
    assert other["decision"] == "hold"
    assert ids(service, article_id="a2") == [other["id"]]
    assert ids(service, article_id="a1") == queued["held"] + queued["appealed"]
    assert ids(service, article_id="a2", clause="defamatory") == [other["id"]]
    assert ids(service, article_id="a2", appeal=True) == []
    assert other["id"] in ids(service)
    with pytest.raises(NotFoundError):
        service.queue(article_id="a3")
