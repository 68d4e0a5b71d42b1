"""A real name typed with a no-break space or a direction mark is published.

Before: "Ana\\u00a0Silva" (a no-break space, as phone keyboards and copied signatures give),
"Ana\\u2009Silva" (a thin space) and "Ana Silva\\u200f" or "\\u200f<Arabic name>" (the
right-to-left mark keyboards type around right-to-left names) were rejected as gamer handles
(0.85, "symbols"). Now any Unicode space reads as a space and the invisible direction marks
are dropped; overrides and isolates, which reorder what a reader sees, still count.
"""

from __future__ import annotations

import pytest
from audit6_helpers import clause, decide

from mutewatch.moderate.checks import Moderator

TYPED = [
    "Ana\u00a0Silva",
    "Ana\u2009Silva",
    "Ana\u202fSilva",
    "Ana Silva\u200f",
    "\u200e\u0645\u062d\u0645\u062f \u0639\u0644\u064a\u200f",
    "\u05d3\u05d5\u05d3\u00a0\u05db\u05d4\u05df",
]


@pytest.mark.parametrize("name", TYPED)
def test_a_typed_real_name_is_published(moderator: Moderator, name: str) -> None:
    decision = decide(moderator, "Thanks for the clear report.", name)
    assert decision.decision == "publish", clause(decision, "fantasy_name")
    assert clause(decision, "fantasy_name")["evidence"]["name"] == name  # as submitted


@pytest.mark.parametrize("name", ["Ana \u202eavliS", "xX\u00a0sniper\u00a0Xx", "\u200f"])
def test_overrides_and_handles_still_do_not_publish(moderator: Moderator, name: str) -> None:
    assert decide(moderator, "Thanks for the clear report.", name).decision == "reject"
