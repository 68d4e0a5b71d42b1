"""A real name decorated with an emoji is held for a human, not rejected as a handle.

Decision (names-8): emoji and pictographs (Unicode So/Sk, with their joiners and variation
selectors) are set aside and the rest judged alone. A plausible real name that would be
published on its own ("Maria 🌸 Lopez") is held (``decorated_name``, 0.6); a remainder that
would not be published ("🔥Sniper🔥", "Batman 🦇", "Ana 😀") keeps the symbols rule and is
rejected, as are symbols handles use ("$", "|").
"""

from __future__ import annotations

import pytest

from mutewatch.moderate.checks import CommentInput, Moderator
from mutewatch.moderate.names import DECORATED_SCORE, HOLD, REJECT, assess, decoration
from mutewatch.moderate.policy import load_policy

DECORATED = ["Maria 🌸 Lopez", "Maria Lopez 🌸", "🌸 Maria Lopez", "Maria🌸Lopez", "Kim ♥ Lee",
             "Ana Silva ✌🏽", "Anna 👩\u200d👩\u200d👧 Berg"]  # fmt: skip
HANDLES = ["🔥Sniper🔥", "💀xX_sniper_Xx💀", "Batman 🦇", "Bruce Wayne 🦇", "Ana 😀",
           "sniper 🔫 king", "Maria $ Lopez", "Maria | Lopez"]  # fmt: skip


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator(load_policy())


def _decision(moderator: Moderator, name: str) -> str:
    [d] = moderator.check([CommentInput("c1", "Thanks, a clear report.", name)])
    return d.decision


@pytest.mark.parametrize("name", DECORATED)
def test_a_decorated_real_name_is_held(moderator: Moderator, name: str) -> None:
    result = assess(name)
    assert result.rule == "decorated_name"
    assert HOLD <= result.fantasy == DECORATED_SCORE < REJECT
    assert _decision(moderator, name) == "hold"


@pytest.mark.parametrize("name", HANDLES)
def test_handles_with_emoji_stay_rejected(moderator: Moderator, name: str) -> None:
    assert max(assess(name).fantasy, assess(name).false) >= REJECT
    assert _decision(moderator, name) == "reject"


def test_the_plain_name_is_still_published(moderator: Moderator) -> None:
    assert _decision(moderator, "Maria Lopez") == "publish"


def test_decoration_reads_emoji_runs_as_spaces() -> None:
    assert decoration("Maria🌸Lopez") == ("Maria Lopez", "🌸")
    assert decoration("Ana Silva ✌🏽") == ("Ana Silva", "✌🏽")
    assert decoration("Maria Lopez") is None
    assert decoration("Maria $ Lopez") is None
