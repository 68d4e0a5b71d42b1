"""A status changed by bulk SQL (an UPDATE of mod_comments with no audit entry) turns the
queue's author counts off: the queue counts from the comments, so an author record never
shows the status the comment had before, until ``recount`` makes the counts right again.
This release's own writes keep the counts in use."""

from __future__ import annotations

from s7s_helpers import con_of, post, records

from mutewatch.moderate.service import ModerationService, counts_current


def test_a_bulk_status_change_is_seen_by_the_queue(service: ModerationService) -> None:
    first, second = (post(service, "hold", "Ana Silva", "ana@example.org") for _ in range(2))
    assert counts_current(con_of(service))
    con_of(service).execute(
        "UPDATE mod_comments SET status = 'rejected' WHERE comment_id = ?", [first]
    )
    assert not counts_current(con_of(service))
    record = records(service)[second]  # checked against the records counted afresh
    assert record["held"] == 0 and record["rejected"] == 1
    got = service.recount()
    assert got["counts_were_complete"] is False and got["fast_path_restored"] is True
    assert got["author_counts"]["by_status"]["rejected"] == {"before": 0, "after": 1}
    assert counts_current(con_of(service))
    assert records(service)[second]["rejected"] == 1


def test_a_bulk_status_change_of_a_published_comment_is_seen(
    service: ModerationService,
) -> None:
    held = post(service, "hold", "Bo Chen")
    published = post(service, "publish", "Bo Chen")
    con_of(service).execute(
        "UPDATE mod_comments SET status = 'rejected' WHERE comment_id = ?", [published]
    )
    assert records(service)[held]["published"] == 0


def test_the_service_s_own_writes_keep_the_counts(service: ModerationService) -> None:
    ids = [post(service, d, "Ana Silva") for d in ("hold", "hold", "reject", "publish")]
    service.act(ids[0], {"action": "approve", "note": "fine"}, "mod1")
    service.act(ids[2], {"action": "edit", "text": "A calmer text.", "note": "edited"}, "mod1")
    service.act(ids[3], {"action": "reject", "note": "no"}, "mod1")
    service.appeal(post(service, "reject", "Bo Chen"), {"note": "please"}, "viewer1")
    service.add_article({"id": "a2", "title": "T", "body": "B"}, actor="tester")
    assert counts_current(con_of(service))
    head = con_of(service).execute("SELECT comments, held, published, rejected FROM mod_audit_head")
    assert head.fetchone() == (5, 2, 2, 1)
    records(service)
