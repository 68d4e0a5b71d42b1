"""An appeal with a field besides ``note`` is refused, naming the field (and the field it
looks like a misspelling of), and stores nothing, as a moderator's action is; the extra
field used to be dropped without a word ("notes" beside "note", a "reason" the reader
thought was read)."""

from __future__ import annotations

import pytest
from appeal_helpers import post

from mutewatch.errors import InputError
from mutewatch.moderate.service import ModerationService


@pytest.mark.parametrize(
    ("record", "says"),
    [
        ({"note": "on topic", "reason": "see the article"}, "unknown field 'reason'"),
        ({"note": "on topic", "Note": "again"}, "did you mean `note`?"),
    ],
)
def test_an_appeal_with_another_field_is_refused_and_stores_nothing(
    service: ModerationService, record: dict[str, str], says: str
) -> None:
    cid = post(service, "reject")
    audit_before = service.audit()
    with pytest.raises(InputError, match=says):
        service.appeal(cid, record, "viewer1")
    assert service.audit() == audit_before
    assert service.queue()["total"] == 0
    assert service.appeal(cid, {"note": "on topic"}, "viewer1")["appealed"] is True
