"""Ids and names someone else wrote cannot turn a finding around or inject rich markup.

Before: an article id or a moderator name holding a right-to-left override (U+202E) was
copied into the ``moderate stats`` sentences as it was, so the rest of a sentence displayed
reversed; a line break in it started a line that looked like a finding; ``[bold]`` in a
moderator name was read as rich markup by the terminal tables. Now the sentences and
``period`` show such characters as ``<U+202E>``, the CLI escapes markup, and the JSON keeps
the ids and names exact in their own fields.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import ModerationService
from mutewatch.moderate.stats import moderation_stats
from mutewatch.store import Store

ARTICLE = "a1\u202e\u2066fdp.exe\nThe machine rejected none"
MODERATOR = "ana\u202e [bold]lead[/bold]"
HIDDEN = ("\u202e", "\u2066", "\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bidi") / "store.duckdb"
    policy = load_policy()
    keep = {"defamatory", "racist", "personal", "irrelevant"}
    policy = replace(policy, clauses=tuple(c for c in policy.clauses if c.clause in keep))
    svc = ModerationService.open(path, policy)
    try:
        svc.add_article(
            {"id": ARTICLE, "title": "Tram line", "body": "The council funds a tram line."},
            actor="editor",
        )
        text = "Councillor John Smith took bribes from the tram builders."
        out = svc.submit_comment({"article_id": ARTICLE, "author_name": "Ana Silva", "text": text})
        svc.act(str(out["id"]), {"action": "approve", "note": "fine"}, actor=MODERATOR)
    finally:
        svc.close()
    return path


def _stats(path: Path) -> dict[str, Any]:
    with Store.open(path, read_only=True) as opened:
        result: dict[str, Any] = moderation_stats(opened, article_id=ARTICLE)
    return result


def test_sentences_show_hidden_characters_as_code_points(store: Path) -> None:
    stats = _stats(store)
    for sentence in [stats["period"], *stats["findings"]]:
        assert not any(c in sentence for c in HIDDEN), sentence
    joined = " ".join(stats["findings"])
    assert "a1<U+202E><U+2066>fdp.exe<U+000A>The machine rejected none" in joined
    assert "ana<U+202E> [bold]lead[/bold] took 1 action" in joined


def test_json_keeps_ids_and_names_exact(store: Path) -> None:
    stats = _stats(store)
    assert stats["parameters"]["article_id"] == ARTICLE
    assert stats["moderators"][0]["moderator"] == MODERATOR


def test_shown_keeps_joiners_and_plain_text() -> None:
    from mutewatch.moderate.stats import shown

    assert shown("plain a1") == "plain a1"
    assert shown("\u0915\u094d\u200d\u0937 \U0001f469\u200d\U0001f4bb") == (
        "\u0915\u094d\u200d\u0937 \U0001f469\u200d\U0001f4bb"
    )
    assert shown("x\u200by\u00adz\u2028") == "x<U+200B>y<U+00AD>z<U+2028>"


def test_the_terminal_report_neither_reverses_nor_renders_markup(store: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--store", str(store), "moderate", "stats", "--article", ARTICLE])
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.output and "\u2066" not in result.output
    assert "[bold]lead[/bold]" in result.output.replace("\n", "")
    as_json = runner.invoke(
        main, ["--store", str(store), "moderate", "stats", "--article", ARTICLE, "--json"]
    )
    assert json.loads(as_json.output)["parameters"]["article_id"] == ARTICLE
