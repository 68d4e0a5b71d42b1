"""checks-6: an attack run into one long sentence with neutral padding is not laundered.

A sentence of more than ``RUN_ON_WINDOW_WORDS`` words is also read clause by clause
(``run_on_windows``); a clause that names a group is scored alone, discounted by
``RUN_ON_DISCOUNT`` (stricter than a whole sentence's ``SENTENCE_DISCOUNT``), and is the
evidence span when it counts. Session 8's cut of every sentence over 25 words held more
non-hateful comments than it caught hateful ones; see scripts/runon_report_s9.py.
"""

from __future__ import annotations

import pytest

from mutewatch.moderate import checks
from mutewatch.moderate.checks import CommentInput, Moderator, candidate_sentences

PAD_A = "The meeting started at nine in the small hall near the old station"
PAD_B = "the report had three parts with a short summary at the very end"
ATTACK = "Islam is a religion of hate whose followers are savages"
PAD_C = "the weather stayed mild all afternoon while the chairs were stacked away."
RUN_ON = f"{PAD_A}, and {PAD_B}, and {ATTACK}, and {PAD_C}"
NEUTRAL = [
    f"{PAD_A}, and {PAD_B}, and many Muslims in the town opened a bakery on the main street,"
    f" and {PAD_C}",
    f"{PAD_A}, and the council met Christian and Jewish leaders last month, and {PAD_B}, and"
    f" {PAD_C}",
    f"{PAD_A}, and {PAD_B}, and immigrants work long shifts at the hospital every week, and"
    f" {PAD_C}",
]


def racist_of(moderator: Moderator, text: str) -> tuple[str, dict[str, object]]:
    """The decision on ``text`` and the racist clause as its JSON dict."""
    [decision] = moderator.check([CommentInput("c1", text, "Ana Silva")])
    [racist] = [c.as_dict() for c in decision.clauses if c.clause == "racist"]
    return decision.decision, racist


def test_only_a_long_sentence_is_read_in_clauses() -> None:
    assert len(RUN_ON.split()) > checks.RUN_ON_WINDOW_WORDS
    windows = checks.run_on_windows(RUN_ON, [(0, len(RUN_ON))])
    start = RUN_ON.index(ATTACK)
    assert (start, start + len(ATTACK)) in windows
    short = f"{PAD_A}, and {ATTACK}."
    assert checks.run_on_windows(short, [(0, len(short))]) == []
    uncut = " ".join([PAD_A] * 3)  # long, but one clause: the whole sentence is no window
    assert len(uncut.split()) > checks.RUN_ON_WINDOW_WORDS
    assert checks.run_on_windows(uncut, [(0, len(uncut))]) == []


def test_the_group_clause_is_a_candidate_with_the_stricter_discount() -> None:
    start = RUN_ON.index(ATTACK)
    piece = (start, start + len(ATTACK))
    assert candidate_sentences(RUN_ON) == [piece]
    assert checks.piece_discount(RUN_ON, piece) == checks.RUN_ON_DISCOUNT
    two = f"{PAD_A}. Many Muslims live in the town."
    assert checks.piece_discount(two, (0, len(PAD_A) + 1)) == checks.SENTENCE_DISCOUNT


def test_an_attack_in_a_run_on_sentence_is_not_published(s9_moderator: Moderator) -> None:
    decision, racist = racist_of(s9_moderator, RUN_ON)
    assert decision != "publish" and racist["fired"]
    evidence = racist["evidence"]
    assert isinstance(evidence, dict) and evidence["head"] < 0.8
    start = RUN_ON.index(ATTACK)
    assert evidence["span"] == {"start": start, "end": start + len(ATTACK), "text": ATTACK}


def test_without_the_windows_it_was_published(
    s9_moderator: Moderator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "RUN_ON_WINDOWS", False)
    decision, racist = racist_of(s9_moderator, RUN_ON)
    assert decision == "publish" and not racist["fired"]


@pytest.mark.parametrize("text", NEUTRAL)
def test_neutral_run_on_sentences_are_published(s9_moderator: Moderator, text: str) -> None:
    assert len(text.split()) > checks.RUN_ON_WINDOW_WORDS
    decision, _ = racist_of(s9_moderator, text)
    assert decision == "publish"
