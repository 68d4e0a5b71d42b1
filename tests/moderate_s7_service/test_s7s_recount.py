"""``mutewatch moderate recount`` rebuilds the author counts, the fired clauses and the
audit head in one transaction, says what changed, and turns the queue's counts back on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from s7s_helpers import con_of, old_release_approve, open_service, post, records

from mutewatch.cli import main
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import ModerationService, counts_current


def recount(path: Path, *extra: str) -> Any:
    result = CliRunner().invoke(main, ["--store", str(path), "moderate", "recount", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if "--json" in extra else result.output


@pytest.fixture()
def stale(tmp_path: Path, moderator: Moderator) -> tuple[Path, list[str]]:
    """A store where an older release approved one of Ana's two held comments, and the
    fired clause rows of Bo's rejected comment are missing; closed."""
    from service_more_helpers import ARTICLE

    path = tmp_path / "store.duckdb"
    svc = open_service(path, moderator)
    try:
        svc.add_article(ARTICLE, actor="tester")
        ids = [post(svc, "hold", "Ana Silva", "ana@example.org") for _ in range(2)]
        ids.append(post(svc, "reject", "Bo Chen"))
        old_release_approve(con_of(svc), ids[0], 6)
        fired = con_of(svc).execute("DELETE FROM mod_fired WHERE comment_id = ?", [ids[2]])
        ids.append(str(fired.fetchone()[0]))  # type: ignore[index]
    finally:
        svc.close()
    return path, ids


def test_recount_rebuilds_and_says_what_changed(
    stale: tuple[Path, list[str]], moderator: Moderator
) -> None:
    path, ids = stale
    got = recount(path, "--json")
    assert got["counts_were_complete"] is False and got["changed"] is True
    assert got["comments"] == 3
    counts = got["author_counts"]
    assert counts["authors_changed"] == 2  # Ana by name and by e-mail
    assert counts["by_status"]["held"] == {"before": 2, "after": 1}
    assert counts["by_status"]["published (moderator)"] == {"before": 0, "after": 1}
    lost = int(ids[3])
    assert lost >= 1 and got["fired"]["added"] == lost and got["fired"]["removed"] == 0
    assert got["audit_head"]["moved"] is False
    svc = open_service(path, moderator)
    try:
        assert counts_current(con_of(svc))
        assert records(svc)[ids[1]]["published"] == 1
        fired = con_of(svc).execute("SELECT count(*) FROM mod_fired WHERE comment_id = ?", [ids[2]])
        assert fired.fetchone() == (lost,)
    finally:
        svc.close()
    again = recount(path, "--json")
    assert again["changed"] is False and again["counts_were_complete"] is True


def test_recount_compacts_the_rows_each_write_appended(service: ModerationService) -> None:
    held = post(service, "hold", "Ana Silva")
    service.act(held, {"action": "approve", "note": "fine"}, "mod1")
    got = service.recount()
    assert got["author_counts"]["rows_before"] == 3  # +1 held, then -1 held and +1 published
    assert got["author_counts"]["rows_after"] == 1
    assert got["changed"] is False and got["counts_were_complete"] is True


def test_recount_moves_a_head_an_older_release_left_behind(service: ModerationService) -> None:
    held = post(service, "hold", "Ana Silva")
    old_release_approve(con_of(service), held, 5)  # appends without moving the head
    got = service.recount()
    assert got["audit_head"]["moved"] is True
    assert got["audit_head"]["after"] == got["audit_head"]["before"] + 1
    assert counts_current(con_of(service))


def test_the_text_output_names_the_changes(stale: tuple[Path, list[str]]) -> None:
    path, _ = stale
    text = recount(path)
    assert "were not complete" in text and "held 2 -> 1" in text
    assert "were not complete" in text and " added, 0 removed" in text
    assert "nothing changed" in recount(path)


def test_the_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["moderate", "recount", "--help"])
    assert result.exit_code == 0
    assert "Example: mutewatch moderate recount" in result.output
