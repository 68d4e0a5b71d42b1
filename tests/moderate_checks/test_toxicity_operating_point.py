"""The racist and personal clauses at the default policy's operating point.

Plain insults aimed at people are held or rejected under ``personal``; explicit attacks on a
group are rejected under ``racist``; mentions of a group and arguments against racism publish.
The lexicon's evidence names the offending span. Texts are mild, generic placeholders.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from mutewatch.moderate.checks import CommentInput, Decision, Moderator, lexicon_findings
from mutewatch.moderate.policy import load_policy

PERSONAL = [
    ("you are an idiot", "you are an idiot"),
    ("The author is an idiot, a moron and a fool.", "The author is an idiot"),
    ("You are a worthless piece of garbage.", "You are a worthless piece of garbage"),
    ("The mayor is a complete imbecile.", "The mayor is a complete imbecile"),
    ("You are a stupid idiot and a moron, shut up.", "You are a stupid idiot"),
    ("Shut up, you fool.", "you fool"),
    ("Are you stupid? The tram was on time.", "Are you stupid"),
    ("These people are animals.", "These people are animals"),
]
RACIST = [
    ("All Muslims are terrorists.", "All Muslims are terrorists"),
    ("Jews control the media and the banks.", "Jews control the media"),
    ("Send all the immigrants back where they came from, they are animals.", "they are animals"),
    ("Immigrants are vermin.", "Immigrants are vermin"),
]
PUBLISH = [
    "Not all Muslims are terrorists.",
    "It is racist to say that immigrants are vermin.",
    "Saying all Muslims are terrorists is a lie.",
    "The Muslim community centre opened a food bank for refugees.",
    "Jews and Christians met at the town hall to discuss the new tram line.",
    "Immigrants make up a large share of the nurses in the city hospital.",
    "Racism against Black people is still a problem in housing.",
    "The mayor's plan is a joke, but the budget report was clear.",
    "I was an idiot to miss the meeting.",
    "The author makes a good point about the tram budget.",
]


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    policy = load_policy()
    keep = {"racist", "personal"}
    return Moderator(replace(policy, clauses=tuple(c for c in policy.clauses if c.clause in keep)))


def _decide(moderator: Moderator, texts: list[str]) -> list[Decision]:
    return moderator.check([CommentInput(t[:40], t, "Ana Silva") for t in texts])


@pytest.mark.parametrize("clause,cases", [("personal", PERSONAL), ("racist", RACIST)])
def test_plain_attacks_are_rejected_with_the_span(
    moderator: Moderator, clause: str, cases: list[tuple[str, str]]
) -> None:
    decisions = _decide(moderator, [t for t, _ in cases])
    for (text, span), d in zip(cases, decisions, strict=True):
        c = next(c for c in d.clauses if c.clause == clause)
        assert d.decision == "reject" and c.fired, (text, d.as_dict())
        assert c.evidence["action"] == "reject"
        ev = c.evidence["span"]
        assert ev["text"] == span and text[ev["start"] : ev["end"]] == span
        assert c.evidence["lexicon"]["rule"]


def test_insults_without_a_group_are_not_called_racist(moderator: Moderator) -> None:
    texts = [t for t, _ in PERSONAL]
    for text, d in zip(texts, _decide(moderator, texts), strict=True):
        racist = next(c for c in d.clauses if c.clause == "racist")
        assert not racist.fired, (text, racist.score)


def test_group_attacks_are_not_called_personal(moderator: Moderator) -> None:
    texts = [t for t, _ in RACIST]
    for text, d in zip(texts, _decide(moderator, texts), strict=True):
        personal = next(c for c in d.clauses if c.clause == "personal")
        assert not personal.fired, (text, personal.score)


def test_mentions_and_counter_speech_publish(moderator: Moderator) -> None:
    for text, d in zip(PUBLISH, _decide(moderator, PUBLISH), strict=True):
        assert d.decision == "publish", (text, d.as_dict())


def test_counter_speech_is_recorded_not_scored() -> None:
    found = lexicon_findings("It is racist to say that immigrants are vermin.")
    assert not found.racist and not found.personal
    assert found.countered[0]["cue"] == "racist"
    assert found.countered[0]["span"]["text"] == "immigrants are vermin"
    # an endorsement is no counter-speech
    assert lexicon_findings("I think immigrants are vermin.").racist


@pytest.mark.parametrize(
    "text",
    [
        "This article is garbage.",
        "The state of the budget is a disgrace.",
        "Toronto is pathetic at snow clearing.",
        "The players are talking trash before the match.",
        "We are fools for trusting the forecast.",
        "He is not an idiot.",
    ],
)
def test_things_self_mockery_and_negation_are_no_personal_hit(text: str) -> None:
    assert not lexicon_findings(text).personal


def test_same_text_same_decision(moderator: Moderator) -> None:
    texts = [t for t, _ in PERSONAL + RACIST] + PUBLISH
    first = [d.as_dict(versions=True) for d in _decide(moderator, texts)]
    again = [d.as_dict(versions=True) for d in _decide(moderator, list(reversed(texts)))]
    assert first == list(reversed(again))
