"""The queue reads the author counts only while the audit head says they are complete
(this release's writes keep them; an older release's write, or comments added by bulk SQL,
turn them off and the queue counts from the comments), instead of comparing the whole
counts table with the comments on every page."""

from __future__ import annotations

import pytest
from s7s_helpers import con_of, old_release_approve, post, records

from mutewatch.moderate.service import COUNTS_CURRENT_SQL, ModerationService, counts_current


@pytest.mark.parametrize("release", [6, 5])
def test_an_older_release_approving_a_comment_is_seen_in_the_author_records(
    service: ModerationService, release: int
) -> None:
    """Reproduction: an older release (which keeps no author counts) approving a held comment
    left the counts saying it was held, and the whole-table check still matched (as many
    comments as counted): the author's other item showed published 0, held 1."""
    first = post(service, "hold", "Ana Silva")
    second = post(service, "hold", "Ana Silva")
    old_release_approve(con_of(service), first, release)
    got = records(service)
    assert set(got) == {second}
    assert got[second]["published"] == 1 and got[second]["held"] == 0
    assert not counts_current(con_of(service))


def test_this_releases_writes_keep_the_counts_in_use(service: ModerationService) -> None:
    ana = [post(service, d, "Ana Silva", "Ana@Example.org") for d in ("hold", "reject", "hold")]
    bo = [post(service, d, "Bo Chen") for d in ("hold", "reject", "publish")]
    service.act(ana[0], {"action": "reject", "note": "abuse"}, "mod1")
    service.appeal(bo[1], {"note": "it was a joke"}, "viewer1")
    service.act(bo[2], {"action": "approve", "note": "fine"}, "mod1")
    service.add_article({"id": "a2", "title": "Other", "body": "Another story."}, "tester")
    assert counts_current(con_of(service))
    records(service)  # as counted from the comments


def test_the_counts_stay_off_after_an_older_release_wrote(service: ModerationService) -> None:
    """A write of this release after an older one's does not make the counts complete
    again: they miss the older write for good, until a recount."""
    first = post(service, "hold", "Ana Silva")
    old_release_approve(con_of(service), first, 6)
    post(service, "hold", "Ana Silva")
    post(service, "reject", "Bo Chen")
    assert not counts_current(con_of(service))
    records(service)  # as counted from the comments


def test_comments_added_by_bulk_sql_turn_the_counts_off(service: ModerationService) -> None:
    first = post(service, "hold", "Ana Silva")
    con = con_of(service)
    assert counts_current(con)
    con.execute(
        "INSERT INTO mod_comments SELECT * REPLACE ('c900' AS comment_id, 'rejected' AS status)"
        " FROM mod_comments WHERE comment_id = ?",
        [first],
    )
    assert not counts_current(con)
    assert records(service)[first]["rejected"] == 1


def test_the_check_reads_the_head_row_not_the_counts(service: ModerationService) -> None:
    """The check scans neither the counts (every write appends rows to them) nor the
    comments' or audit entries' columns beyond a count and a maximum."""
    post(service, "hold", "Ana Silva")
    plan = str(con_of(service).execute("EXPLAIN " + COUNTS_CURRENT_SQL).fetchall())
    assert "mod_author_counts" not in plan and "mod_audit_head" in plan
