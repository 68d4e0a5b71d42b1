"""The review queue lists held comments oldest first and, among comments of one time (an
import stamps many alike), by their number as the published list does: c9 before c10. By
the id as text, c10 came before c9."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from mutewatch.moderate import service
from mutewatch.moderate.stats import moderation_stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate_stats"))
from modstats_helpers import ALLEGATION, T0, TRAM, Clock, text_policy  # noqa: E402


def test_tied_held_comments_are_queued_by_their_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "_now", Clock())  # every comment at T0
    svc = service.ModerationService.open(tmp_path / "store.duckdb", text_policy())
    try:
        svc.add_article(TRAM, actor="editor")
        ids = [
            svc.submit_comment({"article_id": "a1", "author_name": "Ana Silva", "text": ALLEGATION})
            for _ in range(12)
        ]
        assert {i["decision"] for i in ids} == {"hold"}
        assert {i["created_at"] for i in svc.queue()["items"]} == {T0}
        queued = [item["id"] for item in svc.queue()["items"]]
        paged = [item["id"] for o in range(0, 12, 5) for item in svc.queue(5, o)["items"]]
    finally:
        svc.close()
    assert queued == paged == [str(i["id"]) for i in ids] == [f"c{n}" for n in range(1, 13)]


def test_the_oldest_held_comment_is_the_queues_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "_now", Clock())
    path = tmp_path / "store.duckdb"
    svc = service.ModerationService.open(path, text_policy())
    try:
        svc.add_article(TRAM, actor="editor")
        for n in range(1, 13):
            svc.submit_comment({"article_id": "a1", "author_name": "Ana Silva", "text": ALLEGATION})
            if n <= 8:  # c9..c12 stay held: c10 is the least of them as text
                svc.act(f"c{n}", {"action": "approve", "note": "reviewed"}, actor="mod")
        first = svc.queue(1)["items"][0]["id"]
    finally:
        svc.close()
    with duckdb.connect(str(path), read_only=True) as con:
        oldest = moderation_stats(con, now=T0)["queue"]["oldest_held"]["comment_id"]
    assert first == oldest == "c9"
