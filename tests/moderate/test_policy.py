"""The policy file: clauses, validation, thresholds and versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutewatch.errors import InputError
from mutewatch.moderate.policy import (
    CLAUSES,
    DEFAULT_POLICY_FILE,
    Clause,
    load_policy,
    parse_policy,
)


def test_default_policy_has_every_clause_of_the_terms() -> None:
    policy = load_policy()
    assert [c.clause for c in policy.clauses] == list(CLAUSES)
    assert all(c.reason and c.action in ("reject", "hold") for c in policy.clauses)
    defamatory = next(c for c in policy.clauses if c.clause == "defamatory")
    assert defamatory.action == "hold"  # a machine cannot judge truth
    assert policy.version.startswith("2026-12-02.1+")


def test_version_changes_with_content() -> None:
    text = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")
    a = parse_policy(text)
    b = parse_policy(text.replace("threshold: 0.9\n", "threshold: 0.91\n", 1))
    assert a.version != b.version
    assert parse_policy(text).version == a.version


def test_outcome_bands() -> None:
    clause = Clause("racist", "racism", 0.8, "reject", "r", hold_threshold=0.6)
    assert clause.outcome(0.5) == (False, 0.6, "publish")  # the threshold it would fire at
    assert clause.outcome(0.6) == (True, 0.6, "hold")
    assert clause.outcome(0.8) == (True, 0.8, "reject")
    plain = Clause("racist", "racism", 0.8, "reject", "r")
    assert plain.outcome(0.5) == (False, 0.8, "publish")
    for score in (0.0, 0.59, 0.6, 0.79, 0.8, 1.0):
        fired, threshold, _ = clause.outcome(score)
        assert fired == (score >= threshold)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("clauses: []\nfoo: [", "not YAML"),
        ("name: x\n", "clauses"),
        ("clauses:\n- {clause: rude, check: racism, threshold: 0.5, action: reject, reason: r}",
         "clause must be one of"),
        ("clauses:\n- {clause: racist, check: nope, threshold: 0.5, action: reject, reason: r}",
         "unknown check"),
        ("clauses:\n- {clause: racist, check: racism, threshold: 2, action: reject, reason: r}",
         "threshold must be a number in 0..1"),
        ("clauses:\n- {clause: racist, check: racism, threshold: 0.5, action: ban, reason: r}",
         "action must be one of"),
        ("clauses:\n- {clause: racist, check: racism, threshold: 0.5, action: hold, reason: ''}",
         "reason"),
    ],
)  # fmt: skip
def test_invalid_policies_name_the_problem(bad: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_policy(bad, "test.yaml")


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the policy file"):
        load_policy(tmp_path / "absent.yaml")
