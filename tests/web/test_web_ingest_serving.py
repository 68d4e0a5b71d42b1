"""Ingest while serving: reads never stop, whoever writes (DuckDB allows one writer)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer, form_login, make_env

from mutewatch.errors import InputError
from mutewatch.store import Store, copy_store_file
from mutewatch.web.access import StoreGateway
from mutewatch.web.api import extract_zip
from mutewatch.web.app import create_app
from mutewatch.web.auth import add_user

pytestmark = pytest.mark.anyio

HOLDER = """
import select, sys, time, duckdb
deadline = time.monotonic() + 120
while True:  # the server may have the store open for a moment (a refresh): wait for it
    try:
        con = duckdb.connect(sys.argv[1])
        break
    except duckdb.IOException:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.05)
print("locked", flush=True)
for i in range(30):
    con.execute(
        "INSERT INTO posts (platform, account_id, message_id, ts, time_from_local, kind, text,"
        " source_id, outlet_id, official) VALUES ('telegram', '1003', ?, TIMESTAMP '2025-01-01'"
        " + to_hours(?), FALSE, 'text', 'placeholder late release', 1, 3, TRUE)",
        [900000 + i, i],
    )
    time.sleep(0.02)
print("written", flush=True)
select.select([sys.stdin], [], [], float(sys.argv[2]))  # held until told (or at most that)
print("releasing", flush=True)
con.close()
print("released", flush=True)
"""


@pytest.fixture(scope="module")
def busy_env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    return make_env(tmp_path_factory.mktemp("busy"))


@dataclass
class IngestGate:
    """Where the slow ingest stops halfway, holding the writer: ``paused`` once there, it
    goes on when ``go`` is set (or after 120 s), ``resumed`` once it did."""

    paused: threading.Event = field(default_factory=threading.Event)
    go: threading.Event = field(default_factory=threading.Event)
    resumed: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(scope="module")
def ingest_gate() -> Iterator[IngestGate]:
    gate = IngestGate()
    yield gate
    gate.go.set()


@pytest.fixture(scope="module")
def busy_app(
    busy_env: Env, ingest_gate: IngestGate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    def slow_ingest(store: Store, path: Path) -> dict[str, int]:
        """Stands for mutewatch.ingest: one row per line of the upload, slowly, stopping
        halfway until the test has read beside it (``ingest_gate``)."""
        lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
        for i, line in enumerate(lines):
            if i == len(lines) // 2:
                ingest_gate.paused.set()
                ingest_gate.go.wait(120)
                ingest_gate.resumed.set()
            store.con.execute(
                "INSERT INTO posts (platform, account_id, message_id, ts, time_from_local, kind,"
                " text, source_id, outlet_id, official) VALUES ('telegram', '1002', ?,"
                " TIMESTAMP '2025-02-01' + to_hours(?), FALSE, 'text', ?, 1, 2, TRUE)",
                [800000 + i, i, line],
            )
            time.sleep(0.02)
        return {"read": len(lines), "new": len(lines)}

    app = create_app(
        busy_env.path, cache_dir=tmp_path_factory.mktemp("busycache"), refresh_interval=0.1,
        write_timeout=1.0, moderation=False, ingest=slow_ingest,
    )  # fmt: skip
    yield app
    app.state.gateway.stop()  # type: ignore[attr-defined]


@pytest.fixture
async def busy_client(busy_app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=busy_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


async def _posts(client: httpx.AsyncClient, env: Env) -> int:
    r = await client.get("/api/v1/status", headers=bearer(env, "viewer"))
    assert r.status_code == 200, r.text
    return int(r.json()["posts"])


async def test_reads_continue_while_another_process_writes(
    busy_client: httpx.AsyncClient, busy_env: Env
) -> None:
    """Another process holds the store (and writes 30 rows) until the test has read beside
    it 10 times and seen a write refused as busy: every read is answered, from the snapshot,
    while the lock is still held (a read waiting for it would come back only once the
    holder lets go, after 120 s). Was: 10 reads in a fixed 2.5 s hold, each under 0.5 s,
    which a loaded machine missed."""
    before = await _posts(busy_client, busy_env)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(busy_env.path), "120"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        said = {"written": threading.Event(), "releasing": threading.Event()}

        def follow(out: Any) -> None:
            for line in out:
                if line.strip() in said:
                    said[line.strip()].set()

        threading.Thread(target=follow, args=(holder.stdout,), daemon=True).start()
        reads, refused = 0, None
        deadline = time.monotonic() + 120
        while not (said["written"].is_set() and reads >= 10 and refused is not None):
            assert time.monotonic() < deadline, f"{reads} reads, {refused}"
            assert await _posts(busy_client, busy_env) == before  # the snapshot, unchanged
            r = await busy_client.get("/api/v1/outlets", headers=bearer(busy_env, "analyst"))
            assert r.status_code == 200
            assert not said["releasing"].is_set(), "a read waited for the writer's lock"
            reads += 1
            if refused is None:  # a write meanwhile waits, then says the store is busy
                refused = await busy_client.post(
                    "/api/v1/users", json={"name": "late", "role": "viewer"},
                    headers=bearer(busy_env, "admin"),
                )  # fmt: skip
                assert not said["releasing"].is_set(), "the write waited for the lock"
            await asyncio.sleep(0.05)
        assert refused.status_code == 503
        assert refused.json()["error"]["code"] == "store_busy"
        holder.stdin.write("release\n")
        holder.stdin.flush()
    finally:
        if holder.stdin is not None:
            holder.stdin.close()
        holder.wait(timeout=150)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the released store is picked up by a snapshot
        if await _posts(busy_client, busy_env) == before + 30:
            break
        await asyncio.sleep(0.1)
    assert await _posts(busy_client, busy_env) == before + 30


async def test_upload_is_ingested_by_the_server_while_reads_continue(
    busy_client: httpx.AsyncClient, busy_env: Env, ingest_gate: IngestGate
) -> None:
    """The ingest stops halfway, holding the writer, until 10 reads were answered beside it
    (a read waiting for the writer would come back only after it went on, 120 s later);
    what reads see never goes backwards. Was: reads during a fixed 2 s ingest, each under
    0.5 s, which a loaded machine missed."""
    before = await _posts(busy_client, busy_env)
    body = "\n".join(f"placeholder uploaded line {i}" for i in range(40)).encode()
    r = await busy_client.post(
        "/api/v1/ingest", files={"file": ("upload.txt", body, "text/plain")},
        headers=bearer(busy_env, "admin"),
    )  # fmt: skip
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["state"] in ("queued", "running") and job["bytes"] == len(body)
    served, seen = 0, [before]
    deadline = time.monotonic() + 120
    while served < 10:
        assert time.monotonic() < deadline, f"{served} reads during the ingest"
        seen.append(await _posts(busy_client, busy_env))
        assert not ingest_gate.resumed.is_set(), "a read waited for the ingest"
        served += ingest_gate.paused.is_set()  # answered while the ingest holds the writer
        await asyncio.sleep(0.05)
    ingest_gate.go.set()
    state = "running"
    while state in ("queued", "running") and time.monotonic() < deadline:
        seen.append(await _posts(busy_client, busy_env))
        state = (
            await busy_client.get(f"/api/v1/ingest/{job['id']}", headers=bearer(busy_env, "admin"))
        ).json()["state"]
        await asyncio.sleep(0.05)
    assert state == "done"
    assert seen == sorted(seen) and seen[-1] <= before + 40  # never backwards
    assert await _posts(busy_client, busy_env) == before + 40
    done = (
        await busy_client.get(f"/api/v1/ingest/{job['id']}", headers=bearer(busy_env, "admin"))
    ).json()
    assert done["report"] == {"read": 40, "new": 40}


async def test_uploaded_zip_goes_through_the_real_ingest(
    tmp_path: Path, busy_env: Env, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A zipped Telegram export from the demo generator, ingested by mutewatch.ingest."""
    demo = pytest.importorskip("mutewatch.demo")
    manifest = demo.generate(tmp_path / "demo", scale=0.01)
    channel = sorted(p for p in manifest.exports.iterdir() if p.is_dir())[0]
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in channel.rglob("*"):
            if file.is_file():
                zf.write(file, f"{channel.name}/{file.relative_to(channel)}")
    store = tmp_path / "real.duckdb"
    with Store.open(store) as opened:
        _, token = add_user(opened, "root", "admin")
    app = create_app(store, cache_dir=tmp_path_factory.mktemp("realcache"), moderation=False)
    try:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.post(
                "/api/v1/ingest", files={"file": ("export.zip", archive.read_bytes())},
                headers=headers,
            )  # fmt: skip
            assert r.status_code == 202, r.text
            job = r.json()
            deadline = time.monotonic() + 60  # a poll: ends as soon as it is there
            while time.monotonic() < deadline:
                job = (await c.get(f"/api/v1/ingest/{job['id']}", headers=headers)).json()
                if job["state"] in ("done", "failed"):
                    break
                await asyncio.sleep(0.1)
            assert job["state"] == "done", job
            status = (await c.get("/api/v1/status", headers=headers)).json()
            assert status["posts"] > 0 and status["sources"] == 1
    finally:
        app.state.gateway.stop()


OPEN_READ_ONLY = """
import sys, duckdb
try:
    duckdb.connect(sys.argv[1], read_only=True)
except duckdb.IOException as exc:
    print("refused:", exc)
else:
    print("opened")
"""


def _another_process_opens(path: Path) -> str:
    probe = [sys.executable, "-c", OPEN_READ_ONLY, str(path)]
    return subprocess.run(probe, capture_output=True, text=True, check=True).stdout


def test_a_snapshot_taken_by_the_writer_keeps_the_write_lock(tmp_path: Path) -> None:
    """Copying the store in-process would close a descriptor of it and so drop DuckDB's
    POSIX lock: another process could then write the store the server still writes."""
    (tmp_path / "env").mkdir()
    env = make_env(tmp_path / "env")
    gateway = StoreGateway(env.path, cache_dir=tmp_path / "cache")
    try:
        with Store.open(env.path) as store:
            store.con.execute("INSERT INTO outlets VALUES (9999, 'lock probe', FALSE, NULL, TRUE)")
            assert _another_process_opens(env.path).startswith("refused")
            gateway._snapshot_from_writer(store)
            assert gateway.stats["snapshots"] == 1
            assert _another_process_opens(env.path).startswith("refused")
        assert _another_process_opens(env.path).startswith("opened")
    finally:
        gateway.stop()


def test_copy_store_file_keeps_a_read_lock_too(tmp_path: Path) -> None:
    (tmp_path / "env").mkdir()
    env = make_env(tmp_path / "env")
    with Store.open(env.path, read_only=True):
        copy_store_file(env.path, tmp_path / "copy.duckdb")
        writer = [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])"]
        done = subprocess.run([*writer, str(env.path)], capture_output=True, text=True)
        assert done.returncode != 0 and "lock" in done.stderr
    with Store.open(tmp_path / "copy.duckdb", read_only=True) as copy:
        assert copy.status()["posts"] > 0


def test_copy_store_file_names_what_it_could_not_copy(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="missing.duckdb"):
        copy_store_file(tmp_path / "missing.duckdb", tmp_path / "copy.duckdb")


def test_zip_slip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../outside.txt", "placeholder")
    with pytest.raises(InputError, match="outside the archive"):
        extract_zip(archive, tmp_path / "x")
    assert not (tmp_path.parent / "outside.txt").exists()


@pytest.mark.slow
async def test_cli_ingest_runs_beside_the_server(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`mutewatch ingest` in another process while the server serves and writes audit rows."""
    demo = pytest.importorskip("mutewatch.demo")
    manifest = demo.generate(tmp_path / "demo", scale=0.01)
    env = make_env(tmp_path_factory.mktemp("cliingest"))
    app = create_app(
        env.path, cache_dir=tmp_path_factory.mktemp("clicache"), refresh_interval=0.1,
        moderation=False,
    )  # fmt: skip
    transport = httpx.ASGITransport(app=app, client=("10.1.1.1", 1))  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            before = await _posts(c, env)
            cli = subprocess.Popen(
                [sys.executable, "-m", "mutewatch", "--store", str(env.path), "ingest",
                 str(manifest.exports), "--wait", "60", "--json"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            served = 0
            while cli.poll() is None:
                assert await _posts(c, env) >= before
                # a failed login writes an audit row: the server's writer keeps working too
                await form_login(c, "nobody", "wrong")
                served += 1
                await asyncio.sleep(0.1)
            out, err = cli.communicate()
            assert cli.returncode == 0, err
            deadline = time.monotonic() + 60  # a poll: ends as soon as it is there
            while time.monotonic() < deadline:
                if await _posts(c, env) > before:
                    break
                await asyncio.sleep(0.1)
            gateway = app.state.gateway  # type: ignore[attr-defined]
            assert await _posts(c, env) > before, (gateway.stats, gateway.last_refresh_error)
            assert served >= 5
    finally:
        app.state.gateway.stop()  # type: ignore[attr-defined]
