"""``moderate check`` keeps the ids it has read to warn when a line repeats an earlier
line's id: a dict of the ids themselves with their lines, about 150 bytes a line (1.5 GB at
10 million lines). Now 8-byte digests of the ids in an open-addressing table of two arrays:
a fifth of that, the warnings as before, naming the earlier line and how it gave the id."""

from __future__ import annotations

import gc
import io
import tracemalloc
from pathlib import Path

import pytest
from s17m_helpers import ON_TOPIC, check_run

from mutewatch.cli.moderating import _Run

LINES = 100_000


def test_the_ids_of_many_lines_take_under_a_third_of_what_they_did() -> None:
    """100,000 distinct 36-character ids (a UUID's length) held by a run: 50 bytes a line at
    most, where the dict took some 180."""
    ids = [f"comment-{n:028d}" for n in range(LINES)]
    run = _Run(None, io.StringIO(), False)
    gc.collect()
    tracemalloc.start()
    try:
        for number, comment_id in enumerate(ids, start=1):
            run.note_id(comment_id, comment_id, number)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.repeated == 0
    assert held / LINES < 50, held / LINES


def test_the_warnings_still_name_the_earlier_line_past_many_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Repeats of ids read before the table grew many times, as strings and as numbers."""
    run = _Run(None, io.StringIO(), False)
    for number in range(1, 50_001):
        run.note_id(str(number), number if number % 2 else str(number), number)
    capsys.readouterr()
    run.note_id("1", "1", 50_001)  # line 1 gave the number 1
    run.note_id("2", "2", 50_002)  # line 2 gave the string "2"
    run.note_id("49999", 49_999, 50_003)
    run.note_id("2", 2, 50_004)
    run.note_id("new", "new", 50_005)
    said = capsys.readouterr().err.splitlines()
    tail = "; both are decided, and their decisions share the id"
    assert said == [
        f'Warning: <stdin> line 50001: the id "1" was already given on line 1 (as 1){tail}',
        f'Warning: <stdin> line 50002: the id "2" was already given on line 2{tail}',
        f"Warning: <stdin> line 50003: the id 49999 was already given on line 49999{tail}",
        f'Warning: <stdin> line 50004: the id 2 was already given on line 2 (as "2"){tail}',
    ]
    assert run.repeated == 4


def test_the_command_warns_of_an_id_given_thousands_of_lines_before(tmp_path: Path) -> None:
    """Through ``moderate check`` itself: 5,000 lines, the last repeating the 17th's id."""
    line = b'{"id": %s, "author_name": "Ana Silva", "text": "%s"}'
    lines = [line % (b'"c%d"' % n, ON_TOPIC.encode()) for n in range(1, 5001)]
    lines.append(line % (b'"c17"', ON_TOPIC.encode()))
    done = check_run(b"\n".join(lines) + b"\n", tmp_path)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stderr.decode().splitlines() == [
        'Warning: <stdin> line 5001: the id "c17" was already given on line 17; both are'
        " decided, and their decisions share the id",
        "read 5001 line(s): 5001 decided, 0 refused; 1 gave an earlier line's id",
    ]
    assert done.stdout.count(b"\n") == 5001
