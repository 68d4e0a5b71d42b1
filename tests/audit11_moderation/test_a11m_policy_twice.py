"""A policy file that gives a key twice is refused, naming the file, the key and both lines.

Found: YAML keeps the last of two equal keys silently, so a clause with two ``threshold:``
lines ran at the second, and a second ``clauses:`` list replaced the first whole (every
clause above it gone), while ``moderate check --policy`` exited 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mutewatch.errors import InputError
from mutewatch.moderate.policy import DEFAULT_POLICY_FILE, parse_policy

RACIST = "  - {clause: racist, check: racism, threshold: 0.9, action: reject, reason: r}\n"
TWICE = {
    "threshold": (
        "clauses:\n  - clause: racist\n    check: racism\n    threshold: 0.9\n"
        "    action: reject\n    reason: r\n    threshold: 0.1\n",
        "line 7: the key 'threshold' appears twice (first on line 4)",
    ),
    "clauses": (
        "clauses:\n" + RACIST + "clauses:\n  - {clause: dialect, check: dialect,"
        " threshold: 0.5, action: reject, reason: r}\n",
        "line 3: the key 'clauses' appears twice (first on line 1)",
    ),
}


@pytest.mark.parametrize("key", sorted(TWICE))
def test_a_key_given_twice_is_refused_with_its_lines(key: str) -> None:
    text, said = TWICE[key]
    with pytest.raises(InputError) as caught:
        parse_policy(text, "house.yaml")
    assert "the policy house.yaml is invalid" in str(caught.value)
    assert said in str(caught.value)


def test_check_refuses_the_file_and_decides_nothing(tmp_path: Path) -> None:
    policy = tmp_path / "house.yaml"
    policy.write_text(TWICE["threshold"][0], encoding="utf-8")
    line = b'{"id": "1", "author_name": "Ana Silva", "text": "A fair point."}\n'
    run = subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(tmp_path / "s.duckdb"),
         "moderate", "check", "--policy", str(policy)],
        input=line, capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 3, run.stderr
    assert run.stdout == b""
    assert str(policy).encode() in run.stderr and b"appears twice" in run.stderr


def test_shipped_policy_merge_keys_and_distinct_keys_still_load() -> None:
    assert parse_policy(DEFAULT_POLICY_FILE.read_text(encoding="utf-8")).version.startswith(
        "2026-12-02.1+"
    )
    anchored = (
        "clauses:\n  - &base {clause: racist, check: racism, threshold: 0.9, action: reject,"
        " reason: r}\n  - {<<: *base, clause: personal, check: personal_attack}\n"
    )
    assert [c.clause for c in parse_policy(anchored).clauses] == ["racist", "personal"]


CLAUSE = "clauses: [{clause: racist, check: racism, threshold: 0.9, action: reject, reason: r}]\n"


@pytest.mark.parametrize("label", ["version: [1, 2]", "name: {desk: news}", "version: true"])
def test_a_name_or_version_that_is_no_label_is_refused(label: str) -> None:
    """Found: ``version: [1, 2]`` gave decisions the policy version "[1, 2]+<hash>", and a
    mapping or true/false was taken as the name or version just as well."""
    key = label.split(":")[0]
    with pytest.raises(InputError, match=f"`{key}:` must be a non-empty text or number"):
        parse_policy(f"{label}\n{CLAUSE}", "house.yaml")


@pytest.mark.parametrize(
    ("label", "version"),
    [("version: 3", "3"), ("version: 2026-11-29", "2026-11-29"), ("version: '4.1'", "4.1"),
     ("name: desk", "unversioned")],
)  # fmt: skip
def test_texts_numbers_and_dates_are_labels_as_before(label: str, version: str) -> None:
    assert parse_policy(f"{label}\n{CLAUSE}").version.split("+")[0] == version
