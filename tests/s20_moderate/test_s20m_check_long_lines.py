"""``moderate check`` refuses a line of more than 16 MiB without holding it.

Every line was read whole, decoded and parsed before its text was found over the policy's
limit: a 200 MB line took the run from about 0.4 to 1.1 GB, so a JSON array of a whole
export written on one line (passed by mistake for JSON Lines) could take the run out of
memory, and every good line with it. Such a line is now read through in pieces, refused
naming its line and its length, and the start of it kept in the quarantine file; the lines
around it are decided in order.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mutewatch.cli import moderating
from s20_moderate.s20m_helpers import check_lines

GOOD = {"author_name": "Ana Silva", "text": "Good to see the council fund the new tram line."}
LONG = 24 * 1024 * 1024  # bytes of text on the long line: over the 16 MiB limit


def _long_line(size: int = LONG) -> bytes:
    return b'{"id": "2", "author_name": "Ana Silva", "text": "' + b"w" * size + b'"}\n'


def _good(comment_id: str) -> bytes:
    return json.dumps({"id": comment_id, **GOOD}).encode() + b"\n"


def test_lines_are_read_in_full_up_to_the_limit_and_past_it_only_counted() -> None:
    """``_read_lines`` with a limit of 10 bytes: lines up to it whole (a line end beyond
    it too), a longer one as its first bytes and its length without its line end, the next
    line intact."""
    stream = io.BytesIO(b"0123456789\n" + b"x" * 25 + b"\n" + b"ok\n" + b"y" * 11)
    monkey = pytest.MonkeyPatch()
    monkey.setattr(moderating, "KEPT_BYTES", 4)
    try:
        got = list(moderating._read_lines(stream, limit=10))
    finally:
        monkey.undo()
    assert got == [(b"0123456789\n", None), (b"xxxx", 25), (b"ok\n", None), (b"yyyy", 11)]


def test_a_line_over_the_limit_is_refused_and_the_others_decided(
    tmp_path: Path, s20m_policy: Path
) -> None:
    """Through the command: line 2 refused naming its length, 1 and 3 decided in order, the
    quarantine file holding line 2's first 64 KiB, exit code 3, the counts adding up."""
    quarantine = tmp_path / "refused.jsonl"
    command = [sys.executable, "-m", "mutewatch", "--store", str(tmp_path / "none.duckdb"),
               "moderate", "check", "--policy", str(s20m_policy),
               "--quarantine", str(quarantine)]  # fmt: skip
    stdin = _good("1") + _long_line() + _good("3")
    done = subprocess.run(command, input=stdin, capture_output=True, timeout=600, check=False)
    assert done.returncode == 3, done.stderr.decode()[-2000:]
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["1", "3"]
    said = done.stderr.decode().splitlines()
    size = len(_long_line()) - 1  # its line end aside
    assert said[0].startswith(
        f"Error: <stdin> line 2: the line has {size:,} bytes, more than the limit of"
        " 16,777,216: it was not read"
    ), said
    assert said[-1].startswith("Error: read 3 line(s): 2 decided, 1 refused"), said
    [entry] = [json.loads(line) for line in quarantine.read_text().splitlines()]
    assert entry["line"] == 2
    assert entry["raw"] == _long_line()[: 64 * 1024].decode()


def test_a_comment_just_under_the_limit_is_read_as_before(
    tmp_path: Path, s20m_policy: Path
) -> None:
    """A line of 16 MiB less a few bytes is read and refused for its text as before, so the
    limit takes nothing the checks would have decided."""
    filler = {"id": "1", **GOOD, "extra": ""}
    room = moderating.MAX_LINE_BYTES - len(json.dumps(filler).encode())
    line = json.dumps({**filler, "extra": "x" * room}).encode()
    assert len(line) == moderating.MAX_LINE_BYTES
    decisions = check_lines([], tmp_path, s20m_policy, raw=line + b"\n")
    assert [d["id"] for d in decisions] == ["1"]


HWM_CHILD = textwrap.dedent(
    """
    import atexit, sys
    from pathlib import Path

    OUT = Path(sys.argv[1])

    def peak():
        status = Path("/proc/self/status").read_text().splitlines()
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        OUT.write_text(str(hwm))

    atexit.register(peak)
    sys.argv = ["mutewatch", *sys.argv[2:]]
    from mutewatch.cli import main
    main()
    """
)


def _peak_kib(tmp_path: Path, policy: Path, stdin: bytes) -> int:
    """The peak resident memory of ``moderate check`` over ``stdin``, in KiB."""
    out = tmp_path / "peak.txt"
    store = str(tmp_path / "none.duckdb")
    command = [sys.executable, "-c", HWM_CHILD, str(out), "--store", store,
               "moderate", "check", "--policy", str(policy)]  # fmt: skip
    done = subprocess.run(command, input=stdin, capture_output=True, timeout=600, check=False)
    assert done.returncode in (0, 3), done.stderr.decode()[-2000:]
    return int(out.read_text())


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/self/status")
def test_a_long_line_costs_no_more_memory_than_the_limit(tmp_path: Path, s20m_policy: Path) -> None:
    """A 64 MiB line raises the run's peak memory by less than 40 MiB (it raised it by
    about five times its length: read, decoded, parsed)."""
    plain = _peak_kib(tmp_path, s20m_policy, _good("1") + _good("3"))
    long = _peak_kib(tmp_path, s20m_policy, _good("1") + _long_line(64 * 1024 * 1024) + _good("3"))
    assert long - plain < 40 * 1024, (plain, long)
