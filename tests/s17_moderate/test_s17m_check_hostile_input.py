"""``mutewatch moderate check`` over hostile input, as a process reading stdin: a byte order
mark, CRLF line ends, blank lines, lines that are not an object, an array, a repeated id, a
5 MB line, invalid UTF-8, no final newline, numbers as ids. Every bad line is refused on
stderr with its line number and a reason in JSON's words (it said "a comment must be a JSON
object" of 42 and of an array alike, and "no `id` string or number (got float)" of 7.5),
a line repeating an earlier line's id is decided with a warning naming that line (the two
decisions share an id), every good line is decided in input order, and the counts add up
(read = decided + refused, blank lines apart)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from s17m_helpers import ON_TOPIC, check_run

OK, BLANK, ERROR, WARN = "decided", "blank", "Error", "Warning"


def good(comment_id: str) -> bytes:
    """A good line whose ``id`` is the JSON text ``comment_id`` (a string or a number)."""
    return b'{"id": %s, "author_name": "Ana Silva", "text": "%s"}' % (
        comment_id.encode(), ON_TOPIC.encode())  # fmt: skip


LINES = [  # (bytes of the line, what becomes of it, the words said on stderr)
    (b"\xef\xbb\xbf" + good('"first"') + b"\r\n", OK, ""),
    (good('"2"') + b"\r\n", OK, ""),
    (b"\r\n", BLANK, ""),
    (b" \t \n", BLANK, ""),
    (b"42\n", ERROR, "the comment must be a JSON object, not the number 42"),
    (b"[1, 2]\n", ERROR, "the comment must be a JSON object, not an array [1, 2]"),
    (b"[" + good('"in-array"') + b"]\n", ERROR, "the comment must be a JSON object, not an array"),
    (b'"text"\n', ERROR, 'the comment must be a JSON object, not a string "text"'),
    (b"null\n", ERROR, "the comment must be a JSON object, not null"),
    (good('"2"') + b"\n", WARN, 'the id "2" was already given on line 2; both are decided'),
    (b'{"id": "big", "author_name": "A B", "text": "' + b"a" * 5_000_000 + b'"}\n', ERROR,
     "the comment field `text` has 5000000 characters; the limit is"),
    (b'{"id": "latin1", "author_name": "A B", "text": "caf\xe9 au lait"}\n', ERROR,
     "not valid UTF-8 (invalid continuation byte at byte 51)"),
    (good("7") + b"\n", OK, ""),
    (good('"7"') + b"\n", WARN, 'the id "7" was already given on line 13 (as 7); both are'),
    (good("7.5") + b"\n", ERROR,
     "the comment field `id` must be a string or a whole number, not the number 7.5"),
    (good("true") + b"\n", ERROR,
     "the comment field `id` must be a string or a whole number, not true"),
    (good("-3") + b"\n", OK, ""),
    (b'{"author_name": "A B", "text": "no id"}\n', ERROR, "the comment has no `id`"),
    (b"\x00\n", ERROR, "not JSON"),
    (good('"last"'), OK, ""),  # no final newline
]  # fmt: skip


def test_every_bad_line_is_refused_by_number_and_the_rest_decided_in_order(
    tmp_path: Path,
) -> None:
    quarantine = tmp_path / "refused.jsonl"
    done = check_run(b"".join(line for line, _, _ in LINES), tmp_path, "--quarantine",
                     str(quarantine))  # fmt: skip
    assert done.returncode == 3
    said = done.stderr.decode().splitlines()
    told = [(n, kind, words) for n, (_, kind, words) in enumerate(LINES, 1) if words]
    assert len(said) == len(told) + 1
    for (number, kind, words), line in zip(told, said, strict=False):
        assert line.startswith(f"{kind}: <stdin> line {number}: {words}"), (line, number)
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    decided = [json.loads(line.decode("utf-8-sig"))["id"] for line, kind, _ in LINES
               if kind in (OK, WARN)]  # fmt: skip
    assert [o["id"] for o in out] == decided == ["first", "2", "2", 7, "7", -3, "last"]
    assert all(o["decision"] == "publish" for o in out)
    blank = sum(kind == BLANK for _, kind, _ in LINES)
    refused = [n for n, kind, _ in told if kind == ERROR]
    read = len(LINES) - blank
    assert read == len(out) + len(refused)
    assert re.fullmatch(
        rf"Error: read {read} line\(s\): {len(out)} decided, {len(refused)} refused \({blank}"
        r" blank line\(s\) skipped\); 2 gave an earlier line's id \(.*",
        said[-1],
    )
    kept = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert [k["line"] for k in kept] == refused


def test_a_repeated_id_is_told_however_far_back_and_the_run_still_succeeds(
    tmp_path: Path,
) -> None:
    """A repeated id is found past a batch of 256 lines; with nothing refused the exit code
    stays 0, the warning and the count on stderr."""
    lines = [good(f'"c{n}"') for n in range(300)] + [good('"c0"')]
    done = check_run(b"\n".join(lines) + b"\n", tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().splitlines() == [
        'Warning: <stdin> line 301: the id "c0" was already given on line 1; both are decided,'
        " and their decisions share the id",
        "read 301 line(s): 301 decided, 0 refused; 1 gave an earlier line's id",
    ]
    ids = [json.loads(line)["id"] for line in done.stdout.decode().splitlines()]
    assert ids == [f"c{n}" for n in range(300)] + ["c0"]
