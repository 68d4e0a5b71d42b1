"""checks.py split into private modules: the façade keeps every name, and a switch set on it
reaches the private module that reads it, as it did when the checks were one module."""

from __future__ import annotations

import importlib
import subprocess
import sys

import numpy as np
import pytest

from mutewatch.moderate import _defamation, _engine, _toxicity, checks
from mutewatch.moderate.checks import CommentInput, Features, Moderator
from mutewatch.moderate.policy import load_policy

PARTS = (
    "_features", "_textview", "_lexicon", "_spans", "_toxicity", "_defamation", "_relevance",
    "_companions", "_engine",
)  # fmt: skip
GROUP_TEXT = "The weather was mild today. Muslims moved to the town last year."


@pytest.mark.parametrize("name", PARTS)
def test_each_private_module_imports_first_in_a_fresh_interpreter(name: str) -> None:
    """No import cycle: any part can be the first one imported."""
    run = subprocess.run(
        [sys.executable, "-c", f"import mutewatch.moderate.{name}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_every_public_name_is_its_home_modules_object() -> None:
    assert len(checks.__all__) == len(set(checks.__all__)) == 86
    homes = [importlib.import_module(f"mutewatch.moderate.{p}") for p in PARTS]
    for name in checks.__all__:
        owners = [m for m in homes if name in vars(m)]
        assert owners, name
        assert all(getattr(m, name) is getattr(checks, name) for m in owners), name


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("RUN_ON_WINDOWS", _toxicity),
        ("SPLIT_RUN_ONS", _toxicity),
        ("RUN_ON_WINDOW_WORDS", _toxicity),
        ("FOLLOW_BACK_REFERENCES", _toxicity),
        ("CASELESS_COMMON_FIRST", _defamation),
        ("PLAIN_ALLEGATIONS", _defamation),
        ("ALLEGATION_FRAMES", _defamation),
    ],
)
def test_a_switch_set_on_checks_is_set_where_it_is_read(
    name: str, home: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = getattr(checks, name)
    monkeypatch.setattr(checks, name, "switched")
    assert getattr(home, name) == "switched" == getattr(checks, name)
    monkeypatch.undo()
    assert getattr(home, name) == before == getattr(checks, name)


def test_a_plain_assignment_on_checks_changes_the_pieces() -> None:
    """As scripts/runon_report_s9.py does: ``checks.RUN_ON_WINDOW_WORDS = ...``."""
    text = "We met, " * 12 + "and Muslims moved here, " + "and the weather stayed mild, " * 4
    assert checks.run_on_windows(text, [(0, len(text))])
    saved = checks.RUN_ON_WINDOW_WORDS
    try:
        checks.RUN_ON_WINDOW_WORDS = 10_000
        assert checks.run_on_windows(text, [(0, len(text))]) == []
    finally:
        checks.RUN_ON_WINDOW_WORDS = saved
    assert checks.run_on_windows(text, [(0, len(text))])


def test_a_patched_candidate_sentences_is_the_one_the_checks_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Perspective test patches ``checks.candidate_sentences`` to prove it is not called:
    the engine's ``prepare`` and the heads' own lookup must both call the patched one."""
    asked: list[str] = []

    def counted(text: str) -> list[tuple[int, int]]:
        asked.append(text)
        return []

    monkeypatch.setattr(checks, "candidate_sentences", counted)
    assert _engine.candidate_sentences is counted is _toxicity.candidate_sentences
    moderator = Moderator(load_policy())
    moderator.prepare([CommentInput("c1", GROUP_TEXT, "Ana Silva")])
    assert asked == [GROUP_TEXT]
    vector = np.zeros(checks.DIM, np.float32)
    checks.check_racism(Features(CommentInput("c2", GROUP_TEXT, ""), vector, None))
    assert asked == [GROUP_TEXT, GROUP_TEXT]
