"""Helpers of the session-17 moderation tests (a plain module, imported by path): a real
server (``live_server``), requests as a role (``Live.call``), a comment submitted and the
rows of the moderation tables a test compares, and ``moderate check`` run as a process."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

TESTS = Path(__file__).resolve().parents[1]
for _folder in ("moderate", "web"):
    if str(TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(TESTS / _folder))

from modhelpers import app_script, two_clause_policy, wait_until_serving  # noqa: E402
from webfactory import wait_for_port  # noqa: E402

from mutewatch.store import Store  # noqa: E402
from mutewatch.web.auth import add_user  # noqa: E402

SERVER = app_script("create_app(Path(sys.argv[1]))")
ARTICLE = {"id": "a1", "title": "Tram line", "body": "The council funds a new tram line."}
DEFAMATORY = "Councillor John Smith took bribes from the tram builders."  # held
ON_TOPIC = "Good to see the council fund the new tram line at last."  # published
USERS = {"mod": "moderator", "mod2": "moderator", "reader": "viewer"}
__all__ = ["ARTICLE", "DEFAMATORY", "ON_TOPIC", "Live", "check_run", "fresh_text", "live_server"]
_SENT = itertools.count(1)


def fresh_text(text: str) -> str:
    """``text`` and a number no other call gives: a new text for the service, which holds
    a copy of an earlier comment on the article of six words or more (session 21)."""
    return f"{text} ({next(_SENT)})"


@dataclass
class Live:
    """A running server: its address, its store file and each user's bearer token."""

    url: str
    store: Path
    tokens: dict[str, str]
    client: httpx.Client

    def call(self, method: str, path: str, user: str = "mod", **kw: Any) -> httpx.Response:
        """A request as ``user`` (one of ``USERS``)."""
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return self.client.request(method, path, headers=headers, **kw)

    def submit(self, text: str, **extra: Any) -> httpx.Response:
        """POST a comment on a1 by the reader."""
        comment = {"article_id": "a1", "author_name": "Ana Silva", "text": text, **extra}
        return self.call("POST", "/api/v1/comments", "reader", json=comment)

    def history(self, comment_id: str) -> dict[str, Any]:
        """The comment's revisions, decisions and audit entries (its history endpoint)."""
        r = self.call("GET", f"/api/v1/comments/{comment_id}/history")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def whole_log(self) -> list[dict[str, Any]]:
        """Every audit entry, newest first, and the chain verified whole."""
        verify = self.call("GET", "/api/v1/moderation/audit/verify")
        assert verify.status_code == 200 and verify.json()["intact"] is True, verify.text
        r = self.call("GET", "/api/v1/moderation/audit", params={"limit": 5000})
        assert r.status_code == 200, r.text
        return list(r.json()["items"])


@contextmanager
def live_server(base: Path) -> Iterator[Live]:
    """``create_app`` under uvicorn in a subprocess on a port it binds itself, serving a
    fresh store ``base/store.duckdb`` by the two-clause policy, with ``USERS`` and a1."""
    store = base / "store.duckdb"
    tokens = {}
    with Store.open(store) as s:
        for name, role in USERS.items():
            _, tokens[name] = add_user(s, name, role)
    policy = two_clause_policy(base / "policy.yaml")
    env = {**os.environ, "MUTEWATCH_MODERATION_POLICY": str(policy)}
    port_file = base / "server.port"
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(store), str(port_file)], env=env)
    try:
        port = wait_for_port(port_file, proc, 120)
        url = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {tokens['mod']}"}
        with httpx.Client(timeout=120, base_url=url, headers=headers) as client:
            wait_until_serving(client, proc)
            live = Live(url, store, tokens, client)
            r = live.call("POST", "/api/v1/articles", json=ARTICLE)
            assert r.status_code == 201, r.text
            yield live
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def check_run(
    stdin: bytes, tmp: Path, *options: str, store: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m mutewatch --store S moderate check --policy P OPTIONS`` over ``stdin`` by
    the two-clause policy (S: a path with no store unless given)."""
    policy = two_clause_policy(tmp / "policy.yaml")
    command = [sys.executable, "-m", "mutewatch", "--store", str(store or tmp / "none.duckdb"),
               "moderate", "check", "--policy", str(policy), *options]  # fmt: skip
    return subprocess.run(command, input=stdin, capture_output=True, timeout=600, check=False)
