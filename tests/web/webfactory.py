"""A small populated store (rows inserted directly) and users, for the web tests."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pytest

from mutewatch.store import Store
from mutewatch.web.auth import add_user

HOSTILE = (
    "Test item <script>window.__pwned = 1</script> and "
    '<img src=x onerror="window.__pwned = 2"> see https://example.org/page?a=1'
)
START = datetime(2024, 1, 1, 8, 0)
ROLES = ("viewer", "analyst", "moderator", "admin")


def populate(path: Path, *, days: int = 200) -> None:
    """Three official outlets, two supporter accounts, links, a source, a quarantined record.

    Outlet "Outlet A" posts every 12 h but is silent from day 120 to day 130
    (an unprecedented silence); supporters forward Outlet A's posts.
    """
    with Store.open(path) as store, store.transaction() as con:
        con.execute(
            "INSERT INTO sources (source_id, path, format, sha256, size_bytes, status, read, new,"
            " quarantined, first_time, last_time, started_at, finished_at) VALUES "
            "(nextval('source_ids'), '/data/export-a/result.json', 'telegram_json', 'abc', 100,"
            " 'done', 0, 0, 1, ?, ?, ?, ?)",
            [START, START + timedelta(days=days), START, START],
        )
        con.execute(
            "INSERT INTO quarantine VALUES (1, '/data/export-a/result.json', 7, 'bad date', '{}')"
        )
        outlets = [
            (1, "Outlet A", True, "north", True),
            (2, "Outlet B", True, "south", True),
            (3, "Outlet C", True, None, True),
            (4, "Supporter Channel One", False, None, False),
            (5, "Supporter Channel Two", False, None, False),
        ]
        con.executemany("INSERT INTO outlets VALUES (?, ?, ?, ?, ?)", outlets)
        accounts = [
            ("telegram", "1001", "Outlet A", 1),
            ("telegram", "1002", "Outlet B", 2),
            ("telegram", "1003", "Outlet C", 3),
            ("telegram", "2001", "Supporter Channel One", 4),
            ("telegram", "2002", "Supporter Channel Two", 5),
        ]
        for platform, account_id, name, outlet_id in accounts:
            con.execute(
                "INSERT INTO accounts VALUES (?, ?, ?, 'channel', ?, ?, ?)",
                [platform, account_id, name, START, START + timedelta(days=days), outlet_id],
            )
            con.execute(
                "INSERT INTO account_names VALUES (?, ?, ?, ?, ?)",
                [platform, account_id, name, START, START + timedelta(days=days)],
            )
        con.execute(
            "INSERT INTO account_names VALUES ('telegram', '2001', 'Old Supporter Name', ?, ?)",
            [START - timedelta(days=30), START],
        )
        posts: list[tuple[Any, ...]] = []
        links: list[tuple[Any, ...]] = []
        kinds = ["text", "photo", "video", "text", "document"]
        for outlet_id, account_id, every in ((1, "1001", 12), (2, "1002", 24), (3, "1003", 36)):
            for i in range(days * 24 // every):
                ts = START + timedelta(hours=every * i)
                if outlet_id == 1 and 120 <= (ts - START).days < 130:
                    continue
                mid = i + 1
                posts.append(("telegram", account_id, mid, ts, kinds[i % 5],
                              f"placeholder release {mid} of outlet {outlet_id}",
                              None, None, outlet_id, True))  # fmt: skip
                if i % 4 == 0:
                    host = ["t.me", "files.example.net", "video.example.com"][i % 3]
                    links.append(("telegram", account_id, mid, f"https://{host}/x{mid}", host,
                                  ["telegram", "file_host", "video"][i % 3], ts))  # fmt: skip
        for n, account_id in enumerate(("2001", "2002")):
            for i in range(days):
                ts = START + timedelta(days=i, hours=3 + n)
                text = f"placeholder forward {i}"
                posts.append(("telegram", account_id, i + 1, ts, "text",
                              text, "Outlet A", "1001", 4 + n, False))  # fmt: skip
        posts.append(("telegram", "2001", 10_000, START + timedelta(days=5, hours=1), "text",
                      HOSTILE, None, None, 4, False))  # fmt: skip
        cols = list(zip(*posts, strict=True))
        table = pa.table({
            "platform": cols[0], "account_id": cols[1], "message_id": cols[2], "ts": cols[3],
            "kind": cols[4], "text": cols[5], "forwarded_from": pa.array(cols[6], pa.string()),
            "forwarded_account_id": pa.array(cols[7], pa.string()), "outlet_id": cols[8],
            "official": cols[9],
        })  # fmt: skip
        con.register("new_posts", table)
        con.execute(
            "INSERT INTO posts (platform, account_id, message_id, ts, time_from_local, kind, text,"
            " forwarded_from, forwarded_account_id, source_id, outlet_id, official)"
            " SELECT platform, account_id, message_id, ts, FALSE, kind, text, forwarded_from,"
            " forwarded_account_id, 1, outlet_id, official FROM new_posts"
        )
        lcols = list(zip(*links, strict=True))
        ltable = pa.table({n: c for n, c in zip(
            ("platform", "account_id", "message_id", "url", "host", "host_class", "ts"),
            lcols, strict=True)})  # fmt: skip
        con.register("new_links", ltable)
        con.execute("INSERT INTO links SELECT * FROM new_links")
        con.execute(
            "INSERT INTO coverage VALUES (1, 'telegram', '1001', ?, ?, 1, 400, 400)",
            [START, START + timedelta(days=days)],
        )


@dataclass
class Env:
    """A populated store with one user per role."""

    path: Path
    tokens: dict[str, str]


def _build_env(base: Path) -> Env:
    path = base / "store.duckdb"
    populate(path)
    tokens = {}
    with Store.open(path) as store:
        for role in ROLES:
            _, tokens[role] = add_user(store, f"{role}1", role)
    return Env(path, tokens)


_PRISTINE: list[Env] = []  # the env built once per process, never opened again


def make_env(base: Path) -> Env:
    """``base / "store.duckdb"``: a populated store with one user per role (same tokens in
    every env of a process). Built once, then copied: each env is a file of its own, so its
    tests may write to it."""
    if not _PRISTINE:
        root = Path(tempfile.mkdtemp(prefix="mw-webenv-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _PRISTINE.append(_build_env(root))
    pristine = _PRISTINE[0]
    path = base / "store.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pristine.path, path)
    return Env(path, dict(pristine.tokens))


def asgi_client(
    app: Any, base_url: str = "http://testserver", *, timeout: float = 5.0, **transport: Any
) -> httpx.AsyncClient:
    """An in-process client of ``app`` (open it with ``async with``) with a cookie jar;
    ``transport``: ``httpx.ASGITransport``'s options (``client=(ip, port)``,
    ``raise_app_exceptions``)."""
    asgi = httpx.ASGITransport(app=app, **transport)
    return httpx.AsyncClient(transport=asgi, base_url=base_url, timeout=timeout)


def bearer(env: Env, role: str) -> dict[str, str]:
    """The Authorization header of the role's user."""
    return {"Authorization": f"Bearer {env.tokens[role]}"}


LOGIN_CSRF = re.compile(
    r'<form method="post" action="/login">[^<]*(?:<(?!/form)[^<]*)*?'
    r'name="csrf" value="([0-9a-f]+)"'
)


def login_csrf(page: str) -> str:
    """The login form's CSRF token (not the log-out form's), read as a browser would see it."""
    found = LOGIN_CSRF.search(page)
    assert found, "the login form carries no csrf field"
    return found.group(1)


async def form_login(
    client: httpx.AsyncClient, name: str, token: str, **fields: str
) -> httpx.Response:
    """Log in through the form as a browser does: load it (its cookie and token), post it."""
    form = await client.get("/login")
    data = {"name": name, "token": token, "csrf": login_csrf(form.text), **fields}
    return await client.post("/login", data=data)


def form_login_sync(client: httpx.Client, name: str, token: str, **fields: str) -> httpx.Response:
    """:func:`form_login` for a synchronous client (real-server tests)."""
    data = {"name": name, "token": token, "csrf": login_csrf(client.get("/login").text)}
    return client.post("/login", data={**data, **fields})


@dataclass
class LiveServer:
    """A real `mutewatch serve` on 127.0.0.1."""

    url: str
    env: Env
    process: subprocess.Popen[str]


def serve_command(store: Path, port_file: Path, *options: str) -> list[str]:
    """`python -m mutewatch --store STORE serve` on a port the system picks (``--port 0``),
    written to ``port_file`` once it accepts connections (:func:`wait_for_port`)."""
    serve = [sys.executable, "-m", "mutewatch", "--store", str(store), "serve"]
    return [*serve, "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file), *options]


def wait_for_port(port_file: Path, process: subprocess.Popen[Any], seconds: float) -> int:
    """The port of a server started by :func:`serve_command`, read once its port file is
    there (it then accepts connections); AssertionError when ``process`` ends or ``seconds``
    pass first. The server binds the port itself: none is picked here and handed over, which
    another socket could take in between."""
    deadline = time.monotonic() + seconds
    while not port_file.exists():
        code = process.poll()
        assert code is None, f"the server exited with {code} before it listened"
        assert time.monotonic() < deadline, f"the server did not listen in {seconds:g} s"
        time.sleep(0.05)
    return int(port_file.read_text(encoding="utf-8"))


@contextmanager
def running_server(env: Env, logdir: Path, *options: str) -> Iterator[LiveServer]:
    """`python -m mutewatch --store S serve OPTIONS` in a subprocess, stopped on exit."""
    log = (logdir / "server.log").open("w")
    process = subprocess.Popen(
        serve_command(env.path, logdir / "server.port", "--no-moderation", *options),
        stdout=log, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "MUTEWATCH_PSEUDONYM_KEY": "live-test-key"},
    )  # fmt: skip
    try:  # a start-up on a loaded machine
        port = wait_for_port(logdir / "server.port", process, 120)
    except AssertionError as exc:
        process.kill()
        pytest.fail(f"{exc}; see {log.name}")
    url = f"http://127.0.0.1:{port}"
    try:  # its first page, for which the tests' first requests could not wait under load
        assert httpx.get(url + "/login", timeout=60).status_code == 200, f"see {log.name}"
        yield LiveServer(url, env, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def running_app(
    path: Path, cache_dir: Path, pseudonym_key: str, *, moderation: bool = True, **settings: Any
) -> Iterator[Any]:
    """The app (``create_app``) on the store at ``path`` as the web tests build it, with
    ``settings`` (``create_app``'s, e.g. ``compute_per_user``) besides, for in-process
    requests; its gateway is stopped on exit."""
    from mutewatch.web.app import create_app

    application = create_app(
        path, cache_dir=cache_dir, refresh_interval=0.2, linger=0.05,
        pseudonym_key=pseudonym_key, moderation=moderation, **settings,
    )  # fmt: skip
    try:
        yield application
    finally:
        application.state.gateway.stop()


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free port of 127.0.0.1 in a thread, so a real browser
    sees the server's real headers; yields its base URL."""
    import uvicorn

    sock = socket.create_server(("127.0.0.1", 0))  # bound here: its port is known and kept
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="test-uvicorn", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start in 60 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
