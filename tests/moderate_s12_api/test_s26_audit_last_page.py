"""The audit log's paging sent one empty page more when its last page was exactly full:
``next_before`` was the last item's id whenever a page held ``limit`` entries, so a client
paging until ``next_before`` is null asked once more and got ``{items: [], next_before:
null}``, while the queue's and the published list's ``next_after`` are null on their last
page (they read one item more to know). Now ``next_before`` is null on the last page too."""

from __future__ import annotations

from s12_api_helpers import Api
from service_more_helpers import ARTICLE

AUDIT = "/api/v1/moderation/audit"


def _entries(api: Api) -> list[int]:
    """An article and three comments: four audit entries at least, newest first."""
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    for n in range(3):
        text = f"Placeholder {n}."
        record = {"article_id": ARTICLE["id"], "author_name": "Ann Lee", "text": text}
        assert api("POST", "/api/v1/comments", "viewer", json=record).status_code == 201
    body = api("GET", AUDIT, "moderator").json()
    assert body["next_before"] is None
    return [entry["audit_id"] for entry in body["items"]]


def _pages(api: Api, query: str) -> list[list[int]]:
    pages, before = [], None
    while True:
        cursor = f"&before={before}" if before is not None else ""
        answer = api("GET", f"{AUDIT}?{query}{cursor}", "moderator")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append([entry["audit_id"] for entry in body["items"]])
        if (before := body["next_before"]) is None:
            return pages


def test_an_exactly_full_last_page_is_the_last(api: Api) -> None:
    ids = _entries(api)
    assert _pages(api, f"limit={len(ids)}") == [ids]
    half = len(ids) // 2
    if len(ids) % 2 == 0:
        assert _pages(api, f"limit={half}") == [ids[:half], ids[half:]]
    assert _pages(api, "limit=1") == [[n] for n in ids]
    added = api("GET", f"{AUDIT}?action=article_added&limit=1", "moderator").json()
    assert len(added["items"]) == 1 and added["next_before"] is None  # filtered, full


def test_a_short_last_page_reads_as_before(api: Api) -> None:
    ids = _entries(api)
    assert _pages(api, f"limit={len(ids) - 1}") == [ids[:-1], ids[-1:]]
    assert _pages(api, f"limit={len(ids) + 1}") == [ids]
