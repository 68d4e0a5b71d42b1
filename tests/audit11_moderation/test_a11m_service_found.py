"""What the audit found in ``moderate/service.py``: fields a request misspells or gives twice
are refused, not silently ignored or overridden. Real DuckDB files, real models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch.errors import InputError
from mutewatch.moderate.service import ModerationService, read_json

HELD = "Councillor John Smith took bribes from the tram builders."


@pytest.fixture()
def service(tmp_path: Path) -> Any:
    opened = ModerationService.open(tmp_path / "store.duckdb")
    opened.add_article({"id": "a1", "title": "Tram line", "body": "The council funds a tram."}, "m")
    yield opened
    opened.close()


def _held(service: Any) -> str:
    comment = {"article_id": "a1", "author_name": "Ana Silva", "text": HELD}
    result = service.submit_comment(comment, "site")
    assert result["decision"] == "hold"
    return str(result["id"])


def test_a_misspelt_guard_field_is_refused_not_ignored(service: Any) -> None:
    """Another moderator rejected the comment; this one sends what it saw, with a typo in
    the field name. Today the approve goes through and overrides the reject."""
    comment_id = _held(service)
    service.act(comment_id, {"action": "reject", "note": "unsourced"}, "mod2")
    typo = {"action": "approve", "note": "looks fine", "expected_stauts": "held"}
    with pytest.raises(InputError, match="expected_stauts"):
        service.act(comment_id, typo, "mod1")
    assert service.history(comment_id)["comment"]["status"] == "rejected"


def test_a_misspelt_parent_field_is_refused_not_ignored(service: Any) -> None:
    parent = _held(service)
    reply = {"article_id": "a1", "author_name": "Li Wei", "text": "I agree.", "parentId": parent}
    with pytest.raises(InputError, match="parentId"):
        service.submit_comment(reply, "site")


def test_a_comment_giving_a_field_twice_is_refused() -> None:
    body = '{"article_id": "a1", "author_name": "Ana Silva", "text": "Hi.", "text": "Other."}'
    with pytest.raises(InputError, match="text"):
        read_json(body)


def test_an_unrelated_extra_comment_field_is_still_accepted(service: Any) -> None:
    """Site backends send their own fields beside the comment's; only misspellings of ours
    are refused."""
    comment = {"article_id": "a1", "author_name": "Li Wei", "text": "I agree.", "site_ref": "x"}
    assert service.submit_comment(comment, "site")["decision"] in {"publish", "hold"}


@pytest.mark.parametrize("field", ["expected_stauts", "Expected-Revision", "reason", "parent"])
def test_every_unknown_action_field_is_refused_with_what_is_accepted(
    service: Any, field: str
) -> None:
    comment_id = _held(service)
    with pytest.raises(InputError, match="unknown field") as caught:
        service.act(comment_id, {"action": "approve", "note": "fine", field: "x"}, "mod1")
    assert "expected_status" in str(caught.value.hint)
    assert service.history(comment_id)["comment"]["status"] == "held"


def test_an_edit_with_the_text_unchanged_is_refused_and_stores_nothing(service: Any) -> None:
    comment_id = _held(service)
    edit = {"action": "edit", "text": HELD, "note": "no change"}
    with pytest.raises(InputError, match="as it stands"):
        service.act(comment_id, edit, "mod1")
    history = service.history(comment_id)
    assert history["comment"]["status"] == "held"
    assert len(history["revisions"]) == 1


@pytest.mark.parametrize("given", [" a1", "a1 ", "a1\t"])
def test_an_article_id_with_white_space_at_its_ends_is_refused(service: Any, given: str) -> None:
    article = {"id": given, "title": "Tram line", "body": "The council funds a tram."}
    with pytest.raises(InputError, match="white space") as caught:
        service.add_article(article, "m")
    assert "'a1'" in str(caught.value.hint)


def test_moderate_articles_add_refuses_such_an_id_before_making_a_store(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mutewatch.cli import main

    body = tmp_path / "body.txt"
    body.write_text("The council funds a tram.")
    store = tmp_path / "new.duckdb"
    args = ["--store", str(store), "moderate", "articles", "add", "--id", "a9 "]
    result = CliRunner().invoke(main, [*args, "--title", "Tram", "--body-file", str(body)])
    assert result.exit_code != 0 and "white space" in result.output
    assert not store.exists()
