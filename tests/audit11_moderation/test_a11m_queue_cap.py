"""The moderator page lists the oldest 200 held comments; with more held, it says how many
are shown and that the rest are not, instead of a count the page does not show.

Found: with 203 comments held the status said "203 held comment(s)" over a list of 200,
and nothing said that the 3 newest (a burst of spam, say) were not on the page at all.

The store is filled before the server starts: one comment submitted through the service
with the served policy, copied in bulk SQL to the 200 oldest held comments (all of its rows:
comment, revision, decision, fired clauses; the id sequences moved past them, the author
counts recounted, as for comments added by other means). The 3 newest are submitted to the
running server. Submitting all 203 one by one took ~75 s of the suite under load.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from a11m_served import BROWSER_MARKS, Served, moderator_page, serve_store, submit

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import DirectAccess, ModerationService, recount_moderation

pytestmark = BROWSER_MARKS
HELD = "Councillor John Smith took bribes from the tram builders ({n})."
ARTICLE = {
    "id": "a1",
    "title": "Tram line",
    "body": "The council funds a new tram line to the harbour.",
}
BULK = 200  # the page's QUEUE_PAGE: the oldest are these, the 3 newest come after


def _bulk_held(store: Path, policy: Path) -> None:
    """Article a1, comment c1 submitted through the service (held), and c2 ... c200 copied
    from it in bulk SQL with their own text and later times."""
    con = duckdb.connect(str(store))
    try:
        pol = load_policy(policy)
        svc = ModerationService(DirectAccess(con), pol, Moderator(pol))
        svc.add_article(ARTICLE, actor="mod1")
        first = svc.submit_comment(
            {"article_id": "a1", "author_name": "Ana Silva", "text": HELD.format(n=0)}
        )
        assert (first["id"], first["decision"]) == ("c1", "hold"), first
        con.begin()
        copies = f"range(1, {BULK}) t(i)"  # i: 1 ... 199, c2 ... c200
        con.execute(
            "INSERT INTO mod_comments SELECT 'c' || (i + 1), article_id, parent_id, author_name,"
            " email, replace(text, '(0)', '(' || i || ')'), revision, status, decision,"
            f" embedding, created_at + to_microseconds(i), updated_at + to_microseconds(i)"
            f" FROM mod_comments, {copies} WHERE comment_id = 'c1'"
        )
        con.execute(
            "INSERT INTO mod_revisions SELECT 'c' || (i + 1), revision,"
            " replace(text, '(0)', '(' || i || ')'), editor, note,"
            f" created_at + to_microseconds(i) FROM mod_revisions, {copies}"
            " WHERE comment_id = 'c1'"
        )
        con.execute(
            "INSERT INTO mod_decisions SELECT decision_id + i, 'c' || (i + 1), revision,"
            " decided_by, decision, reason, clauses, policy_version, model_versions,"
            f" created_at + to_microseconds(i) FROM mod_decisions, {copies}"
            " WHERE comment_id = 'c1'"
        )
        con.execute(
            f"INSERT INTO mod_fired SELECT 'c' || (i + 1), clause FROM mod_fired, {copies}"
            " WHERE comment_id = 'c1'"
        )
        for sequence in ("mod_comment_ids", "mod_decision_ids"):
            con.execute(f"SELECT max(nextval('{sequence}')) FROM {copies}").fetchall()
        recount_moderation(con)
        con.commit()
        held = con.execute("SELECT count(*) FROM mod_comments WHERE status = 'held'").fetchone()
        assert held == (BULK,)
    finally:
        con.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``a11m_served.served`` over a store holding 200 held comments before it starts."""
    with serve_store(tmp_path_factory.mktemp("a11m_cap"), _bulk_held) as running:
        yield running


def test_a_queue_longer_than_the_page_says_so(served: Served) -> None:
    decided = [submit(served, "a1", "Ana Silva", HELD.format(n=n)) for n in range(BULK, 203)]
    assert [(d["id"], d["decision"]) for d in decided] == [
        ("c201", "hold"),
        ("c202", "hold"),
        ("c203", "hold"),
    ]
    errors: list[str] = []
    with moderator_page(served, errors) as page:
        status = page.text_content("#status") or ""
        cards = page.locator("article.item").count()
        more = page.locator("#queue .queue-more").all_inner_texts()
        shown = page.locator("article.item").evaluate_all("els => els.map(e => e.dataset.id)")
    assert cards == 200
    assert shown == [f"c{i}" for i in range(1, 201)]  # the oldest, the bulk ones
    assert status == "203 held comment(s), the oldest 200 shown"
    assert more == ["3 newer held comment(s) not shown: they appear as these are decided."]
    assert errors == []
