"""A comment's text or author name of only blank characters is refused, as one of zero-width
characters was: a lone combining mark or variation selector (nothing to sit on), a Hangul
filler (U+3164, the usual trick for a blank user name), the blank braille pattern U+2800 or
private-use code points. Under the default policy "⠀" was published as a comment and
"ㅤ" as an author's name; the small policy here published both (12 + 1 fail on the old
code)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from s16m_helpers import ARTICLE, ON_TOPIC, Seeded, open_service, rows

from mutewatch.errors import InputError
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import ModerationService

BLANK = ["\u3164", "\u2800", "\u0301", "\ufe0f", "\u3164 \u2800\u200b\u3164", "\ue000\uf8ff"]
SEEN = ["e\u0301", "\u3131", "\U0001f600", "A\u3164", "\u0e01\u0e31"]  # a base under the mark


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, moderator: Moderator
) -> Iterator[ModerationService]:
    """One store for the module: its tests are refused or only validate."""
    svc = open_service(tmp_path_factory.mktemp("s16m_blank_svc") / "store.duckdb", moderator)
    svc.add_article(ARTICLE, actor="tester")
    try:
        yield svc
    finally:
        svc.close()


@pytest.mark.parametrize("field", ["text", "author_name"])
@pytest.mark.parametrize("value", BLANK)
def test_a_blank_comment_or_name_is_refused_and_nothing_stored(
    service: ModerationService, field: str, value: str
) -> None:
    before = service.access.read(rows)
    record = {"article_id": "a1", "author_name": "Ana Silva", "text": ON_TOPIC, field: value}
    with pytest.raises(InputError, match=f"`{field}` has no visible characters"):
        service.submit_comment(record, "viewer1")
    assert service.access.read(rows) == before


@pytest.mark.parametrize("value", SEEN)
def test_a_letter_with_marks_or_fillers_beside_it_is_kept(
    service: ModerationService, value: str
) -> None:
    record = {"article_id": "a1", "author_name": value, "text": f"{ON_TOPIC} {value}"}
    assert service.validate_comment(record).author_name == value


def test_the_api_answers_a_blank_name_or_title_with_one_json_error(seeded: Seeded) -> None:
    api = seeded.api
    service = api.app.state.moderation_service
    before = service.access.read(rows)
    comment = {"article_id": "a1", "author_name": "\u3164\u3164", "text": ON_TOPIC}
    r = api("POST", "/api/v1/comments", "viewer", json=comment)
    assert r.status_code == 422, r.text
    assert r.json() == {"error": {"code": "bad_input", "message": r.json()["error"]["message"]}}
    assert "`author_name` has no visible characters" in r.json()["error"]["message"]
    blank_title = {**ARTICLE, "id": "a3", "title": "\u2800"}
    r = api("POST", "/api/v1/articles", "moderator", json=blank_title)
    assert r.status_code == 422 and "`title` has no visible" in r.json()["error"]["message"]
    assert service.access.read(rows) == before
