"""`mutewatch serve --port 0` binds a port the system picks and says which: a `Serving on
URL` line on stdout, and with `--port-file PATH` the port in PATH once it accepts
connections. The tests picked a free port, closed it and handed its number to the server,
which another socket could take in between. A port that cannot be had is one clear line."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from webfactory import Env, bearer, make_env, serve_command, wait_for_port

pytestmark = [pytest.mark.server, pytest.mark.slow]


@contextmanager
def started(env: Env, folder: Path, *options: str) -> Iterator[subprocess.Popen[bytes]]:
    """`serve --port 0 --port-file folder/port` on ``env``'s store, its stdout in
    folder/stdout; stopped on leaving."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "stdout").open("wb") as out:
        process = subprocess.Popen(
            serve_command(env.path, folder / "port", "--no-moderation", *options),
            stdout=out, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def _answers(env: Env, port: int) -> None:
    """The server on ``port`` answers a viewer with the store's status."""
    got = httpx.get(f"http://127.0.0.1:{port}/api/v1/status", headers=bearer(env, "viewer"),
                    timeout=60)  # fmt: skip
    assert got.status_code == 200, got.text
    assert got.json()["posts"] > 0


def test_port_0_writes_the_port_once_serving(tmp_path: Path) -> None:
    env = make_env(tmp_path / "store")
    folder = tmp_path / "serve"
    with started(env, folder) as process:
        port = wait_for_port(folder / "port", process, 60)
        assert port > 0
        assert (folder / "port").read_text(encoding="utf-8") == f"{port}\n"
        _answers(env, port)  # at once: the file is written once the server accepts
        lines = (folder / "stdout").read_text(encoding="utf-8").splitlines()
        assert lines[0] == f"Serving on http://127.0.0.1:{port}"
    assert sorted(p.name for p in folder.iterdir()) == ["port", "stdout"]  # no temp file left


def test_two_servers_started_at_once_get_two_ports(tmp_path: Path) -> None:
    envs = [make_env(tmp_path / f"store{i}") for i in (1, 2)]
    with ExitStack() as stack:
        processes = [stack.enter_context(started(env, tmp_path / f"serve{i}"))
                     for i, env in enumerate(envs, 1)]  # fmt: skip
        ports = [wait_for_port(tmp_path / f"serve{i}" / "port", process, 60)
                 for i, process in enumerate(processes, 1)]  # fmt: skip
        assert ports[0] != ports[1] and 0 not in ports
        for env, port in zip(envs, ports, strict=True):
            _answers(env, port)


def test_the_printed_line_says_the_port_without_a_port_file(tmp_path: Path) -> None:
    env = make_env(tmp_path / "store")
    out = tmp_path / "stdout"
    command = [sys.executable, "-m", "mutewatch", "--store", str(env.path), "serve",
               "--port", "0", "--no-moderation"]  # fmt: skip
    with out.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.DEVNULL)
    try:
        line = re.compile(r"^Serving on http://127\.0\.0\.1:(\d+)$", re.M)
        deadline = time.monotonic() + 60
        while not (found := line.search(out.read_text(encoding="utf-8"))):
            assert process.poll() is None, f"serve exited with {process.returncode}"
            assert time.monotonic() < deadline, "no `Serving on` line in 60 s"
            time.sleep(0.05)
        _answers(env, int(found.group(1)))
    finally:
        process.terminate()
        process.wait(timeout=60)


def _serve_fails(env: Env, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mutewatch", "--store", str(env.path), "serve",
               "--no-moderation", *options]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_taken_port_is_one_clear_error(tmp_path: Path) -> None:
    """It exited 3 with uvicorn's `[Errno 98] error while attempting to bind on address`:
    the same code now, and a last line naming the port and what to do."""
    env = make_env(tmp_path / "store")
    port_file = tmp_path / "port"
    port_file.write_text("1\n", encoding="utf-8")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run = _serve_fails(env, "--port", str(port), "--port-file", str(port_file))
    assert run.returncode == 3, run.stderr
    assert run.stderr.splitlines()[-1] == (
        f"Error: port {port} on 127.0.0.1 is in use (stop the program listening there or "
        "pass another --port; --port 0 picks a free one)"
    )
    assert "Serving on" not in run.stdout
    assert not port_file.exists()  # the past server's port is gone, and none was written


def test_an_address_not_of_this_machine_is_one_clear_error(tmp_path: Path) -> None:
    run = _serve_fails(make_env(tmp_path / "store"), "--host", "192.0.2.7", "--port", "0")
    assert run.returncode == 3, run.stderr
    assert run.stderr.splitlines()[-1].startswith(
        "Error: cannot listen on 192.0.2.7 port 0: Cannot assign requested address ("
    )


def test_a_port_out_of_range_is_refused(tmp_path: Path) -> None:
    """--port 70000 listened on 4464 (70000 - 65536) and said nothing."""
    run = _serve_fails(make_env(tmp_path / "store"), "--port", "70000")
    assert run.returncode == 2
    assert "'--port': 70000 is not in the range 0<=x<=65535" in run.stderr


def test_a_port_file_in_no_folder_is_refused(tmp_path: Path) -> None:
    run = _serve_fails(make_env(tmp_path / "store"), "--port-file", str(tmp_path / "no" / "p"))
    assert run.returncode == 2
    assert f"Error: --port-file {tmp_path / 'no' / 'p'}: no folder {tmp_path / 'no'}" in run.stderr
