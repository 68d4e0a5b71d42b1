"""scripts/sentiment_guard_report_s25.py: the positive-sentiment guard it measures (issue 5,
tried in session 25 and not shipped; the figures are in its docstring). vaderSentiment is no
project dependency, so these tests skip without it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "sentiment_guard_report_s25.py"


@pytest.fixture(scope="module")
def report() -> ModuleType:
    pytest.importorskip("vaderSentiment")
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("sentiment_guard_report_s25", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_issue_examples_are_guarded_only_at_the_lowest_level(report: ModuleType) -> None:
    for text in report.ISSUE_EXAMPLES:
        assert report.guarded(text, 0.3), text
    assert not report.guarded("Muslims are welcome here.", 0.5)


@pytest.mark.parametrize(
    "text",
    [
        "The author makes a good point about the tram budget.",  # no group
        "Muslims are welcome here. The tram was late and awful.",  # a negative sentence
    ],
)
def test_no_guard_without_a_group_or_with_a_negative_sentence(
    report: ModuleType, text: str
) -> None:
    assert not report.guarded(text, 0.3)


def test_a_lexicon_finding_blocks_the_guard(
    report: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "sentiment", lambda text: (1.0, 1.0))
    assert report.guarded("Muslims are welcome here.", 0.3)
    assert not report.guarded("All Muslims are terrorists.", 0.3)


def test_the_docstring_says_no_variant_passed(report: ModuleType) -> None:
    doc = report.__doc__ or ""
    assert "No variant passes" in doc
    for level in report.LEVELS:
        assert f"    {level}    " in doc
