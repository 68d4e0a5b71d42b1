"""A padded attack whose sentence names no group but refers back to one is not laundered.

checks-4 scored the sentences that name a group alone, so "Many people in the town follow
Islam. It is a religion of hate and its followers are savages." behind three neutral
placeholder sentences was published (racist 0.35): the attack's sentence names no group.
A group-naming sentence is now also scored with the next one when that one refers back
(``FOLLOW_BACK_REFERENCES``); the pair is the evidence span. Cutting run-on sentences into
clauses (``SPLIT_RUN_ONS``) stays off: out of fold it held more non-hateful comments than
it caught hateful ones.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mutewatch.moderate import checks
from mutewatch.moderate.checks import Decision, candidate_sentences

Decide = Callable[[str, str], tuple[Decision, dict[str, object]]]
"""The ``decide`` fixture (conftest.py)."""

PAD = "The meeting starts at nine. The report has three parts. The weather was mild today."
NAMED = "Many people in the town follow Islam."
BACK = "It is a religion of hate and its followers are savages."
PAIR = f"{NAMED} {BACK}"
NEUTRAL = [
    f"{PAD} Many Muslims live in the town. They opened a bakery on the main street.",
    f"Many immigrants work in the hospital. Their shifts start at nine. {PAD}",
    f"{PAD} The council met Christian leaders. These meetings happen every month.",
]


def test_the_group_sentence_is_read_with_the_one_that_refers_back() -> None:
    text = f"{PAD} {PAIR}"
    start = text.index(NAMED)
    assert candidate_sentences(text) == [
        (start, start + len(NAMED)),
        (start, start + len(PAIR)),
    ]


def test_a_next_sentence_without_a_back_reference_is_not_paired() -> None:
    text = f"{NAMED} The weather was mild today. {PAD}"
    assert candidate_sentences(text) == [(0, len(NAMED))]


@pytest.mark.parametrize("text", [f"{PAD} {PAIR}", f"{PAIR} {PAD}", f"{PAD}\n{PAIR}\n{PAD}"])
def test_padding_does_not_launder_a_back_reference(decide: Decide, text: str) -> None:
    decision, racist = decide(text, "racist")
    assert decision.decision != "publish", decision.as_dict()
    assert racist["fired"]
    evidence = racist["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["head"] < 0.8
    start = text.index(PAIR)
    assert evidence["span"] == {"start": start, "end": start + len(PAIR), "text": PAIR}


def test_without_the_pairing_it_was_published(
    decide: Decide, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "FOLLOW_BACK_REFERENCES", False)
    decision, racist = decide(f"{PAD} {PAIR}", "racist")
    assert decision.decision == "publish" and not racist["fired"]


@pytest.mark.parametrize("text", NEUTRAL)
def test_neutral_back_references_are_published(decide: Decide, text: str) -> None:
    decision, _ = decide(text, "racist")
    assert decision.decision == "publish", decision.as_dict()


def test_run_on_sentences_are_not_cut_by_default() -> None:
    long = ", and ".join(["the meeting starts at nine"] * 8) + ". Muslims met."
    assert not checks.SPLIT_RUN_ONS
    assert candidate_sentences(long) == [(long.index("Muslims"), len(long))]
    cut = checks.clause_spans(long, checks.sentence_spans(long))
    assert len(cut) > 2 and all(
        len(long[a:b].split()) >= checks.CLAUSE_MIN_WORDS for a, b in cut[:-1]
    )
