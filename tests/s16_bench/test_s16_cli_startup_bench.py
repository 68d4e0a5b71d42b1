"""benchmarks/cli_startup.py --serve: a tree whose serve has --port 0 --port-file is timed on
a port the server picks itself, where every tree was handed a port picked and released,
which another socket could take in between (serve then exits 3 and the run stops); a tree
from before those options is still handed one (the fallback), found from its serve --help."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest
from benchhelpers import REPO, Rival, benchmark

from mutewatch.store import Store
from mutewatch.web.auth import add_user

cli_startup = benchmark("cli_startup")
BEFORE_PORT_FILE = "3e4a0ab^"  # serve gained --port 0 and --port-file in 3e4a0ab


@pytest.mark.server
@pytest.mark.slow
def test_serve_is_timed_on_a_port_it_picked_itself(tmp_path: Path, rival: Rival) -> None:
    store = tmp_path / "store.duckdb"
    with Store.open(store) as opened:
        _, token = add_user(opened, "bench", "analyst")
    up, first, body = cli_startup._serve(REPO, store, token)
    assert rival.taken == []  # the rival would have taken a port handed over
    assert up > 0 and first > 0
    assert isinstance(json.loads(body), dict)  # the silences answered


def test_a_tree_is_asked_whether_its_serve_picks_its_own_port(tmp_path: Path) -> None:
    """This tree's serve has --port-file; one from before 3e4a0ab (its src/ from git) not."""
    archived = subprocess.run(
        ["git", "-C", str(REPO), "archive", BEFORE_PORT_FILE, "src"], capture_output=True
    )
    if archived.returncode != 0:
        pytest.skip(f"no git history here for {BEFORE_PORT_FILE}: {archived.stderr[-300:]!r}")
    old = tmp_path / "old"
    with tarfile.open(fileobj=io.BytesIO(archived.stdout)) as tar:
        tar.extractall(old, filter="data")
    assert cli_startup._serves_port_file(REPO) is True
    assert cli_startup._serves_port_file(old) is False
