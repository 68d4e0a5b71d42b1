"""The moderator page as a newsroom moderator uses it: a real ``mutewatch serve``, a real
headless Chromium signed in through /login (see conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from a11m_served import (
    BROWSER_MARKS,
    Served,
    add_article,
    answer,
    moderator_page_in,
    served,
    submit,
)
from chromium_fixture import chromium

pytestmark = BROWSER_MARKS
__all__ = ["chromium", "served"]  # the fixtures this module's tests use

BRIDGE = ("The harbour bridge repair will close two lanes for six weeks from March, the"
          " transport office said; builders start on the north side.")  # fmt: skip
TRAM = "The council funds a new tram line to the harbour."
HELD = "Councillor John Smith took bribes from the tram builders."
BOTH = "Councillor John Smith took bribes from the bridge builders, what an idiot he is."


@pytest.fixture(scope="module")
def nested(served: Served) -> dict[str, Any]:
    """A held comment whose personal-attack span lies inside its allegation span."""
    add_article(served, "a1", "Harbour bridge", BRIDGE)
    decided = submit(served, "a1", "Li Wei", BOTH)
    assert decided["decision"] == "hold"
    return {c["clause"]: c["evidence"].get("span") for c in decided["clauses"] if c["fired"]}


def test_evidence_inside_other_evidence_is_marked_too(
    chromium: Any, served: Served, nested: Any
) -> None:
    """Found: spans were marked one after another and a span starting inside the one before
    was dropped, so the insult inside an allegation sentence was never marked as
    ``personal`` evidence (only the defamatory sentence was)."""
    inner, outer = nested["personal"], nested["defamatory"]
    assert outer["start"] <= inner["start"] < inner["end"] <= outer["end"]
    errors: list[str] = []
    with moderator_page_in(chromium, served, errors) as page:
        card = page.locator("article.item", has_text="Li Wei").first
        card.wait_for()
        marks = card.locator("mark.evidence")
        titles = [marks.nth(i).get_attribute("title") for i in range(marks.count())]
        assert sorted(titles) == ["defamatory", "personal"]
        assert card.locator('mark[title="defamatory"]').inner_text() == outer["text"]
        assert card.locator('mark[title="personal"]').inner_text() == inner["text"]
        assert card.locator(".text").inner_text() == BOTH  # no text lost or repeated
        underline = "getComputedStyle(document.querySelector('mark[title=personal]'))"
        assert "underline" in page.evaluate(f"{underline}.textDecorationLine")  # seen as inner
    assert errors == []


def test_the_status_says_what_was_done_to_which_comment(chromium: Any, served: Served) -> None:
    """Found: the status line (a live region) said "approve: c2" and was overwritten at once
    by the reloaded queue's "N held comment(s)", so neither the moderator nor a screen reader
    was told that the action went through, nor on which comment."""
    add_article(served, "a2", "Tram line", TRAM)
    held = submit(served, "a2", "Ana Silva", HELD)
    assert held["decision"] == "hold"
    errors: list[str] = []
    with moderator_page_in(chromium, served, errors) as page:
        card = page.locator(f'article.item[data-id="{held["id"]}"]')
        card.focus()
        page.keyboard.press("a")
        with page.expect_request(lambda r: r.method == "POST"):
            answer(page, "sourced by the desk")
        page.locator(f'article.item[data-id="{held["id"]}"]').wait_for(state="detached")
        page.wait_for_timeout(300)  # anything written after the queue reloaded
        status = page.text_content("#status") or ""
    assert status.startswith(f"Approved {held['id']}. "), status
    assert status.endswith(" held comment(s)")
    assert errors == []


ARABIC_TITLE = "ميزانية المدارس"  # "the schools' budget"
# the left edge of the first occurrence of `needle` in the text of `element`, across its text
# nodes (a Range over the characters, as the page lays them out)
LEFT_OF = """([element, needle]) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, text.length]);
    text += walker.currentNode.data;
  }
  const at = text.indexOf(needle);
  if (at < 0) return null;
  const place = (i) => {
    for (const [n, from] of nodes.slice().reverse()) if (i >= from) return [n, i - from];
  };
  const range = document.createRange();
  range.setStart(...place(at));
  range.setEnd(...place(at + 1));
  return range.getBoundingClientRect().left;
}"""


def test_a_right_to_left_title_leaves_the_date_after_it(chromium: Any, served: Served) -> None:
    """Found: the card's line "c3 · Ana Silva · on “<title>” · <date>" was one text, so
    after an Arabic title the date joined the right-to-left run and was laid out reversed
    and before the title ("on “30-11-2026 · <title>”T04:29:20Z"). Names, titles and ids are
    now isolated (<bdi>): the date stays where it is written, right of the title."""
    add_article(served, "ar1", ARABIC_TITLE, "The council voted on the school budget.")
    held = submit(served, "ar1", "Omar Haddad", HELD)
    assert held["decision"] == "hold"
    errors: list[str] = []
    with moderator_page_in(chromium, served, errors) as page:
        meta = page.locator(f'article.item[data-id="{held["id"]}"] .meta').first
        meta.wait_for()
        created = meta.inner_text().rsplit(" · ", 1)[1]
        assert created.startswith("20") and meta.inner_text().startswith(f"{held['id']} · Omar")
        handle = meta.element_handle()
        title_left = page.evaluate(LEFT_OF, [handle, ARABIC_TITLE[-1]])  # the title's leftmost
        date_left = page.evaluate(LEFT_OF, [handle, created[:4]])
        on_left = page.evaluate(LEFT_OF, [handle, " on "])
    assert on_left < title_left < date_left, (on_left, title_left, date_left)
    assert errors == []


def test_a_decided_comments_history_opens_from_the_audit_log(chromium: Any, served: Served) -> None:
    """Found: a comment's history opened only from its card in the queue, so once approved
    or rejected (out of the queue) nothing on the page showed its revisions and decisions,
    though the audit log beside it names the comment. Its id there now opens the history."""
    add_article(served, "a2", "Tram line", TRAM)
    held = submit(served, "a2", "Ana Silva", HELD)
    assert held["decision"] == "hold"
    with served.client(served.moderator) as client:
        action = {"action": "approve", "note": "sourced by the desk"}
        got = client.post(f"/api/v1/comments/{held['id']}/actions", json=action)
        assert got.status_code == 200 and got.json()["status"] == "published"
    errors: list[str] = []
    with moderator_page_in(chromium, served, errors) as page:
        assert page.locator(f'article.item[data-id="{held["id"]}"]').count() == 0
        page.get_by_role("link", name=f"History of {held['id']}").first.click(timeout=60_000)
        history = page.locator("#history")
        history.filter(has_text=f"{held['id']}: published").wait_for()
        shown = history.inner_text()
    assert "decision publish by mod1" in shown and "sourced by the desk" in shown
    assert HELD in shown
    assert errors == []


def test_evidence_without_a_span_is_said_on_the_card(chromium: Any, served: Served) -> None:
    """Found: a held name, or a short text held for its language, showed only "fantasy_name
    0.70 ≥ 0.5" over blurred text; the name rule that matched, the detected language and its
    confidence and the similarity to the article were in the tag's tooltip alone, which a
    keyboard or touch-screen moderator never sees. Each fired clause now says them."""
    # a new article (no published thread): checks-11 holds there only what reads as off topic
    # as on a full thread, which "Brillant" (0.06 to the article) no longer does; the recipe does
    add_article(served, "a3", "Tram line", TRAM)
    name = submit(served, "a3", "Captain Awesome", "The tram line plan looks sensible.")
    short = submit(served, "a3", "Ana Silva", "Brillant")
    recipe = submit(
        served, "a3", "Ana Silva", "I make my carrot cake with walnuts and raisins too."
    )
    fired = {
        (d["id"], c["clause"]): c["evidence"]
        for d in (name, short, recipe)
        for c in d["clauses"]
        if c["fired"]
    }
    assert name["decision"] == short["decision"] == recipe["decision"] == "hold"
    rule = fired[(name["id"], "fantasy_name")]["rule"]
    language = fired[(short["id"], "language")]
    similarity = fired[(recipe["id"], "irrelevant")]["similarity"]["article"]
    errors: list[str] = []
    with moderator_page_in(chromium, served, errors) as page:
        card = page.locator(f'article.item[data-id="{name["id"]}"]')
        said = card.locator(".why").all_inner_texts()
        other = page.locator(f'article.item[data-id="{short["id"]}"]').locator(".why")
        said_short = other.all_inner_texts()
        off = page.locator(f'article.item[data-id="{recipe["id"]}"]').locator(".why")
        said_recipe = off.all_inner_texts()
    assert said == [f"fantasy_name: name rule {rule.replace('_', ' ')}"]
    assert (
        f"language: detected {language['language']} (confidence {language['confidence']:.2f})"
        in (said_short)
    )
    assert any(
        s.startswith(f"irrelevant: similarity to the article {similarity:.2f}") for s in said_recipe
    )
    assert errors == []


def test_history_of_a_comment_already_read_opens_read(chromium: Any, served: Served) -> None:
    """Found: v showed the selected comment's text, but h then opened its history blurred;
    the next v (to read the history) blurred the card again and left the history blurred,
    so reading both took v, v, v. The history of a comment read in the queue opens read,
    and v still shows and hides both together."""
    add_article(served, "a2", "Tram line", TRAM)
    held = submit(served, "a2", "Li Wei", HELD)
    errors: list[str] = []
    blurred = "(s) => document.querySelector(s).classList.contains('blurred')"
    with moderator_page_in(chromium, served, errors) as page:
        page.locator(f'article.item[data-id="{held["id"]}"]').focus()
        page.keyboard.press("v")
        card = f'article.item[data-id="{held["id"]}"] .text'
        assert page.evaluate(blurred, card) is False
        page.keyboard.press("h")
        page.locator("#history .text").first.wait_for()
        opened = page.evaluate(blurred, "#history .text")
        page.keyboard.press("v")
        hidden = (page.evaluate(blurred, card), page.evaluate(blurred, "#history .text"))
    assert opened is False
    assert hidden == (True, True)
    assert errors == []


def test_an_edit_that_changes_nothing_is_not_sent(chromium: Any, served: Served) -> None:
    """Found: pressing e and accepting the text as it stood (Enter in the prompt, now
    Ctrl+Enter in the dialog's text) sent an edit: the comment was published with a second
    revision identical to the first, and the audit log said "edit" for a comment nobody
    edited. The page now says the text is unchanged and sends nothing; the comment stays
    held."""
    add_article(served, "a2", "Tram line", TRAM)
    held = submit(served, "a2", "Ana Silva", HELD)
    errors: list[str] = []
    with moderator_page_in(chromium, served, errors) as page:
        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        page.locator(f'article.item[data-id="{held["id"]}"]').focus()
        page.keyboard.press("e")
        answer(page, None)
        page.locator("#status").filter(has_text="unchanged").wait_for()
        page.wait_for_timeout(300)
    assert posts == []
    with served.client(served.moderator) as client:
        history = client.get(f"/api/v1/comments/{held['id']}/history").json()
    assert history["comment"]["status"] == "held" and len(history["revisions"]) == 1
    assert errors == []
