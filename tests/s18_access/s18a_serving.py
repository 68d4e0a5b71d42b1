"""The real servers of session 18's access tests (``webfactory.running_server``: `mutewatch
serve` on 127.0.0.1 over a populated store with one user per role): ``limits``, one for the
folder, and servers of a test's own (``served_server``, ``started``); and what the tests do
with them: log in through the form from an address of their own in 127.0.0.0/8
(``login``), read the audit log as `mutewatch audit --json` prints it (``audit_command``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfactory import LiveServer, form_login_sync, make_env, running_server  # noqa: E402


@dataclass
class Served:
    """A live server and its log file."""

    server: LiveServer
    log: Path

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def store(self) -> Path:
        return self.server.env.path

    def token(self, role: str) -> str:
        return self.server.env.tokens[role]

    def client(self, address: str) -> httpx.Client:
        """A client of the server connecting from ``address`` (in 127.0.0.0/8)."""
        transport = httpx.HTTPTransport(local_address=address)
        return httpx.Client(base_url=self.url, transport=transport, timeout=120)

    def login(self, address: str, name: str, token: str) -> int:
        """The status of a form login (load the form, post it) from ``address``."""
        with self.client(address) as client:
            return form_login_sync(client, name, token).status_code


@pytest.fixture(scope="session")
def limits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server for the folder's tests of login limits and the access log."""
    with served_server(tmp_path_factory, "s18a-limits") as server:
        yield server


@contextmanager
def served_server(
    tmp_path_factory: pytest.TempPathFactory, name: str, *options: str
) -> Iterator[Served]:
    """A server on a store of its own, stopped on exit."""
    env = make_env(tmp_path_factory.mktemp(f"{name}-store"))
    with started(env, tmp_path_factory.mktemp(f"{name}-log"), *options) as served:
        yield served


@contextmanager
def started(env: Any, logdir: Path, *options: str) -> Iterator[Served]:
    """A server on ``env``'s store (again, after one was stopped), its log in ``logdir``."""
    with running_server(env, logdir, *options) as server:
        yield Served(server, logdir / "server.log")


def audit_command(store: Path) -> dict[str, Any]:
    """What `mutewatch audit --json` prints of the store (exit 0 asserted)."""
    shown = subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(store), "audit", "--json",
         "--limit", "100000", "--wait", "120"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "TZ": "UTC"},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    report: dict[str, Any] = json.loads(shown.stdout)
    return report
