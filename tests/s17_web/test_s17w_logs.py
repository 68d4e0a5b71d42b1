"""What the security review of session 17 found in what a real `mutewatch serve` and
`mutewatch audit` write down, each fixed:

- ``mutewatch audit`` printed the names typed into the login form as they came: a newline
  in one printed a forged entry, an escape sequence reached the admin's terminal;
- the access log hid ``?key=TOKEN`` but not the same key percent-encoded (``?%6Bey=``),
  which the Perspective routes read as ``key``, nor a token under any other name.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
from s17w_review import Reviewed
from webfactory import login_csrf

pytestmark = pytest.mark.server


def test_the_audit_command_prints_each_entry_on_one_line_of_plain_text(
    reviewed: Reviewed,
) -> None:
    typed = "s17w\nforged admin1 line\x1b]0;owned\x07\u202eend"
    with reviewed.client(8) as client:
        page = client.get("/login")
        posted = {"name": typed, "token": "mw_wrong", "csrf": login_csrf(page.text)}
        assert client.post("/login", data=posted).status_code == 401

    def done(entries: list[dict[str, Any]]) -> bool:
        return any(e["actor"] == typed for e in entries)

    total = len(reviewed.audit(9, done))
    shown = subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(reviewed.server.env.path), "audit",
         "--limit", "5000", "--wait", "120"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "TZ": "UTC"},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) >= total + 2  # each entry one line (more may have come meanwhile)
    assert not [c for c in shown.stdout if not c.isprintable() and c != "\n"]
    mine = [line for line in lines if "login.failed FAILED actor=s17w" in line]
    assert mine == [mine[0]] and mine[0].endswith(
        r"actor=s17w\nforged admin1 line\x1b]0;owned\x07\u202eend target=None"
    )
    assert not [line for line in lines if line.startswith("forged")]


def test_the_access_log_hides_a_token_however_the_query_names_it(reviewed: Reviewed) -> None:
    token = reviewed.token("viewer")
    bearer = {"Authorization": f"Bearer {token}"}
    with reviewed.client(10) as client:
        for query in (f"%6Bey={token}", f"KEY={token}", f"access_token={token}",
                      f"a=1&k%65y={token}&b=2", "key=s17w-short&outlet=s17w-plain"):  # fmt: skip
            answered = client.get(f"/api/v1/status?{query}", headers=bearer)
            assert answered.status_code == 400  # none of them is a parameter of the route
    deadline = time.monotonic() + 30
    while "s17w-plain" not in reviewed.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    lines = [line for line in reviewed.log.read_text().splitlines() if "/api/v1/status?" in line]
    assert len(lines) >= 5, lines
    assert not [line for line in lines if token in line]
    assert "?%6Bey=(hidden) " in "\n".join(lines)
    assert "?a=1&k%65y=(hidden)&b=2 " in "\n".join(lines)
    assert "?key=(hidden)&outlet=s17w-plain " in "\n".join(lines)
