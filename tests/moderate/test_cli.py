"""`mutewatch moderate` commands through click's runner, on real store files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.moderate.policy import DEFAULT_POLICY_FILE


@pytest.fixture(scope="module")
def text_policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default policy without the language and name clauses (they land separately)."""
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    doc["clauses"] = [
        c
        for c in doc["clauses"]
        if c["clause"] in ("defamatory", "racist", "personal", "irrelevant")
    ]
    path = tmp_path_factory.mktemp("policy") / "text.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_articles_add_then_check_jsonl(tmp_path: Path, text_policy_file: Path) -> None:
    store = tmp_path / "s.duckdb"
    body = tmp_path / "body.txt"
    body.write_text("The council voted to fund a tram line to the hospital.", encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(
        main,
        ["--store", str(store), "moderate", "articles", "add", "--id", "a1", "--title",
         "Tram line approved", "--body-file", str(body)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "added article a1" in r.output
    lines = [
        {"id": "1", "article_id": "a1", "author_name": "Ana Silva", "text": "Good tram plan."},
        {"id": "2", "author_name": "Ana Silva", "text": "Mayor John Smith is a crook."},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    r = runner.invoke(
        main, ["--store", str(store), "moderate", "check", "--policy", str(text_policy_file)],
        input=stdin,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["1", "2"]
    assert all(set(o) == {"id", "decision", "clauses", "reason"} for o in out)
    assert out[0]["decision"] == "publish"
    assert out[1]["decision"] == "hold"
    rel = next(c for c in out[0]["clauses"] if c["clause"] == "irrelevant")
    assert rel["evidence"]["article_id"] == "a1"


def test_check_reports_bad_lines(tmp_path: Path, text_policy_file: Path) -> None:
    stdin = b'{"id": "1", "author_name": "A B", "text": "fine"}\n{oops\n' + (
        b'{"id": "3", "author_name": "A B", "text": "caf\xe9"}\n'
        b'{"id": "4", "article_id": "a9", "author_name": "A B", "text": "x"}\n'
    )
    r = CliRunner().invoke(
        main,
        ["--store", str(tmp_path / "none.duckdb"), "moderate", "check", "--policy",
         str(text_policy_file), "--with-versions"],
        input=stdin,
    )  # fmt: skip
    assert r.exit_code == 3
    assert "line 2: not JSON" in r.stderr
    assert "line 3: not valid UTF-8" in r.stderr
    assert "line 4: a comment names article 'a9'" in r.stderr
    [out] = [json.loads(x) for x in r.stdout.splitlines()]
    assert out["id"] == "1" and "policy_version" in out and "model_versions" in out
