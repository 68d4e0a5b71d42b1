"""An action's ``note`` that is not a string is refused as such, as an appeal's is: it
was answered "the action has no `note`" while the request had one (``"note": 5``)."""

from __future__ import annotations

import pytest
from service_more_helpers import DEFAMATORY, comment

from mutewatch.errors import InputError
from mutewatch.moderate.service import ModerationService


@pytest.mark.parametrize(
    ("note", "words"),
    [
        (5, "the action field `note` must be a string, not int"),
        (["fine"], "the action field `note` must be a string, not list"),
        (None, "the action has no `note`"),
        ("  ", "the action has no `note`"),
    ],
)
def test_a_note_of_another_type_is_named_as_such(
    service: ModerationService, note: object, words: str
) -> None:
    held = comment(service, DEFAMATORY)
    with pytest.raises(InputError) as refused:
        service.act(held, {"action": "approve", "note": note}, "mod1")
    assert refused.value.message.startswith(words)
    assert service.comment(held)["status"] == "held"  # nothing recorded
