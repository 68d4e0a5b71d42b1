"""The moderator page lists the oldest 200 held comments; with more held, it says how many
are shown and that the rest are not, instead of a count the page does not show.

Found: with 203 comments held the status said "203 held comment(s)" over a list of 200,
and nothing said that the 3 newest (a burst of spam, say) were not on the page at all.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from a11m_served import BROWSER_MARKS, Served, add_article, moderator_page, served, submit

pytestmark = BROWSER_MARKS
__all__ = ["served"]  # the fixture this module's tests use
HELD = "Councillor John Smith took bribes from the tram builders ({n})."


def test_a_queue_longer_than_the_page_says_so(served: Served) -> None:
    add_article(served, "a1", "Tram line", "The council funds a new tram line to the harbour.")
    with ThreadPoolExecutor(4) as pool:
        decided = list(
            pool.map(lambda n: submit(served, "a1", "Ana Silva", HELD.format(n=n)), range(203))
        )
    assert {d["decision"] for d in decided} == {"hold"}
    errors: list[str] = []
    with moderator_page(served, errors) as page:
        status = page.text_content("#status") or ""
        cards = page.locator("article.item").count()
        more = page.locator("#queue .queue-more").all_inner_texts()
    assert cards == 200
    assert status == "203 held comment(s), the oldest 200 shown"
    assert more == ["3 newer held comment(s) not shown: they appear as these are decided."]
    assert errors == []
