"""benchmarks/moderate.py: its server binds a port it picks itself and writes it to a port
file, where the benchmark picked a free port, released it and handed it over, which another
socket could take in between; and without the shared data's Fox News comments (a git
worktree elsewhere, where ../shared/data is not beside the tree) it stops and says where it
looked and that MUTEWATCH_DATA names the folder, where it silently measured placeholder
texts (with --placeholder-texts it measures them, saying so on stderr and in the report)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from benchhelpers import BENCHMARKS, REPO, Rival, benchmark, listening_ports

moderate = benchmark("moderate")
FOX = Path("moderation") / "fox_news_comments.json"


@pytest.mark.server
def test_the_server_listens_on_the_port_it_picked_itself(tmp_path: Path, rival: Rival) -> None:
    port_file = tmp_path / "server.port"
    proc, port = moderate.start_server(tmp_path / "bench.duckdb", port_file, dict(os.environ))
    try:
        assert port in listening_ports(proc.pid)  # the server's own socket, bound at once
        assert port_file.read_text(encoding="utf-8") == str(port)
        assert rival.taken == []  # no port was handed to the server to be taken
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not list(tmp_path.glob("*.tmp"))  # written beside and renamed


def test_a_server_that_cannot_listen_is_an_error_with_its_exit_code(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"^the server exited with 1 before it listened$"):
        moderate.start_server(tmp_path / "s.duckdb", tmp_path / "no" / "port", dict(os.environ))


def test_without_the_data_it_stops_naming_the_file_and_mutewatch_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTEWATCH_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(SystemExit) as stopped:
        moderate._texts(5)
    message = str(stopped.value)
    assert f"no moderation data at {tmp_path / 'nowhere' / FOX} (from $MUTEWATCH_DATA)" in message
    assert "Set MUTEWATCH_DATA to the shared data folder" in message
    assert "--placeholder-texts" in message


def test_placeholder_texts_are_said_loudly_and_in_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MUTEWATCH_DATA", str(tmp_path))
    texts, source = moderate._texts(60, placeholders=True)
    # the 50 placeholders cycle, each round numbered: every submission a new text
    assert len(texts) == 60 and texts[50] == f"{texts[0]} (1)" and texts[0] != texts[1]
    assert len(set(texts)) == 60
    assert texts[0].startswith("Placeholder comment")
    assert source == {"source": "placeholder", "path": str(tmp_path / FOX)}
    assert "WARNING: no moderation data at" in capsys.readouterr().err


def test_the_data_named_by_mutewatch_data_is_read(
    shared_data: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    fox = shared_data(*FOX.parts)
    monkeypatch.setenv("MUTEWATCH_DATA", str(fox.parents[1]))
    texts, source = moderate._texts(3)
    assert source == {"source": "fox_news", "path": str(fox)}
    assert len(texts) == 3 and not any(t.startswith("Placeholder comment") for t in texts)


def test_a_tree_elsewhere_without_the_data_stops_before_measuring(tmp_path: Path) -> None:
    """The benchmark on a copy of src/ under a folder with no ../shared/data beside it (as a
    git worktree under /tmp is), MUTEWATCH_DATA unset: one error naming the file looked for,
    nothing on stdout, no figures."""
    tree = tmp_path / "tree"
    shutil.copytree(REPO / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "MUTEWATCH_DATA"}
    env["PYTHONPATH"] = str(tree / "src")
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "moderate.py"), "--comments", "3", "--json",
         "--no-in-process", "--no-stages", "--paced", "0"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-2000:]
    assert done.stdout == ""
    looked = (tmp_path / "shared" / "data" / FOX).resolve()
    assert f"error: no moderation data at {looked} (../shared/data beside {tree}," in done.stderr
    assert "MUTEWATCH_DATA is not set" in done.stderr
