"""The queue's author_record matches e-mail addresses case-folded the same way on both
sides, so two comments either count each other or neither does."""

from __future__ import annotations

import pytest
from appeal_helpers import post

from mutewatch.moderate.service import ModerationService


def _records(svc: ModerationService) -> dict[str, int]:
    return {i["id"]: i["author_record"]["comments"] for i in svc.queue()["items"]}


@pytest.mark.parametrize(
    "first, second",
    [
        ("\u0130x@example.org", "i\u0307x@example.org"),  # İ: Python folds to i + dot above
        ("Ana@Example.ORG", "ana@example.org"),
    ],
)
def test_matching_is_symmetric(service: ModerationService, first: str, second: str) -> None:
    """Reproduction (first case): the item with İ counted the other comment, the other item
    did not count it back (Python's lower() for the item, DuckDB's for the others)."""
    a = post(service, "hold", email=first)
    b = post(service, "hold", email=second, name="Other Name")
    records = _records(service)
    assert records[a] == records[b]
