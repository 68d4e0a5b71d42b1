"""The server of the security review of session 17 (``conftest.reviewed``): a real
`mutewatch serve` on 127.0.0.1 (``webfactory.running_server``) over a populated store with
one user per role, a user whose name is not ASCII (``josé``) and a disabled admin
(``gone1``, its token revoked). Its log file is kept: a test reads what the server wrote.

Clients bind to addresses of their own in 127.0.0.0/8 (``client(n)``): the server limits
bad tokens and failed logins per address, and each probe starts with a clean count.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfactory import LiveServer, make_env, running_server  # noqa: E402

from mutewatch.store import Store  # noqa: E402
from mutewatch.web.auth import add_user, disable_user  # noqa: E402

NON_ASCII = "josé"


@dataclass
class Reviewed:
    """The live server, its log file, and the tokens of ``josé`` and the disabled ``gone1``."""

    server: LiveServer
    log: Path
    non_ascii_token: str
    revoked_token: str

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, n: int, **options: object) -> httpx.Client:
        """A client of the server connecting from 127.0.17.``n`` (its own address)."""
        transport = httpx.HTTPTransport(local_address=f"127.0.17.{n}")
        return httpx.Client(base_url=self.url, transport=transport, timeout=120, **options)  # type: ignore[arg-type]

    def token(self, role: str) -> str:
        return self.server.env.tokens[role]

    def audit(
        self, n: int, found: Callable[[list[dict[str, Any]]], bool], seconds: float = 30
    ) -> list[dict[str, Any]]:
        """The audit log's entries (``GET /api/v1/audit`` as admin1, from 127.0.17.``n``)
        once ``found(entries)`` holds, or after ``seconds``: the server writes them in its
        writer thread and reads them from its next snapshot."""
        deadline = time.monotonic() + seconds
        bearer = {"Authorization": f"Bearer {self.token('admin')}"}
        with self.client(n) as admin:
            while True:
                answer = admin.get("/api/v1/audit", params={"limit": 5000}, headers=bearer)
                assert answer.status_code == 200, answer.text
                entries: list[dict[str, Any]] = answer.json()["entries"]
                if found(entries) or time.monotonic() > deadline:
                    return entries
                time.sleep(0.3)


@contextmanager
def reviewed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reviewed]:
    """The server (see the module doc), stopped on exit."""
    env = make_env(tmp_path_factory.mktemp("s17w-store"))
    with Store.open(env.path) as store:
        _, non_ascii = add_user(store, NON_ASCII, "viewer")
        _, revoked = add_user(store, "gone1", "admin")
        disable_user(store, "gone1")
    logdir = tmp_path_factory.mktemp("s17w-log")
    with running_server(env, logdir) as server:
        yield Reviewed(server, logdir / "server.log", non_ascii, revoked)
