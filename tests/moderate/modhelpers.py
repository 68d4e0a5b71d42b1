"""Helpers more than one moderation test folder repeated, defined once (imported as a plain
module: another folder's conftest puts tests/moderate on ``sys.path``, as the web folders
do for tests/web/webfactory.py).

Light on purpose: no models and no pytest marks are built at import (``moderate_helpers``
probes the language and name modules when imported).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import httpx
import yaml

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.policy import DEFAULT_POLICY_FILE, Policy
from mutewatch.moderate.service import DirectAccess, ModerationService
from mutewatch.store import Store
from mutewatch.web.auth import add_user

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from webfactory import wait_for_port  # noqa: E402

__all__ = [
    "app_script",
    "ROLES",
    "auth",
    "direct_service",
    "role_tokens",
    "Served",
    "start_server",
    "two_clause_policy",
    "wait_until_serving",
]

ROLES = ("viewer", "analyst", "moderator", "admin")


def role_tokens(path: Path) -> dict[str, str]:
    """Add one user per role (``viewer1`` ... ``admin1``) to the store file ``path``; the
    bearer token of each role."""
    tokens = {}
    with Store.open(path) as store:
        for role in ROLES:
            _, tokens[role] = add_user(store, f"{role}1", role)
    return tokens


def auth(env: tuple[Path, dict[str, str]], role: str) -> dict[str, str]:
    """The header of ``role``'s bearer token (``env`` is a store path and its tokens)."""
    return {"Authorization": f"Bearer {env[1][role]}"}


def direct_service(
    path: Path, policy: Policy, moderator: Moderator, article: dict[str, Any]
) -> ModerationService:
    """A service on a direct connection to the store file ``path``, holding ``article``."""
    con = duckdb.connect(str(path))
    svc = ModerationService(DirectAccess(con), policy, moderator)
    svc.add_article(article, actor="tester")
    return svc


def two_clause_policy(path: Path) -> Path:
    """Write the default policy with only its defamatory and irrelevant clauses to ``path``
    (for ``MUTEWATCH_MODERATION_POLICY``: a served app loads no language or name model)."""
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    doc["clauses"] = [c for c in doc["clauses"] if c["clause"] in ("defamatory", "irrelevant")]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def app_script(app: str) -> str:
    """A ``start_server`` script serving ``app`` (a Python expression over ``create_app``
    and ``Path``; the store path is ``sys.argv[1]``) on a port it binds itself (port 0),
    written to the file ``sys.argv[2]`` once the socket listens: no port is picked here and
    handed over, which another socket could take in between (as ``mutewatch serve
    --port-file`` does, webfactory.serve_command)."""
    return f"""
import os, socket, sys, uvicorn
from pathlib import Path
from mutewatch.web.app import create_app
app = {app}
sock = socket.create_server(("127.0.0.1", 0))  # as webfactory.serving binds
Path(sys.argv[2] + ".tmp").write_text(str(sock.getsockname()[1]), encoding="utf-8")
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
"""


class Served(NamedTuple):
    """A server process started by ``start_server``: its store file, address and the bearer
    token of its moderator ``mod``."""

    proc: subprocess.Popen[bytes]
    store: Path
    url: str
    token: str


def start_server(base: Path, code: str) -> Served:
    """Run ``code`` (an ``app_script``) on a fresh store ``base/store.duckdb`` with a
    moderator ``mod``, under ``two_clause_policy``, once its socket listens; the app may
    still be starting (``wait_until_serving``)."""
    store = base / "store.duckdb"
    with Store.open(store) as s:
        _, token = add_user(s, "mod", "moderator")
    policy = two_clause_policy(base / "policy.yaml")
    port_file = base / "server.port"
    env = {**os.environ, "MUTEWATCH_MODERATION_POLICY": str(policy)}
    proc = subprocess.Popen([sys.executable, "-c", code, str(store), str(port_file)], env=env)
    try:
        port = wait_for_port(port_file, proc, 120)
    except AssertionError:
        proc.kill()
        raise
    return Served(proc, store, f"http://127.0.0.1:{port}", token)


def wait_until_serving(
    client: httpx.Client, proc: subprocess.Popen[Any], seconds: float = 120
) -> None:
    """Poll the moderation queue through ``client`` until it answers 200; fail if the server
    process ``proc`` exits or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if client.get("/api/v1/moderation/queue").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)
