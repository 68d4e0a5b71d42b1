"""Why tests/web/test_web_server.py read the audit log too early (it failed twice under
load): a login is answered before its audit entry is written. ``AuthService.audit`` queues
the entry for the server's writer thread (``gateway.submit(..., persistent=True)``), which
writes it when it next holds the store: at once on an idle machine, later under load or
while another process holds the store. A reader of the audit log waits for the entry."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from webfactory import bearer, form_login_sync, make_env, running_server

from mutewatch.store import Store, when_free

pytestmark = pytest.mark.server


def _logins(url: str, headers: dict[str, str]) -> list[str]:
    answer = httpx.get(url + "/api/v1/audit", params={"limit": 200}, headers=headers, timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    return [e["actor"] for e in answer.json()["entries"] if e["action"] == "login"]


def test_a_login_is_answered_before_its_audit_entry_is_written(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    env = make_env(tmp_path_factory.mktemp("s17w2-late"))
    logdir = tmp_path_factory.mktemp("s17w2-late-log")
    admin = bearer(env, "admin")
    with running_server(env, logdir) as server:
        # another process (this one) holds the store: the server's writer cannot write
        holder = when_free(Path(env.path), lambda: Store.open(env.path), 60, 0.05)
        try:
            with httpx.Client(timeout=60, base_url=server.url) as client:
                assert form_login_sync(client, "analyst1", env.tokens["analyst"]).status_code == 303
            assert "analyst1" not in _logins(server.url, admin)  # answered, not yet written
        finally:
            holder.close()
        deadline = time.monotonic() + 60  # a poll: ends as soon as it is there
        while "analyst1" not in (actors := _logins(server.url, admin)):
            assert time.monotonic() < deadline, f"no login entry after 60 s: {actors}"
            time.sleep(0.1)
