"""scripts/train_moderation.py's counterfactual augmentation (``--template-weight``, off in
the shipped heads) and its templates (scripts/identity_templates.json).

Issue 5: a comment that mentions a group must pass, yet "Muslims are welcome here." is held
(racist 0.85). Session 25 fitted the racist and personal heads with neutral group-mentioning
sentences as negatives; the bar set before fitting failed (the script's docstring has the
figures), so the shipped heads are unchanged and the issue's examples are still held: the
last test records that, strictly, so a fix that makes them pass has to say so.
"""

from __future__ import annotations

import numpy as np
import pytest
from a12_helpers import FileTexts, load_script

from mutewatch.moderate.checks import CommentInput, Moderator, identity_mentions
from mutewatch.moderate.policy import load_policy

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ISSUE_EXAMPLES = (
    "Muslims are welcome here.",
    "Muslims. I love my neighbours.",
    "My neighbour is Mexican and she is lovely.",
)


def _sentences(part: str) -> dict[str, list[str]]:
    return load_script("train_moderation").template_sentences(part)  # type: ignore[no-any-return]


def test_every_template_sentence_names_a_group_the_checks_know() -> None:
    for part in ("train", "held_out"):
        for family, sentences in _sentences(part).items():
            assert len(sentences) >= 22 * 3, family
            missing = [s for s in sentences if not identity_mentions(s)]
            assert not missing, (part, family, missing[:3])
            assert all(s[0].isupper() for s in sentences), family


def test_held_out_families_are_not_trained_on() -> None:
    train, held_out = _sentences("train"), _sentences("held_out")
    assert not set(train) & set(held_out)
    trained = {s for sentences in train.values() for s in sentences}
    assert not trained & {s for sentences in held_out.values() for s in sentences}
    assert not trained & set(ISSUE_EXAMPLES)  # the issue's examples stay a test


def test_no_template_sentence_is_an_evaluation_text(file_texts: FileTexts) -> None:
    evaluation = {t.casefold().strip() for t in file_texts.evaluation()}
    for part in ("train", "held_out"):
        for sentences in _sentences(part).values():
            assert not {s.casefold() for s in sentences} & evaluation, part


def test_synthetic_rows_are_negatives_of_racist_and_personal_only() -> None:
    tm = load_script("train_moderation")
    assert tm.TEMPLATE_WEIGHT == 0.0  # the shipped heads were fitted without them
    synthetic = ["Sikh parents helped organise the school fair this year."]
    assert tm.label_sets(
        {k: [] for k in ("ethos", "davidson", "fox", "sfu", "jigsaw")}, {}, synthetic, 0.0
    ) == {
        "racist": [],
        "personal": [],
        "offensive": [],
        "threat": [],
    }
    sets = tm.label_sets(
        {k: [] for k in ("ethos", "davidson", "fox", "sfu", "jigsaw")}, {}, synthetic, 0.5
    )
    expected = [(synthetic[0], 0, 0.5, tm.SYNTHETIC)]
    assert sets == {"racist": expected, "personal": expected, "offensive": [], "threat": []}


def test_real_rows_fall_in_the_same_folds_with_synthetic_rows() -> None:
    tm = load_script("train_moderation")
    y = np.array([0, 1] * 20)
    plain = tm._folds(y, np.ones(len(y), dtype=bool))
    y_aug = np.concatenate([y, np.zeros(7, dtype=int)])
    real = np.arange(len(y_aug)) < len(y)
    augmented = tm._folds(y_aug, real)
    synthetic = set(range(len(y), len(y_aug)))
    for (train, test), (train_aug, test_aug) in zip(plain, augmented, strict=True):
        assert list(test) == list(test_aug)
        assert set(train_aug) == set(train) | synthetic


@pytest.mark.xfail(strict=True, reason="issue 5 open: the heads read these as attacks")
@pytest.mark.parametrize("text", ISSUE_EXAMPLES)
def test_the_issue_examples_are_published(text: str) -> None:
    [d] = Moderator(load_policy()).check(
        [CommentInput(id="t1", text=text, author_name="Ana Silva")]
    )
    assert d.decision == "publish"
