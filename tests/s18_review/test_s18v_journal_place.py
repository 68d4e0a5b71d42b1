"""The journals are beside the store's own file, however the store is named: a server (or
`mutewatch audit`) given a symlink to the store, or a relative path, reads and writes the
journals that one given the file's absolute path does.

Before: ``STORE`` was the path as given, so a server started on a link journalled beside
the link; `mutewatch audit` (or a restart) on the file itself never saw what a killed
server had left there (entries unlisted, log-outs undone).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from webfactory import make_env

from mutewatch.web.auth import AuditJournal, audit_journal_path, revocation_journal_path


def _audit(store: str, cwd: Path) -> dict[str, object]:
    shown = subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", store, "audit", "--json",
         "--limit", "1000", "--wait", "120"],
        capture_output=True, text=True, timeout=300, cwd=cwd,
        env={**os.environ, "TZ": "UTC"},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    report: dict[str, object] = json.loads(shown.stdout)
    return report


def test_one_journal_by_link_relative_and_absolute_path(tmp_path: Path) -> None:
    real = tmp_path / "data" / "store.duckdb"
    real.parent.mkdir()
    link = tmp_path / "link.duckdb"
    link.symlink_to(real)
    for name in (audit_journal_path, revocation_journal_path):
        assert name(link) == name(real)
    assert audit_journal_path(Path(os.path.relpath(real))) == audit_journal_path(real)


def test_audit_on_the_file_lists_what_was_journalled_through_a_link(tmp_path: Path) -> None:
    env = make_env(tmp_path / "data")
    link = tmp_path / "link.duckdb"
    link.symlink_to(env.path)
    AuditJournal(audit_journal_path(link)).append(
        "login", actor="via-link", target=None, detail=None, ip="127.0.0.41", ok=True,
        at=datetime(2026, 1, 1, 12),
    )  # fmt: skip
    report = _audit(str(env.path), tmp_path)
    entries = report["entries"]
    assert isinstance(entries, list)
    assert [e["actor"] for e in entries if e["action"] == "login"] == ["via-link"]
    assert (
        not audit_journal_path(env.path).exists() or not audit_journal_path(env.path).stat().st_size
    )
    assert not (tmp_path / "link.duckdb.audit.jsonl").exists()
