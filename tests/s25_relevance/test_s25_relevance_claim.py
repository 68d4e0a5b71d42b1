"""The policy's held rates of the irrelevant clause say which thread they were measured on.

Found (session 25): the policy said "about 4-6% of a non-evaluation article's own comments are
held" at the hold threshold, while the benchmark (each Fox News comment on its own article,
after up to 50 of the article's comments) held 32 of 200 (16%) as irrelevant. Both are true,
of different threads: the 4-6% was measured as the calibration and ``moderate evaluate`` judge,
against every other comment of the article (50-207 on Fox News), the service judges against
its latest ``THREAD_SIZE`` (50) published comments, and the thread similarity (mean of the top
3) falls with the thread's length. Now the policy gives the rates per thread, and this test
recomputes them (``scripts/relevance_thread_report_s25.py``, non-evaluation rows only).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

from mutewatch.moderate import datasets as ds
from mutewatch.moderate.service import THREAD_SIZE

ROOT = Path(__file__).resolve().parents[2]
POLICY = Path(ds.__file__).with_name("default_policy.yaml")
_ROW = re.compile(
    r"^#\s+(whole|latest (\d+)|none)\b[^\n]*?"
    r"([\d.]+)% / ([\d.]+)%\s+([\d.]+)% / ([\d.]+)%\s*$",
    re.MULTILINE,
)
_THREAD_OF = {"whole": "whole", f"latest {THREAD_SIZE}": "service", "latest 10": "young",
              "none": "none"}  # fmt: skip

pytestmark = pytest.mark.slow


def _script() -> Any:
    path = ROOT / "scripts" / "relevance_thread_report_s25.py"
    spec = importlib.util.spec_from_file_location("relevance_thread_report_s25", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stated() -> dict[str, tuple[float, ...]]:
    """The policy's table: thread -> Fox News own, other, SFU own, other (percent)."""
    rows = _ROW.findall(POLICY.read_text(encoding="utf-8"))
    return {label: tuple(float(x) for x in figures) for label, _, *figures in rows}


@pytest.fixture(scope="module")
def measured() -> dict[str, Any]:
    data = ds.default_data_dir()
    if not (data / "moderation" / "fox_news_comments.json").exists():
        pytest.skip(f"research data not found at {data} (see ../shared/data/README.md)")
    report: dict[str, Any] = _script().report(data)
    return report


def test_policy_states_the_rates_of_the_service_thread_and_of_the_calibration() -> None:
    stated = _stated()
    assert set(stated) == set(_THREAD_OF), stated  # the service's thread among them


def test_stated_rates_are_what_the_report_measures(measured: dict[str, Any]) -> None:
    for label, figures in _stated().items():
        thread = _THREAD_OF[label]
        fox, sfu = measured["fox_news"][thread], measured["sfu"][thread]
        got = [fox["own_held"], fox["other_held"], sfu["own_held"], sfu["other_held"]]
        for stated, rate in zip(figures, got, strict=True):
            assert abs(stated - 100 * rate) <= 1.0, (label, figures, got)


def test_a_new_article_holds_no_more_own_comments_than_the_service_thread(
    measured: dict[str, Any],
) -> None:
    """checks-11: a shorter thread has its own intercept (scripts/fit_relevance_bands.py);
    before, a new article held 61% of Fox News's own comments, the service's thread 16%."""
    for corpus in ("fox_news", "sfu"):
        rates = measured[corpus]
        assert rates["none"]["own_held"] <= rates["service"]["own_held"] + 0.01, corpus
        assert rates["whole"]["own_held"] <= rates["service"]["own_held"], corpus
        assert rates["none"]["other_held"] < rates["service"]["other_held"], corpus  # the price
    assert measured["fox_news"]["service"]["own_held"] > 0.1  # the benchmark's 16%, not 4-6%
