"""A reply that cannot be one says why and stores nothing (an unknown parent, a parent on
another article, an unknown article named with an unknown parent: the article is named
first), and only a published parent is part of what the reply is judged against."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from s16m_helpers import ARTICLE, DEFAMATORY, ON_TOPIC, open_service, rows

import mutewatch.moderate.service as service_module
from mutewatch.errors import InputError, NotFoundError
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import ModerationService


@pytest.fixture()
def service(tmp_path: Path, moderator: Moderator) -> Iterator[ModerationService]:
    svc = open_service(tmp_path / "store.duckdb", moderator)
    for article_id in ("a1", "a2"):
        svc.add_article({**ARTICLE, "id": article_id}, actor="tester")
    try:
        yield svc
    finally:
        svc.close()


def submit(svc: ModerationService, text: str, **extra: str) -> dict[str, Any]:
    record = {"article_id": "a1", "author_name": "Ana Silva", "text": text, **extra}
    return dict(svc.submit_comment(record, "viewer1"))


def test_a_refused_reply_says_why_and_stores_nothing(service: ModerationService) -> None:
    on_a2 = service.submit_comment({"article_id": "a2", "author_name": "Bo", "text": ON_TOPIC})
    before = service.access.read(rows)
    with pytest.raises(NotFoundError, match="`parent_id` names no comment: 'c99'"):
        submit(service, ON_TOPIC, parent_id="c99")
    with pytest.raises(InputError, match=f"parent comment '{on_a2['id']}' belongs to article 'a2'"):
        submit(service, ON_TOPIC, parent_id=on_a2["id"])
    with pytest.raises(NotFoundError, match="unknown article 'a3'"):
        submit(service, ON_TOPIC, article_id="a3", parent_id="c99")
    assert service.access.read(rows) == before


def test_only_a_published_parent_is_part_of_the_topic(service: ModerationService) -> None:
    published = submit(service, ON_TOPIC)["id"]
    held = submit(service, DEFAMATORY)
    assert held["decision"] == "hold"
    con = service.access.read(lambda c: c)
    stored = con.execute(
        "SELECT embedding FROM mod_comments WHERE comment_id = ?", [published]
    ).fetchone()
    topic = service_module._topic(con, "a1", published)
    assert topic.parent is not None
    assert np.array_equal(topic.parent, np.asarray(stored[0], dtype=np.float32))
    assert len(topic.thread) == 1 and topic.article.shape == (384,)
    assert service_module._topic(con, "a1", held["id"]).parent is None
    assert service_module._topic(con, "a1", "c99").parent is None
    assert service_module._topic(con, "a1", None).parent is None
