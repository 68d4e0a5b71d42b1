"""The same article posted again (a CMS posts it on each publish) wrote the row again and
audited an ``article_updated`` each time; now it writes and audits nothing (``updated``
false), and a real change is still written and audited."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner
from s12_api_helpers import Api

from mutewatch.cli import main

ARTICLE = {"id": "a1", "title": "Tram line", "body": "The council voted to fund a tram line."}


def _article_audit(api: Api) -> list[str]:
    answer = api("GET", "/api/v1/moderation/audit?limit=100", "moderator").json()
    return [e["action"] for e in answer["items"] if e["action"].startswith("article_")]


def test_the_same_article_again_writes_and_audits_nothing(api: Api) -> None:
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    again = api("POST", "/api/v1/articles", "moderator", json=ARTICLE)
    assert again.status_code == 200, again.text
    assert again.json() == {"id": "a1", "title": "Tram line", "created": False, "updated": False}
    assert _article_audit(api) == ["article_added"]


def test_a_changed_body_is_still_written_and_audited(api: Api) -> None:
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    changed = {**ARTICLE, "body": "The council voted to fund two tram lines."}
    again = api("POST", "/api/v1/articles", "moderator", json=changed)
    assert again.json()["updated"] is True
    assert _article_audit(api) == ["article_updated", "article_added"]


def test_the_cli_says_an_article_added_again_is_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    body = tmp_path / "body.txt"
    body.write_text(ARTICLE["body"], encoding="utf-8")
    args = ["--store", str(store), "moderate", "articles", "add", "--id", "a1",
            "--title", ARTICLE["title"], "--body-file", str(body)]  # fmt: skip
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and "added article a1" in first.output, first.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert f"article a1 in {store} is unchanged (nothing written)" in again.output


def test_an_update_says_in_the_audit_log_what_the_article_was(api: Api) -> None:
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    changed = {**ARTICLE, "title": "Tram line, revised", "body": "The council voted again."}
    assert api("POST", "/api/v1/articles", "moderator", json=changed).status_code == 200
    answer = api("GET", "/api/v1/moderation/audit?action=article_updated", "moderator").json()
    old_digest = hashlib.sha256(ARTICLE["body"].encode()).hexdigest()[:16]
    assert [e["note"] for e in answer["items"]] == [
        f"title was 'Tram line'; body changed (38 -> 24 characters; the old body's sha256"
        f" {old_digest}...)"
    ]
