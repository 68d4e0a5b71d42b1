"""``moderate check`` keeps the ids it has read, to warn when a line repeats an earlier
line's id. They were held in an in-memory table that grew with the input (24 to 48 bytes an
id, 0.5 GB at 10 million lines, and while it doubled its old and new tables together): a
run's memory was not bounded. Past ``_SeenIds.MAX_SLOTS`` slots they now move to a private
temporary SQLite file with a capped page cache, and the warnings are the same.

The limit is set small here (the default, 2**20 slots, holds about 700,000 ids) so that a
few hundred thousand ids show whether the memory stops growing.
"""

from __future__ import annotations

import gc
import io
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from mutewatch.cli.moderating import _Run, _SeenIds

SMALL = 1 << 12  # slots held in memory in these tests


def _held(monkeypatch: pytest.MonkeyPatch, lines: int) -> int:
    """The bytes Python still holds for a run's ids once it read ``lines`` distinct ones."""
    monkeypatch.setattr(_SeenIds, "MAX_SLOTS", SMALL, raising=False)
    ids = [f"comment-{n:028d}" for n in range(lines)]
    gc.collect()
    tracemalloc.start()
    try:
        run = _Run(None, io.StringIO(), False)
        for number, comment_id in enumerate(ids, start=1):
            run.note_id(comment_id, comment_id, number)
        held, _ = tracemalloc.get_traced_memory()
        assert run.repeated == 0
        close = getattr(run.seen, "close", None)
        if close is not None:
            close()
    finally:
        tracemalloc.stop()
    return held


def test_the_ids_held_in_memory_stop_growing_past_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """20,000 and 80,000 distinct ids: the table in memory is no larger for the second (it
    was four times larger: 512 KiB against 2 MiB)."""
    few, many = _held(monkeypatch, 20_000), _held(monkeypatch, 80_000)
    assert many < few + 64 * 1024, (few, many)
    assert many < 256 * 1024, many


def test_the_warnings_name_lines_read_before_and_after_the_ids_moved_to_disk(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ids given before the move (as strings and as numbers) and after it are recognised,
    with the line that first gave each and how."""
    monkeypatch.setattr(_SeenIds, "MAX_SLOTS", SMALL, raising=False)
    run = _Run(None, io.StringIO(), False)
    for number in range(1, 20_001):
        run.note_id(str(number), number if number % 2 else str(number), number)
    assert getattr(run.seen, "on_disk", False)
    capsys.readouterr()
    run.note_id("1", "1", 20_001)  # line 1 gave the number 1, before the move
    run.note_id("2", "2", 20_002)  # line 2 gave the string "2"
    run.note_id("19999", 19_999, 20_003)  # after the move
    run.note_id("20000", 20_000, 20_004)
    run.note_id("new", "new", 20_005)
    run.note_id("new", "new", 20_006)
    said = capsys.readouterr().err.splitlines()
    tail = "; both are decided, and their decisions share the id"
    assert said == [
        f'Warning: <stdin> line 20001: the id "1" was already given on line 1 (as 1){tail}',
        f'Warning: <stdin> line 20002: the id "2" was already given on line 2{tail}',
        f"Warning: <stdin> line 20003: the id 19999 was already given on line 19999{tail}",
        f'Warning: <stdin> line 20004: the id 20000 was already given on line 20000 (as "20000")'
        f"{tail}",
        f'Warning: <stdin> line 20006: the id "new" was already given on line 20005{tail}',
    ]
    assert run.repeated == 5
    run.seen.close()


def test_a_failed_temporary_file_stops_the_checks_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A temporary file that fails (a full disk) costs the repeat checks, said once, and no
    line: the run goes on."""
    monkeypatch.setattr(_SeenIds, "MAX_SLOTS", SMALL, raising=False)
    run = _Run(None, io.StringIO(), False)
    for number in range(1, 5_001):
        run.note_id(f"c{number}", f"c{number}", number)
    assert run.seen.on_disk
    disk = run.seen._disk
    assert disk is not None
    disk.close()  # every later statement fails as a full disk's would
    capsys.readouterr()
    run.note_id("c1", "c1", 5_001)
    run.note_id("c2", "c2", 5_002)
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 1 and said[0].startswith(
        "Warning: <stdin> line 5001: ids from this line on are not checked for repeats"
    ), said
    assert run.repeated == 0 and not run.seen.on_disk


RSS_CHILD = textwrap.dedent(
    """
    import io
    from pathlib import Path
    from mutewatch.cli.moderating import _Run, _SeenIds

    def peak():  # VmHWM: this process's own peak (ru_maxrss keeps its parent's across exec)
        status = Path("/proc/self/status").read_text().splitlines()
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

    _SeenIds.MAX_SLOTS = 1 << 12
    _SeenIds.CACHE_KIB = 1024
    run = _Run(None, io.StringIO(), False)
    peaks = []
    number = 0
    for stop in (100_000, 400_000):
        while number < stop:
            number += 1
            run.note_id(f"comment-{number:028d}", "", number)
        peaks.append(peak())
    print(peaks[0], peaks[1])
    """
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/self/status")
def test_the_peak_memory_of_a_run_of_many_ids_is_bounded() -> None:
    """In a process of its own: the peak resident memory after 400,000 distinct ids is
    within 8 MiB of the peak after 100,000 (the in-memory table took 16 MiB more, and 24
    MiB more while it doubled), the temporary file's cache included."""
    done = subprocess.run(
        [sys.executable, "-c", RSS_CHILD], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    first, last = map(int, done.stdout.split())
    assert last - first < 8 * 1024, (first, last)  # KiB
