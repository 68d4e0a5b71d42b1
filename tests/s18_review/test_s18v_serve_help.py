"""`mutewatch serve --help` says where the server's journals are (beside the store's file)
and that their directory must be writable: the README said so, the help did not."""

from __future__ import annotations

from click.testing import CliRunner

from mutewatch.cli import main


def test_serve_help_names_both_journals() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "STORE.audit.jsonl" in text and "STORE.revoked.jsonl" in text
    assert "beside the store's file" in text and "writable" in text
