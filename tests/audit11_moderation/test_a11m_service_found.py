"""What the audit found in ``moderate/service.py`` (owned by another helper): each test fails
on the code as it is and is marked ``xfail(strict=True)`` with where to fix it; the fix
makes it pass, and strict xfail then says to drop the mark. Real DuckDB files, real models.
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


@pytest.mark.xfail(
    strict=True,
    reason="an action's unknown field is ignored: a misspelt expected_status (or"
    " expected_revison) turns the 409 guard off without a word — fix in service.py:2003 (act:"
    " refuse keys other than action, note, text, clause, expected_*)",
)
def test_a_misspelt_guard_field_is_refused_not_ignored(service: Any) -> None:
    """Another moderator rejected the comment; this one sends what it saw, with a typo in
    the field name. Today the approve goes through and overrides the reject."""
    comment_id = _held(service)
    service.act(comment_id, {"action": "reject", "note": "unsourced"}, "mod2")
    typo = {"action": "approve", "note": "looks fine", "expected_stauts": "held"}
    with pytest.raises(InputError, match="expected_stauts"):
        service.act(comment_id, typo, "mod1")
    assert service.history(comment_id)["comment"]["status"] == "rejected"


@pytest.mark.xfail(
    strict=True,
    reason="a comment's unknown field is ignored: parentId (camelCase, as JavaScript"
    " backends write it) or parent for parent_id files a reply as a top-level comment —"
    " fix in service.py:477 (parse_comment: refuse unknown keys, or name the one meant)",
)
def test_a_misspelt_parent_field_is_refused_not_ignored(service: Any) -> None:
    parent = _held(service)
    reply = {"article_id": "a1", "author_name": "Li Wei", "text": "I agree.", "parentId": parent}
    with pytest.raises(InputError, match="parentId"):
        service.submit_comment(reply, "site")


@pytest.mark.xfail(
    strict=True,
    reason="a JSON body giving a key twice is read as its last value: a filter in front of"
    ' the API that reads the first "text" approves what mutewatch stores as the second —'
    " fix in service.py:388 (read_json: object_pairs_hook refusing a repeated key; the API"
    " and moderate check share it)",
)
def test_a_comment_giving_a_field_twice_is_refused() -> None:
    body = '{"article_id": "a1", "author_name": "Ana Silva", "text": "Hi.", "text": "Other."}'
    with pytest.raises(InputError, match="text"):
        read_json(body)
