"""`mutewatch serve` on a port in use, or on an address not of this machine, failed only
after it had loaded the store and the moderation models (4 s of CPU, 20-30 s on a busy
machine). It now tries the address first: the same error, exit 3, before any is loaded.

What was loaded is read from ``python -X importtime``, which lists every module the process
imported on stderr: an order of events, not a time that a loaded machine could stretch."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from webfactory import make_env

pytestmark = [pytest.mark.server, pytest.mark.slow]

# the web app, the store's gateway and the moderation models: none is imported before the
# address is tried
HEAVY = ("mutewatch.web.app", "mutewatch.web.moderation", "mutewatch.moderate.models")


def _serve(store: Path, *options: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`serve` (moderation on) run to its end, and the modules it imported."""
    command = [sys.executable, "-X", "importtime", "-m", "mutewatch", "--store", str(store),
               "serve", *options]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    imported = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()
                if line.startswith("import time:")]  # fmt: skip
    return run, imported


def _said(run: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in run.stderr.splitlines() if not line.startswith("import time:")]


def test_a_taken_port_is_said_before_the_store_and_models_load(tmp_path: Path) -> None:
    env = make_env(tmp_path / "store")
    port_file = tmp_path / "port"
    port_file.write_text("1\n", encoding="utf-8")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run, imported = _serve(env.path, "--port", str(port), "--port-file", str(port_file))
    assert run.returncode == 3, run.stderr[-2000:]
    assert [m for m in HEAVY if m in imported] == []
    assert _said(run) == [
        f"Error: port {port} on 127.0.0.1 is in use (stop the program listening there or "
        "pass another --port; --port 0 picks a free one)"
    ]  # no uvicorn start-up log: the app was never started
    assert "Serving on" not in run.stdout
    assert not port_file.exists()


def test_an_address_not_of_this_machine_is_said_before_anything_loads(tmp_path: Path) -> None:
    store = tmp_path / "none.duckdb"  # no store: it was created by the load, then refused
    run, imported = _serve(store, "--host", "192.0.2.7", "--port", "0")
    assert run.returncode == 3, run.stderr[-2000:]
    assert [m for m in HEAVY if m in imported] == []
    assert not store.exists()
    said = _said(run)
    assert len(said) == 1, said
    assert said[0].startswith("Error: cannot listen on 192.0.2.7 port 0: Cannot assign ")
