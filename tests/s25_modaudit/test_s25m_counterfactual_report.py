"""scripts/identity_counterfactual_report_s25.py: the counterfactual it scores (issue 5, tried
in session 25 and not shipped; the figures are in its docstring)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "identity_counterfactual_report_s25.py"


@pytest.fixture(scope="module")
def report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("identity_counterfactual_report_s25", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Muslims are welcome here.", "people are welcome here."),
        ("My neighbour is Mexican and she is lovely.", "My neighbour is local and she is lovely."),
        ("Jews and Christians met.", "people and people met."),
    ],
)
def test_group_words_become_neutral_words(report: ModuleType, text: str, expected: str) -> None:
    assert report.counterfactual(text) == expected


@pytest.mark.parametrize("text", ["The weather is fine.", "Negroes", "Gypsies and Muslims"])
def test_no_counterfactual_without_a_neutral_group_word(report: ModuleType, text: str) -> None:
    assert report.counterfactual(text) is None


def test_the_docstring_says_no_variant_passed(report: ModuleType) -> None:
    doc = report.__doc__ or ""
    assert "No variant passes" in doc
    for level in report.LEVELS:
        assert f"    {level}  " in doc
