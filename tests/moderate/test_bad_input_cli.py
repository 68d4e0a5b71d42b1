"""`mutewatch moderate check` with bad lines among good ones: each bad line is refused with
its line number and reason, every good line is still decided, and the counts add up."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from mutewatch.cli import main
from mutewatch.errors import InputError
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.policy import DEFAULT_POLICY_FILE

GOOD = {"author_name": "Ana Silva", "text": "A fair point about the council budget."}
SURROGATE = '{"id": "s", "author_name": "Ana Silva", "text": "lone \\ud800 surrogate"}'
SURROGATE_NAME = '{"id": "n", "author_name": "Ana \\udfff Silva", "text": "A fair point."}'


def _policy(path: Path, keep: set[str], limits: dict[str, int] | None = None) -> Path:
    """The shipped policy with only the ``keep`` clauses (and other limits, if given)."""
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    doc["clauses"] = [c for c in doc["clauses"] if c["clause"] in keep]
    doc["limits"] = limits or doc["limits"]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The text clauses, with small limits (so the long lines stay cheap)."""
    folder = tmp_path_factory.mktemp("policy")
    keep = {"defamatory", "racist", "personal", "irrelevant"}
    return _policy(folder / "small.yaml", keep, {"max_text_chars": 300, "max_name_chars": 40})


def _good(ident: str) -> str:
    return json.dumps({"id": ident, **GOOD})


def _run(tmp_path: Path, policy: Path, lines: list[str], *extra: str) -> Result:
    stdin = ("\n".join(lines) + "\n").encode("utf-8")
    args = ["--store", str(tmp_path / "none.duckdb"), "moderate", "check", "--policy"]
    return CliRunner().invoke(main, [*args, str(policy), *extra], input=stdin)


def _refused(result: Result) -> dict[int, str]:
    """{line number: reason} from the stderr lines ``Error: <stdin> line N: reason``."""
    found = re.findall(r"^Error: <stdin> line (\d+): (.*)$", result.stderr, re.MULTILINE)
    return {int(n): reason for n, reason in found}


def test_bad_lines_are_refused_and_good_lines_decided(tmp_path: Path, policy_file: Path) -> None:
    lines = [
        _good("g1"),
        SURROGATE,
        "{not json",
        json.dumps({"id": "m", "author_name": "Ana Silva"}),
        json.dumps({"id": "long", "author_name": "Ana Silva", "text": "word " * 100}),
        json.dumps({"id": "name", "author_name": "A" * 41, "text": "A fair point."}),
        SURROGATE_NAME,
        json.dumps({"author_name": "Ana Silva", "text": "No id."}),
        json.dumps({"id": "t", "author_name": "Ana Silva", "text": ["a", "list"]}),
        "",
        _good("g2"),
    ]
    result = _run(tmp_path, policy_file, lines)
    assert result.exit_code == InputError.exit_code == 3, result.output
    assert "Traceback" not in result.output
    decided = [json.loads(x) for x in result.stdout.splitlines()]
    assert [d["id"] for d in decided] == ["g1", "g2"]
    assert all(d["decision"] in ("publish", "hold", "reject") for d in decided)
    refused = _refused(result)
    assert sorted(refused) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "`text`" in refused[2] and "lone surrogate (\\ud800)" in refused[2]
    assert refused[3].startswith("not JSON")
    assert "no `text` field" in refused[4]
    assert "`text` has 500 characters; the limit is 300" in refused[5]
    assert "`author_name` has 41 characters; the limit is 40" in refused[6]
    assert "`author_name`" in refused[7] and "surrogate" in refused[7]
    assert "`id`" in refused[8]
    assert "`text` must be a string" in refused[9]
    last = result.stderr.strip().splitlines()[-1]
    assert "read 10 line(s): 2 decided, 8 refused (1 blank line(s) skipped)" in last


def test_default_limits_apply(tmp_path: Path) -> None:
    """The shipped policy's limit (10,000 characters) refuses a 25,000-character comment, as
    the service does."""
    policy = _policy(tmp_path / "default_limits.yaml", {"defamatory"})
    long = json.dumps({"id": "big", "author_name": "Ana Silva", "text": "a" * 25_000})
    result = _run(tmp_path, policy, [long, _good("ok")])
    assert result.exit_code == 3
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["ok"]
    assert "has 25000 characters; the limit is 10000" in _refused(result)[1]


def test_more_than_a_batch_with_a_bad_line_in_it(tmp_path: Path, policy_file: Path) -> None:
    lines = [_good(f"g{i}") for i in range(300)]
    lines[10] = SURROGATE
    result = _run(tmp_path, policy_file, lines)
    assert result.exit_code == 3
    ids = [json.loads(x)["id"] for x in result.stdout.splitlines()]
    assert ids == [f"g{i}" for i in range(300) if i != 10]
    assert list(_refused(result)) == [11]
    assert "read 300 line(s): 299 decided, 1 refused" in result.stderr


def test_quarantine_file_keeps_refused_lines(tmp_path: Path, policy_file: Path) -> None:
    quarantine = tmp_path / "refused.jsonl"
    result = _run(
        tmp_path, policy_file, [_good("g1"), SURROGATE, "{oops"], "--quarantine", str(quarantine)
    )
    assert result.exit_code == 3
    rows = [json.loads(x) for x in quarantine.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rows] == [2, 3]
    assert rows[0]["raw"] == SURROGATE and rows[1]["raw"] == "{oops"
    assert "surrogate" in rows[0]["reason"] and rows[1]["reason"].startswith("not JSON")
    assert str(quarantine) in result.stderr


def test_all_good_exits_zero_with_counts(tmp_path: Path, policy_file: Path) -> None:
    result = _run(tmp_path, policy_file, [_good("g1"), _good("g2")])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    assert "read 2 line(s): 2 decided, 0 refused" in result.stderr


def test_a_line_the_checks_fail_on_is_refused_alone(
    tmp_path: Path, policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a check raise on one comment, the batch is decided line by line: only that line
    is refused."""
    real = Moderator.check

    def fragile(self: Moderator, comments: Any, topics: Any = None) -> Any:
        if any("BOOM" in c.text for c in comments):
            raise TypeError("simulated defect in a check")
        return real(self, comments, topics)

    monkeypatch.setattr(Moderator, "check", fragile)
    bomb = json.dumps({"id": "b", "author_name": "Ana Silva", "text": "BOOM goes the test."})
    result = _run(tmp_path, policy_file, [_good("g1"), bomb, _good("g3")])
    assert result.exit_code == 3
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["g1", "g3"]
    assert "TypeError: simulated defect" in _refused(result)[2]
    assert "read 3 line(s): 2 decided, 1 refused" in result.stderr
