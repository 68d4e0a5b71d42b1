"""Published comments for the site to show: only published ones, current text, no e-mail."""

from __future__ import annotations

import json

import pytest
from service_more_helpers import DEFAMATORY, ON_TOPIC, comment

from mutewatch.errors import NotFoundError, UsageError
from mutewatch.moderate.service import ModerationService

ITEM_KEYS = {
    "id", "parent_id", "parent_published", "author_name", "text", "revision", "created_at",
    "updated_at",
}  # fmt: skip


def test_only_published_oldest_first_current_text_no_email(service: ModerationService) -> None:
    first = comment(service, email="ana@example.org")
    held = comment(service, DEFAMATORY)
    second = comment(service, "Will the tram stop at the hospital entrance?")
    rejected = comment(service, "The tram plan is fine by me.")
    service.act(rejected, {"action": "reject", "note": "duplicate"}, "mod1")
    edited = comment(service, DEFAMATORY)
    service.act(edited, {"action": "edit", "text": "Councillor Smith met the builders.",
                         "note": "removed allegation"}, "mod1")  # fmt: skip

    page = service.published_comments("a1")

    assert [i["id"] for i in page["items"]] == [first, second, edited]
    assert page["total"] == 3 and (page["limit"], page["offset"]) == (50, 0)
    assert all(set(i) == ITEM_KEYS for i in page["items"])
    assert page["items"][0]["text"] == ON_TOPIC
    assert page["items"][2]["text"] == "Councillor Smith met the builders."
    assert page["items"][2]["revision"] == 2
    dumped = json.dumps(page, default=str)
    assert "ana@example.org" not in dumped and "bribes" not in dumped  # nor a held text
    assert held not in dumped


def test_reply_to_unpublished_parent_does_not_reveal_it(service: ModerationService) -> None:
    parent = comment(service, DEFAMATORY)
    reply = comment(service, "I agree the tram should run late.", parent_id=parent)
    shown_parent = comment(service)
    reply2 = comment(service, "Yes, and on Sundays too.", parent_id=shown_parent)

    items = {i["id"]: i for i in service.published_comments("a1")["items"]}

    assert parent not in items
    assert (items[reply]["parent_id"], items[reply]["parent_published"]) == (parent, False)
    assert (items[reply2]["parent_id"], items[reply2]["parent_published"]) == (shown_parent, True)
    assert items[shown_parent]["parent_published"] is None  # not a reply
    assert "bribes" not in json.dumps(list(items.values()), default=str)


def test_pagination_pages_through_in_order(service: ModerationService) -> None:
    ids = [comment(service, f"The tram line plan, point {n}.") for n in range(11)]
    pages = [service.published_comments("a1", limit=4, offset=o)["items"] for o in (0, 4, 8)]
    assert [i["id"] for page in pages for i in page] == ids  # c10 after c9, not after c1
    tail = service.published_comments("a1", limit=4, offset=8)
    assert tail["total"] == 11 and len(tail["items"]) == 3
    assert service.published_comments("a1", limit=4, offset=40)["items"] == []


def test_unknown_article_and_bad_page(service: ModerationService) -> None:
    with pytest.raises(NotFoundError, match="unknown article 'nope'"):
        service.published_comments("nope")
    for limit, offset in ((0, 0), (501, 0), (10, -1)):
        with pytest.raises(UsageError, match="limit must be 1..500"):
            service.published_comments("a1", limit=limit, offset=offset)
