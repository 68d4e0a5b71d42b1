"""Helpers of the benchmark tests (imported as a plain module, the folder being on
``sys.path``): a benchmark script loaded as a module, a rival that binds every port a child
process is handed on its command line, and the ports a process listens on."""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"


def benchmark(name: str) -> ModuleType:
    """benchmarks/NAME.py as the module ``s16_bench_NAME`` (the folder is no package)."""
    spec = importlib.util.spec_from_file_location(f"s16_bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _children(parent: int) -> list[int]:
    """The processes whose parent is ``parent``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry))
    return found


def _command_line(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.decode(errors="replace").split("\0")[:-1]


class Rival:
    """Another program on this machine: from the moment a child process of this one has
    started (exec'd), it binds 127.0.0.1 on every port number (1024-65535) on the child's
    command line, before the child (a server a few hundred ms from binding) can. A port
    picked by the parent, released and handed over is lost to it; a port the server picks
    itself is never on the command line. ``taken``: the ports it took."""

    def __init__(self) -> None:
        self.taken: list[int] = []
        self._held: list[socket.socket] = []
        self._seen: set[int] = set()
        self._stop = threading.Event()
        self._own = _command_line(os.getpid())
        self._thread = threading.Thread(target=self._watch, name="s16-rival", daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            for pid in _children(os.getpid()):
                args = _command_line(pid)
                if pid in self._seen or args is None or args == self._own:  # not exec'd yet
                    continue
                self._seen.add(pid)
                for arg in args:
                    if arg.isdigit() and 1024 <= int(arg) <= 65535:
                        self._take(int(arg))

    def _take(self, port: int) -> None:
        """Bind ``port`` without SO_REUSEADDR (the server's bind then fails whatever it
        sets) and without listening (a client's connection is refused, not left waiting)."""
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            return
        self._held.append(sock)
        self.taken.append(port)

    def __enter__(self) -> Rival:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for sock in self._held:
            sock.close()


def listening_ports(pid: int) -> set[int]:
    """The TCP ports (IPv4) on which the process ``pid`` holds a listening socket."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    ports = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
            ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports
