"""Fixtures of the session-16 moderation tests: the small policy's moderator, and one app
in-process (``s16m_helpers.built_api``) for the tests whose requests are refused or only
read, with articles a1 and a2 and comments on them (``Seeded``): building the app loads
the default policy's models, about 8 s under load."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # s16m_helpers
from s16m_helpers import ARTICLE, DEFAMATORY, ON_TOPIC, Seeded, built_api, small_policy  # noqa: E402

from mutewatch.moderate.checks import Moderator  # noqa: E402


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    return Moderator(small_policy())


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, moderator: Moderator) -> Iterator[Seeded]:
    with built_api(tmp_path_factory.mktemp("s16m_app"), moderator) as api:
        for article_id in ("a1", "a2"):
            article = {**ARTICLE, "id": article_id}
            assert api("POST", "/api/v1/articles", "moderator", json=article).status_code == 201
        ids = []
        for article_id, text in (("a1", ON_TOPIC), ("a1", DEFAMATORY), ("a2", ON_TOPIC)):
            comment = {"article_id": article_id, "author_name": "Ana Silva", "text": text}
            r = api("POST", "/api/v1/comments", "viewer", json=comment)
            assert r.status_code == 201, r.text
            ids.append(str(r.json()["id"]))
        yield Seeded(api, *ids)
