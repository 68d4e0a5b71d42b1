"""The name check's evidence rule (names-4) on held-out names from many naming traditions.

The held-out sets live in ``names_heldout.py`` and are read by nothing the check ships, so
these tests measure generalisation; the Star Wars and US legislator figures come from the
evaluation rows of ../shared/data (skipped when it is missing).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from names_heldout import NOT_REAL, REAL, REAL_BY_CULTURE

from mutewatch.moderate import names
from mutewatch.moderate.names import assess

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def _published(name: str) -> bool:
    r = assess(name)
    return max(r.fantasy, r.false) < names.HOLD


def _rejected(name: str) -> bool:
    r = assess(name)
    return max(r.fantasy, r.false) >= names.REJECT


@pytest.fixture(scope="module")
def shared_data() -> Path:
    """The research data, or skip when this checkout has none beside it."""
    if not (SHARED_DATA / "moderation" / "names").is_dir():
        pytest.skip(f"research data not found at {SHARED_DATA.resolve()} (../shared/data)")
    return SHARED_DATA


def test_held_out_real_names_publish_and_none_is_rejected() -> None:
    multi_word = [n for n in REAL if len(n.split()) > 1]
    held = [n for n in multi_word if not _published(n)]
    assert len(held) / len(multi_word) <= 0.05, held
    assert [n for n in REAL if _rejected(n)] == []


@pytest.mark.parametrize("culture", sorted(set(REAL_BY_CULTURE) - {"single_name_cultures"}))
def test_every_naming_tradition_mostly_publishes(culture: str) -> None:
    group = REAL_BY_CULTURE[culture]
    held = [n for n in group if not _published(n)]
    assert len(held) / len(group) <= 0.2, held


def test_single_names_are_held_not_rejected() -> None:
    for name in ("Sukarno", "Suharto"):
        r = assess(name)
        assert names.HOLD <= max(r.fantasy, r.false) < names.REJECT, r


def test_handles_jokes_and_characters_do_not_publish() -> None:
    published = [n for n in NOT_REAL if _published(n)]
    assert len(published) / len(NOT_REAL) <= 0.05, published


def test_unknown_name_words_are_reported_below_the_hold_threshold() -> None:
    # Unknown-ness alone does not hold a name (thinly listed traditions would pay for it);
    # it is evidence, and a policy with fantasy_name hold_threshold 0.45 holds on it.
    r = assess("Zorblax Quennith")
    assert "no_known_name_word" in r.evidence, r
    assert names.NO_GIVEN_NAME_SCORE <= r.fantasy < names.REJECT, r
    assert names.NO_GIVEN_NAME_SCORE < names.HOLD


def test_family_name_first_order_publishes() -> None:
    for name in ("Nguyen Van Minh", "Kim Ji-hoon", "Wang Fang"):
        assert _published(name), assess(name)
    assert _published("Kaņeps, Lūcija") == _published("Lūcija Kaņeps")
    assert _published("Smith, John") and _published("Sanford D. Bishop, Jr.")


def test_scripts_without_latin_letters_are_not_mistaken_for_handles() -> None:
    # Hangul decomposes into jamo, Indic scripts carry vowel signs and zero-width joiners.
    for name in ("장민재", "王 伟", "पुरुषोत्तम उपाध्याय", "श्रीमती निर्मला गुप\u200dता"):
        r = assess(name)
        assert max(r.fantasy, r.false) < names.HOLD, r


def test_fictional_word_that_a_name_list_knows_is_held_not_rejected() -> None:
    r = assess("Shmi Skywalker")
    assert names.HOLD <= r.fantasy < names.REJECT, r
    assert assess("Darth Vader").fantasy >= names.REJECT  # a full name the list holds


def test_implausible_unknown_word_is_held_with_evidence() -> None:
    r = assess("John Qoxuaj")
    assert r.rule == "implausible_name", r
    words = r.evidence["implausible_name"]["unknown_words"]
    assert words["qoxuaj"] < names.IMPLAUSIBLE_LOGP


def test_char_model_ranks_real_spelling_above_mashing() -> None:
    known = names._known()
    assert known.char_logprob("johnson") > names.IMPLAUSIBLE_LOGP
    assert known.char_logprob("xqzkvbt") < names.IMPLAUSIBLE_LOGP
    assert known.is_given("john") and known.is_surname("johnson") and known.is_common("smith")
    assert not known.is_known("xqzkvbt")


def test_evidence_names_the_shipped_knowledge_version() -> None:
    r = assess("Ana Silva")
    assert r.rule is None, r
    assert r.evidence["model_version"].startswith(f"{names.NAMES_MODEL_VERSION}/names-known-")


@pytest.mark.parametrize(
    "name",
    ["Tom Firestone", "Mary Littlebear", "Jason Whitehawk", "Rose Blackhawk", "Ana Funez",
     "Lisa Blackstone", "Jane Silverstone", "Carl Stoneking"],
)  # fmt: skip
def test_family_names_glued_from_handle_words_publish(name: str) -> None:
    """US Census surnames that split into handle words ("fire"+"stone", "fun"+"ez") are names."""
    assert _published(name), assess(name)


@pytest.mark.parametrize("name", ["Shadowblade", "Nightkiller", "Darkwolf Gamer", "Icesniper"])
def test_glued_handle_words_that_no_name_list_knows_are_rejected(name: str) -> None:
    r = assess(name)
    assert r.rule == "gamer_handle" and _rejected(name), r
    assert r.evidence["gamer_handle"]["glued_words"]


def test_evaluation_rows_real_names_target(shared_data: Path) -> None:
    report = names.evaluate(shared_data)
    assert report["real"]["published"] >= 0.97, report["real_not_published"]
    # Known gap (issue 5 asks 0.90): most Star Wars evaluation names are built from real or
    # unlisted-but-plausible name words; this guards the names-9 figure against regressions
    # (names-9 took three evaluation names out of the hand-written list: 31.25% -> 25%).
    assert report["fictional"]["not_published"] >= 0.25


def test_a_policy_can_choose_to_hold_on_unknown_name_words() -> None:
    import yaml

    from mutewatch.moderate.policy import DEFAULT_POLICY_FILE, load_policy, parse_policy

    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    for spec in doc["clauses"]:
        if spec["clause"] == "fantasy_name":
            spec["hold_threshold"] = names.NO_GIVEN_NAME_SCORE
    stricter = parse_policy(yaml.safe_dump(doc))
    default = next(c for c in load_policy().clauses if c.clause == "fantasy_name")
    strict = next(c for c in stricter.clauses if c.clause == "fantasy_name")
    score = assess("Yarael Poof").fantasy
    assert default.outcome(score)[2] == "publish"
    assert strict.outcome(score)[2] == "hold"


@pytest.mark.parametrize("name", ["Nguyễn Thế Anh", "Trần Thế Vinh", "Anh Thế Hoàng"])
def test_vietnamese_the_is_no_epithet(name: str) -> None:
    """ "Thế" folds to "the", but only a written "the" makes an epithet ("Gandalf the Grey")."""
    assert _published(name), assess(name)
