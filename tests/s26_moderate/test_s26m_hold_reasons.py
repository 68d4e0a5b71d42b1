"""A comment held in a clause's doubtful band is told a moderator will review it, not that
it broke the terms: "Muslims are welcome here." (held, racist 0.85) read "Your comment
attacks people for their race, ethnicity, national origin or religion, which our terms do
not allow." The policy's optional ``hold_reason`` is shown in the hold band instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutewatch.errors import InputError
from mutewatch.moderate._engine import _joined
from mutewatch.moderate.checks import CommentInput, Moderator
from mutewatch.moderate.policy import DEFAULT_POLICY_FILE, load_policy, parse_policy

MODERATOR_WILL_REVIEW = "A moderator will review it before it is published."


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator(load_policy())


def _reasons_by_clause() -> dict[str, tuple[str, str | None]]:
    return {c.clause: (c.reason, c.hold_reason) for c in load_policy().clauses}


def test_every_clause_with_a_hold_band_has_a_hold_reason_that_accuses_no_one() -> None:
    for clause in load_policy().clauses:
        if clause.hold_threshold is None:
            assert clause.hold_reason is None, clause.clause
            continue
        assert clause.hold_reason, clause.clause
        assert "moderator will review" in clause.hold_reason, clause.clause
        assert "not allow" not in clause.hold_reason and "not accepted" not in clause.hold_reason


def test_a_held_group_mention_is_not_told_it_attacked_anyone(moderator: Moderator) -> None:
    decision = moderator.check([CommentInput("1", "Muslims are welcome here.", "Ana Silva")])[0]
    assert decision.decision != "reject"
    assert "attacks people" not in decision.reason
    racist = next(c for c in decision.clauses if c.clause == "racist")
    if racist.fired:  # held in the band (the known gap of issue 5): the doubt, not a verdict
        assert racist.evidence["action"] == "hold"
        assert decision.reason == _reasons_by_clause()["racist"][1]


def test_a_rejected_insult_still_reads_the_clause_reason(moderator: Moderator) -> None:
    text = "You are an idiot and nobody cares what you think."
    decision = moderator.check([CommentInput("2", text, "Ana Silva")])[0]
    assert decision.decision == "reject"
    assert decision.reason == _reasons_by_clause()["personal"][0]


def _banded_policy(hold_reason: str | None) -> str:
    extra = f"    hold_reason: {hold_reason}\n" if hold_reason else ""
    return (
        "clauses:\n"
        "  - clause: racist\n    check: racism\n    threshold: 1.0\n    hold_threshold: 0.0\n"
        "    action: reject\n    reason: Broke the racism clause.\n" + extra
    )


def test_the_hold_band_reads_hold_reason_and_a_policy_without_one_reads_reason() -> None:
    comment = CommentInput("3", "The library opens at nine.", "Ana Silva")
    with_hold = Moderator(parse_policy(_banded_policy("Held for a moderator.")))
    without = Moderator(parse_policy(_banded_policy(None)))
    assert with_hold.check([comment])[0].reason == "Held for a moderator."
    assert without.check([comment])[0].reason == "Broke the racism clause."


def test_a_sentence_two_reasons_share_is_said_once_at_the_end() -> None:
    racist, irrelevant = (_reasons_by_clause()[c][1] for c in ("racist", "irrelevant"))
    assert racist and irrelevant
    joined = _joined([racist, irrelevant])
    assert joined.count(MODERATOR_WILL_REVIEW) == 1 and joined.endswith(MODERATOR_WILL_REVIEW)
    assert joined.startswith("Your comment mentions people's race")
    assert "Your comment may not be about this article" in joined
    assert _joined(["One. Two.", "Three."]) == "One. Two. Three."


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    hold_reason: ''\n", "hold_reason must be a non-empty text"),
        ("    hold_reason: 3\n", "hold_reason must be a non-empty text"),
    ],
)
def test_a_bad_hold_reason_is_refused(extra: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_policy(_banded_policy(None) + extra)


def test_a_hold_reason_without_a_hold_band_is_refused() -> None:
    text = (
        "clauses:\n  - {clause: racist, check: racism, threshold: 0.9, action: reject,"
        " reason: r, hold_reason: h}\n"
    )
    with pytest.raises(InputError, match="give hold_threshold too"):
        parse_policy(text)


def test_the_shipped_policy_file_names_hold_reason_in_its_header() -> None:
    assert "`hold_reason`" in Path(DEFAULT_POLICY_FILE).read_text(encoding="utf-8")
