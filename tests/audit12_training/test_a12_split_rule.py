"""No evaluation row (README rule on the text as it stands in the file) feeds a shipped file.

Every script that writes a shipped weight or data file is asked for the texts it trains,
calibrates or counts on, through its own functions, and each text is checked against the
evaluation texts read straight from the files (conftest.read_file_texts).
"""

from __future__ import annotations

import json
import random
import re

import pytest
from a12_helpers import PACKAGE_DATA, REPO, FileTexts, is_evaluation, load_script

from mutewatch.moderate import datasets as ds

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_rule_marks_about_a_fifth_of_each_file(file_texts: FileTexts) -> None:
    """The readers of this folder see the files' texts (a wrong column would give 0 or 100%)."""
    for name, texts in file_texts.by_file.items():
        share = sum(map(is_evaluation, texts)) / len(texts)
        assert 0.08 < share < 0.33, (name, share, len(texts))


def test_heads_training_rows_hold_no_evaluation_text(file_texts: FileTexts) -> None:
    """scripts/train_moderation.py: the rows of the four heads, their cross-validation (C) and
    the out-of-fold rates the policy thresholds are read from."""
    tm = load_script("train_moderation")
    evaluation = file_texts.evaluation()
    rows = tm.training_rows(ds.default_data_dir())
    texts = {r.text for rows_of in rows.values() for r in rows_of}
    assert len(texts) > 6000
    assert not texts & evaluation
    sets = tm.label_sets(rows, tm._ethos_violence(ds.default_data_dir()))
    for head, items in sets.items():
        assert not {t for t, _, _, _ in items} & evaluation, head


def test_relevance_calibration_reads_no_evaluation_text(file_texts: FileTexts) -> None:
    """fit_relevance (the centre vector, slope and intercept of heads.json) and the
    operating-point report read Fox News, SFU and ETHOS through ``ds.split(..., False)``."""
    data = ds.default_data_dir()
    evaluation = file_texts.evaluation_of("fox", "sfu", "ethos_binary")
    for reader in (ds.fox_news, ds.sfu, ds.ethos):
        kept = {r.text for r in ds.split(reader(data), evaluation=False)}
        assert kept and not kept & evaluation, reader.__name__


def test_language_training_texts_hold_no_evaluation_text(file_texts: FileTexts) -> None:
    """scripts/train_language.py: the n-gram models' corpus, its stackers' sample and the word
    counts of language_lexicon.npz."""
    tl = load_script("train_language")
    data = ds.default_data_dir()
    evaluation = file_texts.evaluation()
    assert not {t for t, _ in tl.langid_rows(data)} & evaluation
    assert not set(tl.gdi_rows(data)) & evaluation
    assert not set(tl.english_comments(data, random.Random(tl.SEED))) & evaluation
    for code, texts in tl.lexicon_texts(data).items():
        assert not set(texts) & evaluation, code


def test_no_language_window_is_an_evaluation_text(file_texts: FileTexts) -> None:
    """The short windows train_language.py cuts from training texts are new texts; a window
    can spell an evaluation word pair exactly ("grense tussen" inside a training sentence).

    Before session 12, 78 of the corpus's 166,098 texts (windows all) equalled an evaluation
    text, most of them word pairs of the sentences they come from (the word-pair file is cut
    from the same Leipzig sentences, and the sentence holding an evaluation pair is often a
    training row). The script now leaves such windows out.
    """
    tl = load_script("train_language")
    corpus = tl.build_corpus(ds.default_data_dir(), random.Random(tl.SEED))
    evaluation = file_texts.evaluation()
    whole = [t for t in corpus.texts if t in evaluation]
    assert len(corpus.texts) > 100_000
    assert not whole, sorted(set(whole))[:20]


def test_truecase_rows_hold_no_evaluation_text(file_texts: FileTexts) -> None:
    """scripts/build_truecase.py counts capitals on non-evaluation English rows only."""
    tc = load_script("build_truecase")
    texts = tc.english_rows(ds.default_data_dir())
    assert len(texts) > 20_000
    assert not set(texts) & file_texts.evaluation()


def test_build_names_reads_no_row_of_the_shared_data() -> None:
    """names_known.npz comes from census and name dictionaries, not from the name files."""
    text = (REPO / "scripts" / "build_names.py").read_text(encoding="utf-8")
    code = re.sub(r'"""[\s\S]*?"""', "", text)
    assert "datasets" not in code and "moderation" not in code and "shared" not in code


def _list_entries(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [e for v in value for e in _list_entries(v)]
    if isinstance(value, dict):
        return [e for k, v in value.items() if not k.startswith("_") for e in _list_entries(v)]
    return []


def test_hand_lists_hold_no_evaluation_text(file_texts: FileTexts) -> None:
    """The hand-composed word lists do not spell any evaluation comment, sentence or pair,
    but for "lol" (an English interjection of language_short_words.json that is also a whole
    Fox News evaluation comment, scored there for toxicity, not language)."""
    evaluation = {t.casefold().strip() for t in file_texts.evaluation()}
    for name in ("language_short_words.json", "toxicity_lexicon.json", "confusables.json"):
        data = json.loads((PACKAGE_DATA / name).read_text(encoding="utf-8"))
        entries = {e.casefold().strip() for e in _list_entries(data)}
        assert entries & evaluation <= {"lol"}, name


def test_name_lists_hold_no_evaluation_name(file_texts: FileTexts) -> None:
    """A name list built by hand must not list evaluation names: they are the test set."""
    from mutewatch.moderate import names as nm

    lists = json.loads((PACKAGE_DATA / "names_lists.json").read_text(encoding="utf-8"))
    multi = json.loads((PACKAGE_DATA / "names_multicultural.json").read_text(encoding="utf-8"))
    entries = {nm.fold(e) for e in _list_entries(lists) + _list_entries(multi)}
    names = file_texts.evaluation_of("starwars", "legislators")
    listed = sorted(n for n in names if nm.fold(n) in entries)
    assert not listed, listed


def test_english_training_texts_hold_no_evaluation_text(file_texts: FileTexts) -> None:
    """datasets.english_training_texts (the development texts of the defamation reports):
    each English dataset's texts once, none of them an evaluation text."""
    evaluation = file_texts.evaluation()
    got = ds.english_training_texts(ds.default_data_dir())
    assert list(got) == list(ds.ENGLISH_DATASETS)
    for name, texts in got.items():
        assert texts and len(texts) == len(set(texts)), name
        assert not set(texts) & evaluation, name
    comments = ds.english_training_texts(ds.default_data_dir(), ds.ENGLISH_COMMENTS)
    assert comments == {name: got[name] for name in ds.ENGLISH_COMMENTS}
    with pytest.raises(ValueError, match="no English dataset 'Reddit'"):
        ds.english_training_texts(ds.default_data_dir(), ("Reddit",))
