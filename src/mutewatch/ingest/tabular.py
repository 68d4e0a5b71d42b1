"""CSV, JSON Lines and Parquet exports, read through a column mapping.

The mapping names which column holds each canonical field (``--map FIELD=COLUMN``):

* required: ``account`` (account name or handle) and ``time``;
* optional: ``account_id``, ``message_id``, ``text``, ``kind``, ``forwarded_from``,
  ``reply_to``, ``author``, ``links`` (URLs separated by whitespace).

With ``retweets_as_forwards`` (``--retweets-as-forwards``), a row whose text begins with
Twitter's retweet convention ``RT @handle`` and whose mapped ``forwarded_from`` is empty or
unmapped is a forward from ``handle`` (``retweeted``); its text is kept as it is.

Where there is no ``message_id`` column, a stable id is derived from the account, the raw
time, the text and how many identical rows came before, so re-ingesting the same or an
overlapping file adds no duplicates. Times are parsed with ``--time-format`` (strptime; also
``iso`` (default) and ``unix``) in the ``--tz`` zone when they carry no offset. Across a
daylight-saving change, a local time that never happened in that zone (the clocks went
forward over it) is quarantined with its file, row and a reason naming the value, the
column and the zone: --tz is wrong or the row damaged, and no instant can be chosen for
it. One that happened twice (the clocks went back) is the earlier of the two instants, as
Telegram's local dates are (``ingest.telegram``).

Text files (CSV, JSON Lines) are UTF-8 unless they start with a byte-order mark (UTF-8,
UTF-16 or UTF-32: read as that) or ``--encoding`` names another codec (latin-1, cp1252,
cp1256, ...): they are transcoded as they stream, and a row holding bytes that are not of
that encoding is quarantined naming its column. CSV fields are separated by ``,``, by a
tab in a ``.tsv`` file, or by ``--delimiter``. Before anything is stored, a CSV or Parquet
file whose header lacks a mapped column, or holds it twice, is refused naming the columns
it has (``header_problem``).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import itertools
import re
import sys
import threading
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import msgspec
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from mutewatch.errors import InputError, UsageError
from mutewatch.ingest.files import PullStream, broken_off, joined, open_archive
from mutewatch.ingest.links import find_urls
from mutewatch.model import Item, NameSeen, Post, Quarantined

FIELDS = (
    "account",
    "account_id",
    "message_id",
    "time",
    "text",
    "kind",
    "forwarded_from",
    "reply_to",
    "author",
    "links",
)
REQUIRED = ("account", "time")
BATCH_ROWS = 65_536
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_WHOLE = re.compile(r"([+-]?[0-9]+)\.0*", re.ASCII)


@dataclass
class TableSpec:
    """How to read one tabular file into posts."""

    platform: str
    mapping: Mapping[str, str] = field(default_factory=dict)
    time_format: str | None = None
    tz: str = "UTC"
    encoding: str | None = None  # None: UTF-8, or what a byte-order mark says
    delimiter: str = ","
    retweets_as_forwards: bool = False  # "RT @handle: ..." rows as forwards (``retweeted``)

    def column(self, name: str) -> str | None:
        return self.mapping.get(name) or (name if name in REQUIRED else None)

    def columns(self) -> dict[str, str]:
        """The column each field is read from: every mapped field and the required ones."""
        wanted = {name: self.column(name) for name in FIELDS}
        return {name: column for name, column in wanted.items() if column}


# Twitter's retweet convention at the start of a text: "RT" (upper case only: "rt" or "Rt"
# is someone's own word as often as not), after any whitespace, then whitespace, "@" and a
# handle of 1 to 15 letters, digits or underscores (Twitter's rule) that ends there (a
# longer run is no handle); a ':' may follow. "RT @a RT @b: ..." is a retweet of @a.
_RETWEET = re.compile(r"\s*RT\s+@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])")


def retweeted(text: str) -> str | None:
    """The handle a text retweets by Twitter's convention ("RT @handle: ..."), as written
    and without the '@'; None when the text does not begin so (``_RETWEET``)."""
    match = _RETWEET.match(text)
    return match.group(1) if match else None


def check_mapping(mapping: Mapping[str, str]) -> None:
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise UsageError(
            f"unknown field(s) in --map: {', '.join(unknown)}",
            hint=f"fields are {', '.join(FIELDS)}; write --map FIELD=COLUMN",
        )


def check_time_format(fmt: str | None) -> None:
    """UsageError for a --time-format strptime cannot use at all (a bad directive, a stray
    %): else every row would be quarantined as having no parseable time."""
    if not fmt or fmt in ("iso", "unix"):
        return
    try:
        datetime.strptime("", fmt)
    except ValueError as exc:
        if "does not match format" in str(exc):
            return
        raise UsageError(
            f"--time-format {fmt!r} is not a strptime format: {exc}",
            hint='write it with strptime directives, e.g. "%m/%d/%Y %H:%M", or iso / unix',
        ) from None


def check_encoding(encoding: str | None) -> None:
    """UsageError for an --encoding Python has no codec for."""
    if encoding is None:
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(
            f"unknown --encoding {encoding!r}",
            hint="name a codec such as utf-8, utf-16, latin-1, cp1252 or cp1256",
        ) from None


def check_delimiter(delimiter: str | None) -> str | None:
    """The one character a --delimiter names ("tab" and "\\t" mean a tab), or UsageError."""
    if delimiter is None:
        return None
    value = {"tab": "\t", "\\t": "\t"}.get(delimiter.lower(), delimiter)
    if len(value) != 1 or value in '\r\n"':
        raise UsageError(
            f"--delimiter {delimiter!r} is not one character that can separate fields",
            hint="write one character, e.g. --delimiter ';' or --delimiter tab",
        )
    return value


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def file_encoding(fh: IO[bytes], given: str | None) -> str:
    """The codec to read a text file with: --encoding when given, else what its byte-order
    mark says, else UTF-8 (the file is left where it was)."""
    if given:
        return codecs.lookup(given).name
    start = fh.tell()
    head = fh.read(4)
    fh.seek(start)
    return next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8")


_UTF8 = ("utf-8", "utf-8-sig")
_STRAY = "\udcff"  # an undecodable byte, written out as 0xFF: never valid UTF-8


def _stray_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return _STRAY * (exc.end - exc.start), exc.end


codecs.register_error("mutewatch-stray", _stray_bytes)


class _Transcoded(PullStream):
    """A text file in another encoding, read as UTF-8 bytes. A byte sequence that is not
    of that encoding comes out as bytes that are not UTF-8, so the row holding it is
    quarantined as any row that is not UTF-8 (and the rest of the file is read)."""

    def __init__(self, fh: IO[bytes], encoding: str) -> None:
        self.encoding = encoding
        super().__init__(fh)

    def _reset(self) -> None:
        self.decoder = codecs.getincrementaldecoder(self.encoding)(errors="mutewatch-stray")
        self.eof = False
        self.last = b""  # the last UTF-8 bytes it gave: how the text ends (``_text_end``)

    def _next_piece(self) -> bytes | None:
        if self.eof:
            return None
        chunk = self.raw.read(1 << 20)
        self.eof = not chunk
        # a gzip stream that broke off inside a character (an odd byte of UTF-16) lost the
        # rest of it with what followed: its first bytes are no stray bytes of the text
        final = self.eof and broken_off(self.raw) is None
        piece = self.decoder.decode(chunk, final=final).encode("utf-8", "surrogateescape")
        self.last = (self.last + piece[-_TEXT_END:])[-_TEXT_END:]
        return piece


_TEXT_END = 64 << 10


def utf8_stream(fh: IO[bytes], encoding: str) -> IO[bytes]:
    """``fh`` as UTF-8 bytes: itself when it is UTF-8 already, else transcoded as it is read."""
    if encoding in _UTF8:
        return fh
    return io.BufferedReader(_Transcoded(fh, encoding), 1 << 20)


def _not_of(encoding: str, where: str) -> str:
    """Why bytes at ``where`` do not decode (UTF-8, or the file's other encoding)."""
    if encoding in _UTF8:
        return f"invalid UTF-8 in {where}"
    return f"bytes that are not {encoding} in {where} (check --encoding)"


def header_problem(header: list[str], spec: TableSpec, noun: str = "header") -> str | None:
    """Why a file with these column names cannot be read through the mapping, or None: a
    mapped column it lacks (every row would be quarantined) or holds twice (which of the
    two a field should come from cannot be told). ``noun`` names where the columns stand
    (a Parquet file's "schema")."""
    counts = Counter(header)
    wanted = spec.columns()
    missing = [f"{column!r} ({name})" for name, column in wanted.items() if column not in counts]
    twice = sorted({c for c in wanted.values() if counts[c] > 1})
    if not missing and not twice:
        return None
    shown = ", ".join(repr(c) for c in header[:30]) + (" ..." if len(header) > 30 else "")
    if twice:
        return (
            f"the {noun} holds column(s) {', '.join(map(repr, twice))} more than once, so "
            f"which one a field comes from cannot be told (columns: {shown}); rename them "
            f"apart in the {noun}, or map another column"
        )
    reason = f"no column {', '.join(missing)} in the {noun} (columns: {shown})"
    sep = next((s for s in ("\t", ";", "|", ",") if len(header) == 1 and s in header[0]), None)
    if sep is not None:
        reason += f"; the {noun} looks {_SEPARATORS[sep]}-separated: pass --delimiter {sep!r}"
    else:
        reason += "; map the fields to columns it has (--map FIELD=COLUMN)"
    return reason


_SEPARATORS = {"\t": "tab", ";": "semicolon", "|": "pipe", ",": "comma"}


def read_csv(fh: IO[bytes], path: Path, spec: TableSpec) -> Iterator[Item]:
    """Rows of a CSV file (header first). Ragged rows and rows that are not UTF-8 (or not
    of --encoding) are quarantined with their line or row and raw text; the other rows are
    read. A header without a mapped column is an InputError (``header_problem``). A quote
    opened and never closed would make the rest of the file one value: its line is
    quarantined and the lines after it are read as rows (``_csv_rows``)."""
    encoding = file_encoding(fh, spec.encoding)
    stream = utf8_stream(fh, encoding)
    try:
        header = _csv_header(stream, _read_options(), _parse_options(spec, _skip))
    except pa.ArrowInvalid as exc:
        raise _unreadable_file(path, "CSV", exc) from None
    problem = header_problem(header, spec)
    if problem:
        raise InputError(f"{path}: {problem}", hint=HEADER_HINT)
    seen = _Tail(stream)
    rows = _csv_rows(seen, path, spec, header, encoding)
    return _rows(_broken_off(rows, seen, path, encoding), path, spec)


def _text_end(tail: bytes, stream: IO[bytes]) -> str:
    """How a text file read to its end through ``stream`` (``utf8_stream``) ends: its last
    UTF-8 bytes when it was transcoded, else ``tail``, the file's own last bytes (UTF-8)."""
    transcoded = getattr(stream, "raw", None)
    if isinstance(transcoded, _Transcoded):
        tail = transcoded.last
    return tail.decode("utf-8", "replace").rstrip("\x00")


def _archive(stream: IO[bytes]) -> IO[bytes]:
    """The file as ``open_archive`` gave it, under a stream ``utf8_stream`` made of it."""
    transcoded = getattr(stream, "raw", None)
    return transcoded.raw if isinstance(transcoded, _Transcoded) else stream


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _lines_in(path: Path, encoding: str) -> int:
    """How many lines a text file holds (its last one may have no line end), read again."""
    with _text_lines(path, encoding) as text:
        return sum(1 for _ in text)


def _breaks_in(row: Any) -> int:
    """How many line breaks a row's text (or a ragged row's raw text) holds."""
    values = [row.raw] if isinstance(row, _Unreadable) else list(row.values())
    return sum(len(_LINE_BREAK.findall(v)) for v in values if isinstance(v, str))


def _broken_off(
    batches: Iterator[list[Any]], seen: _Tail, path: Path, encoding: str
) -> Iterator[list[Any]]:
    """The batches of rows; when the file's gzip stream breaks off (cut short or damaged,
    ``files.broken_off``), the row it cuts is set aside (it may hold the start of its
    values only: a text cut short) naming its line, or, when it breaks at a line end, one
    record says that what followed is lost. How the text ends is read from the stream that
    read the file's end (``seen.source``: ``read_csv``'s own, or the one the rows after a
    record too long or a ragged one not UTF-8 were read again through), the text as decoded
    (UTF-16 bytes from wherever the last 64 KB begin are no text)."""
    held: list[list[Any]] = []  # the last two batches holding rows (the last row comes alone)
    for rows in batches:
        if rows:
            held.append(rows)
            if len(held) > 2:
                yield held.pop(0)
    last = [row for rows in held for row in rows]
    stream = seen.source
    # read_csv's own stream is at its end (a read again of the rest left it short, but
    # then the stream that read the rest is the source): nothing more is read from it. A
    # stream read again is closed once read to its end.
    while not stream.closed and stream.read(1 << 20):
        pass
    broken = broken_off(_archive(stream))
    if broken is None:
        yield last
        return
    why, tail = broken
    end = _text_end(tail, stream)
    if end.endswith(("\n", "\r")) or not last:
        where = "after its last line" if last else "before its first row"
        reason = f"{why} {where}: what followed in {path.name} is lost"
        yield [*last, _Unreadable("", reason)]
        return
    ragged = (i for i, row in enumerate(last) if isinstance(row, _Unreadable) and row.raw)
    cut = next((i for i in ragged if end.endswith(last[i].raw)), None)
    if cut is None:  # the last row read whole as a row, its last value cut
        cut = max(i for i, row in enumerate(last) if not isinstance(row, _Unreadable))
        raw = _dump(last[cut])
    else:
        raw = last[cut].raw
    line = _lines_in(path, encoding) - _breaks_in(last[cut])
    reason = (
        f"{why} inside this row, the file's last (line {line} of {path.name}): its values "
        f"may be cut short; the rows before it are read (ingest a complete copy of "
        f"{path.name} to read it)"
    )
    yield [*last[:cut], _Unreadable(raw, reason), *last[cut + 1 :]]


_BLOCK_SIZE = 16 << 20
_MAX_BLOCK = 1 << 30  # a record longer than this (a quoted value of 1 GiB) is not read


def _read_options(block_size: int | None = None) -> pacsv.ReadOptions:
    size = block_size or _BLOCK_SIZE  # read when called: a test may read with short blocks
    return pacsv.ReadOptions(block_size=size, use_threads=False)  # serial: stable order


def _parse_options(spec: TableSpec, handler: Any) -> pacsv.ParseOptions:
    # quoted values may hold newlines (multi-line posts): without newlines_in_values the
    # chunker cuts blocks at a newline inside one and the read fails ("out of sync")
    return pacsv.ParseOptions(
        delimiter=spec.delimiter, newlines_in_values=True, invalid_row_handler=handler
    )


def _no_line_end(exc: Exception) -> bool:
    """Whether Arrow failed because the text holds no line end (a header line alone)."""
    return "Empty CSV file or block" in str(exc)


def _too_long(exc: Exception) -> bool:
    """Whether Arrow failed because one record is longer than its block ("straddling")."""
    return "straddl" in str(exc)


def _arrow_rows(
    stream: IO[bytes] | _Tail,
    path: Path,
    spec: TableSpec,
    header: list[str],
    encoding: str,
    start: int = 1,
    block_size: int | None = None,
    stop: int | None = None,
    fed: _Fed | None = None,
) -> Iterator[list[Any]]:
    """The rows of CSV text (its header line, then the file's lines from ``start`` up to
    ``stop``, 0-based; None: to the end) in batches, as Arrow parses them; ragged rows are
    numbered by their line in the file (``fed``: the lines of the records fed, else they
    are counted in the file when one is ragged, ``_Lines``).

    A record longer than Arrow's block (a value of many MB) makes it stop; the records
    after those read are then read again from the line where the next one begins, with
    blocks four times as long, so no row is lost or read twice. A ragged row whose text is
    not UTF-8 (``_UNDECODABLE``) makes it stop too: the records after those read are then
    read checked, each such row set aside (``_checked_rows``).

    Arrow reads ahead of what it parses on a thread of its own, and goes on after it stops:
    it reads ``stream`` through a ``_Fence`` closed before anything else reads it."""
    block_size = block_size or _BLOCK_SIZE
    invalid = _Invalid()
    done = 0  # records (rows after the header) yielded
    counter: _Fed | _Lines = (
        fed if fed is not None else _Lines(path, encoding, spec.delimiter, start)
    )
    with contextlib.closing(counter):
        try:
            with _fenced(stream) as fence:
                with _quiet_handlers():
                    reader = pacsv.open_csv(
                        fence,
                        read_options=_read_options(block_size),
                        parse_options=_parse_options(spec, _quarantine_into(invalid, counter)),
                        convert_options=pacsv.ConvertOptions(
                            column_types=dict.fromkeys(header, pa.binary())
                        ),
                    )
                while True:
                    try:
                        with _quiet_handlers():
                            batch = reader.read_next_batch()
                    except StopIteration:
                        break
                    rows = invalid.placed(_decoded(batch, encoding), done)
                    done += len(rows)
                    yield rows
        except pa.ArrowInvalid as exc:
            if _no_line_end(exc) and done == 0:
                return  # the header line alone (it was read by _csv_header): no rows
            where = _Where(path, spec, header, encoding, stop)
            if _UNDECODABLE.match(str(exc)) and fed is None:
                yield from _checked_rows(stream, where, start, done, block_size, exc)
                return
            if not _too_long(exc) or block_size >= _MAX_BLOCK:
                raise _unreadable_file(path, "CSV", exc) from None
            after = counter.line(done) if fed is not None else _line_of(where, start, done)
            if after is None:  # the records could not be counted: say so, lose nothing
                raise _unreadable_file(path, "CSV", exc) from None
            if fed is not None:  # a checked pass: its lines end where it was cut
                raise _CutShort(after) from None
            yield from _read_again(stream, where, after, block_size * 4)
            return
    yield invalid.rest()


@dataclass
class _Where:
    """What is read: the file, how, and the line where the text read stops (None: its end)."""

    path: Path
    spec: TableSpec
    header: list[str]
    encoding: str
    stop: int | None


def _line_of(where: _Where, start: int, record: int) -> int | None:
    """The line where ``record`` (0-based) of the records from line ``start`` begins."""
    with contextlib.closing(_Lines(where.path, where.encoding, where.spec.delimiter, start)) as c:
        return c.line(record)


def _read_again(
    stream: IO[bytes] | _Tail, where: _Where, after: int, block_size: int
) -> Iterator[list[Any]]:
    """The rows of the file's lines from ``after`` up to ``where.stop``, read again from the
    file (``stream``, its old reader fenced off, sees how the text ends when they reach it)."""
    with _lines_from(where.path, where.encoding, after, where.stop) as (rest, source):
        again: IO[bytes] | _Tail = rest
        if isinstance(stream, _Tail) and where.stop is None:
            stream.fh, stream.pieces, stream.source = rest, [b"", b""], source
            again = stream
        path, spec, header, encoding = where.path, where.spec, where.header, where.encoding
        yield from _arrow_rows(again, path, spec, header, encoding, after, block_size, where.stop)


class _CutShort(Exception):
    """A checked pass stopped at a record longer than its block, which begins on ``line``."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


# Arrow's error for a row short or long of columns whose text is not UTF-8: it decodes a
# row's text before the invalid-row handler is called, and fails there (``_quiet_handlers``)
_UNDECODABLE = re.compile(r"CSV parse error: Row #(\d+): Expected (\d+) columns, got (\d+)")


def _checked_rows(
    stream: IO[bytes] | _Tail, where: _Where, start: int, done: int, block_size: int, exc: Exception
) -> Iterator[list[Any]]:
    """The rows after the ``done`` read when Arrow stopped at a ragged row whose text is not
    UTF-8 (``_UNDECODABLE``), a record its invalid-row handler never saw. The file is read
    again once, from line ``start`` (to ``where.stop``), record by record (``_Records``):
    the ``done`` are passed over, and the rest fed to Arrow in passes, each cut short
    before such a row, which is set aside naming its line: the file is read once more
    however many such rows it holds (each pass, one Arrow reader of its own, fenced)."""
    header, stop = where.header, where.stop
    with _text_lines(where.path, where.encoding) as text:
        head = next(text, "").encode("utf-8", "surrogateescape")
        lines = itertools.islice(text, start - 1, None if stop is None else stop - 1)
        records = _Records(lines, where.spec.delimiter, start, where.encoding, len(header))
        if not records.pass_over(done):  # the records could not be counted: say so
            raise _unreadable_file(where.path, "CSV", exc) from None
        record = records.next()
        while record is not None:
            if record.bad is not None:
                yield [record.bad]
                record = records.next()
                continue
            fed = _Fed()
            feeding = records.feed(record, fed)
            text_in = joined(itertools.chain([head], feeding))
            again: IO[bytes] | _Tail = text_in
            if isinstance(stream, _Tail) and stop is None:  # how the text ends: seen here
                stream.fh, stream.pieces, stream.source = text_in, [b"", b""], text.buffer
                again = stream
            path, spec, encoding = where.path, where.spec, where.encoding
            try:
                yield from _arrow_rows(
                    again, path, spec, header, encoding, record.line, block_size, None, fed
                )
            except _CutShort as cut:  # read that pass's lines again, with longer blocks
                for _ in feeding:  # on to the row it was cut before (Arrow's reader fenced off)
                    pass
                to = records.cut.line if records.cut is not None else stop
                part = _Where(where.path, spec, header, encoding, to)
                yield from _read_again(stream, part, cut.line, block_size * 4)
            for _ in feeding:  # read to its end (Arrow's reader, fenced off, may not have)
                pass
            if records.cut is None:  # the pass read to the end
                return
            record = records.cut
            records.cut = None


@dataclass
class _Record:
    """A record of CSV text: the line it begins on, its text (UTF-8), and when it is a
    ragged row whose text is not UTF-8, that row set aside."""

    line: int
    text: bytes
    values: int  # how many (0: an empty line, no record)
    bad: _Unreadable | None = None


class _Records:
    """The records of CSV text lines read once, in order (``csv``, as ``_Lines`` counts
    them), each told apart as Arrow would read it or not (a ragged row not UTF-8)."""

    def __init__(
        self, lines: Iterator[str], delimiter: str, line: int, encoding: str, columns: int
    ) -> None:
        csv.field_size_limit(sys.maxsize)
        self.taken: list[str] = []
        self.reader: Iterator[list[str]] | None = csv.reader(
            self._taking(lines), delimiter=delimiter
        )
        self.lines = lines
        self.line = line  # where the next record begins
        self.encoding, self.columns = encoding, columns
        self.cut: _Record | None = None  # the row a feed stopped before

    def _taking(self, lines: Iterator[str]) -> Iterator[str]:
        for text in lines:
            self.taken.append(text)
            yield text

    def next(self) -> _Record | None:
        """The next record (or empty line); None at the end. From text ``csv`` cannot read
        on, the lines are passed on unchecked and uncounted (a ragged row there is "a row")."""
        if self.reader is None:
            line = self.taken.pop(0) if self.taken else next(self.lines, None)
            if line is None:
                return None
            self.line += 1
            return _Record(self.line - 1, line.encode("utf-8", "surrogateescape"), 0)
        try:
            values = next(self.reader)
        except StopIteration:
            return None
        except csv.Error:
            self.reader = None
            return self.next()
        text = "".join(self.taken)
        record = _Record(self.line, b"", len(values))
        self.line += len(self.taken)
        self.taken.clear()
        try:
            record.text = text.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 (or not of --encoding)
            record.text = text.encode("utf-8", "surrogateescape")
            if values and len(values) != self.columns:
                raw = record.text.decode("utf-8", "replace").rstrip("\r\n")
                reason = (
                    f"line {record.line + 1}: expected {self.columns} columns, got "
                    f"{len(values)}; " + _not_of(self.encoding, "the row")
                )
                record.bad = _Unreadable(raw, reason)
        return record

    def pass_over(self, count: int) -> bool:
        """Pass over ``count`` records (empty lines are none); False: the text ends first,
        or they cannot be counted."""
        while count > 0:
            record = self.next()
            if record is None or self.reader is None:
                return False
            count -= record.values > 0
        return True

    def feed(self, first: _Record, fed: _Fed) -> Iterator[bytes]:
        """The text of ``first`` and the records after it, up to (not including) the next
        ragged row not UTF-8 (kept as ``cut``), their lines noted in ``fed``."""
        record: _Record | None = first
        while record is not None and record.bad is None:
            if record.values:
                fed.add(record.line)
            yield record.text
            record = self.next()
        self.cut = record


class _Fed:
    """The lines where the records fed to Arrow begin: ``line(k)`` as ``_Lines.line``,
    noted as they are fed (on Arrow's thread), kept where a record is not one line on."""

    def __init__(self) -> None:
        self.marks: list[tuple[int, int]] = []  # (record, line) where line - record changes
        self.count = 0

    def add(self, line: int) -> None:
        if not self.marks or line - self.count != self.marks[-1][1] - self.marks[-1][0]:
            self.marks.append((self.count, line))
        self.count += 1

    def line(self, k: int) -> int | None:
        if not 0 <= k < self.count:
            return None
        record, line = self.marks[bisect_right(self.marks, (k, sys.maxsize)) - 1]
        return line + k - record

    def close(self) -> None:
        pass


class _Fence:
    """A binary file as one Arrow reader reads it, until closed: after that, it reads
    nothing (as at the end). Arrow reads ahead of what it parses (some 34 blocks) on an
    I/O thread of its own, and that goes on after the reader stops at an error, until it
    is freed; ``close`` waits for a read under way, so the file may then be sought or read
    by another reader without one read of the old landing in between."""

    def __init__(self, fh: IO[bytes] | _Tail) -> None:
        self.fh: IO[bytes] | _Tail | None = fh
        self.lock = threading.Lock()

    def read(self, size: int = -1) -> bytes:
        with self.lock:
            return b"" if self.fh is None else self.fh.read(size)

    @property
    def closed(self) -> bool:
        return self.fh is None or self.fh.closed

    def close(self) -> None:
        with self.lock:
            self.fh = None


@contextlib.contextmanager
def _fenced(fh: IO[bytes] | _Tail) -> Iterator[_Fence]:
    """``fh`` for one Arrow reader to read, fenced off from it on leaving (``_Fence``)."""
    fence = _Fence(fh)
    try:
        yield fence
    finally:
        fence.close()


@contextlib.contextmanager
def _quiet_handlers() -> Iterator[None]:
    """Arrow decodes a ragged row's text before it calls the invalid-row handler: when that
    text is not UTF-8, the decoding fails inside Arrow, which prints the error as ignored
    and stops with a parse error (``_UNDECODABLE``, handled). The print is left out.

    The filter is put in front of the process's hook once and left there (``_QuietHook``):
    saving and restoring the hook around each read let two reading threads undo each
    other's filter, so one printed, and could leave a filter for good anyway."""
    with _QUIET_LOCK:
        if not isinstance(sys.unraisablehook, _QuietHook):
            sys.unraisablehook = _QuietHook(sys.unraisablehook)
    yield


_QUIET_LOCK = threading.Lock()


class _QuietHook:
    """``sys.unraisablehook`` less Arrow's failures to decode a ragged row's text for our
    invalid-row handler; everything else goes on to the hook it was put in front of."""

    def __init__(self, hook: Callable[[Any], object]) -> None:
        self.hook = hook

    def __call__(self, unraisable: Any) -> None:
        ours = getattr(unraisable.object, "__module__", None) == __name__
        if not (ours and isinstance(unraisable.exc_value, UnicodeDecodeError)):
            self.hook(unraisable)


@contextlib.contextmanager
def _text_lines(path: Path, encoding: str) -> Iterator[io.TextIOWrapper[IO[bytes]]]:
    """The file (decompressed, decoded from ``encoding``) as text read line by line, line
    ends kept as written; bytes not of the encoding kept as surrogates."""
    with open_archive(path) as raw:
        yield io.TextIOWrapper(
            utf8_stream(raw, encoding), "utf-8", errors="surrogateescape", newline=""
        )


@contextlib.contextmanager
def _lines_from(
    path: Path, encoding: str, line: int, stop: int | None = None
) -> Iterator[tuple[IO[bytes], IO[bytes]]]:
    """The file's header line and its lines from ``line`` (0-based) on, up to ``stop`` (not
    included; None: to the end), as UTF-8 bytes; and the file as ``utf8_stream`` reads it
    (``_Tail.source``)."""
    with _text_lines(path, encoding) as text:
        lines = (part.encode("utf-8", "surrogateescape") for part in text)
        head = next(lines)
        stop = None if stop is None else stop - 1
        yield joined(itertools.chain([head], itertools.islice(lines, line - 1, stop))), text.buffer


def _csv_rows(
    seen: _Tail,
    path: Path,
    spec: TableSpec,
    header: list[str],
    encoding: str,
    start: int = 1,
) -> Generator[list[Any], None, None]:
    """The rows of CSV text (its header line, then the file's lines from ``start``, 0-based)
    in batches. A quote opened and never closed makes the rest of the file the last
    record's value, so a last record holding a newline is checked (``_may_end_open``):
    when the file ends inside a quote, the line where that record began is quarantined and
    the lines after it are read as rows (each such line in turn). ``seen`` reads the text
    and keeps how it ends; it is given the rest of the file when lines are read again."""
    held = yield from _all_but_last(_arrow_rows(seen, path, spec, header, encoding, start))
    if not held:
        return
    yield held[:-1]
    bad = None
    if _multi_line(held[-1]) and _may_end_open(held, header, seen.tail()):
        bad = _unclosed_quote(path, encoding, spec.delimiter, start)
    if bad is None:
        yield [held[-1]]
        return
    if bad == 0:
        raise InputError(
            f"{path}: the header line opens a quote it never closes",
            hint="repair the header line (close or remove the quote) and ingest the file again",
        )
    with _text_lines(path, encoding) as text:
        lines = (line.encode("utf-8", "surrogateescape") for line in text)
        head = next(lines)
        damaged = next(itertools.islice(lines, bad - 1, None), b"")
        reason = (
            f"line {bad + 1}: a quote opened in this row is never closed, so the rest of the "
            "file would be read as one value; the row is set aside and the lines after it "
            "are read as rows (repair the quote and ingest the file again)"
        )
        yield [_Unreadable(damaged.decode("utf-8", "replace").rstrip("\r\n"), reason)]
        seen.fh, seen.pieces = joined(itertools.chain([head], lines)), [b"", b""]
        seen.source = text.buffer
        yield from _csv_rows(seen, path, spec, header, encoding, bad + 1)


class _Tail:
    """A binary file that keeps the last bytes read from it (its last two reads: at least
    the reader's block, or all), to see how the file ends once a reader has gone through.
    ``source`` is the file (as ``utf8_stream`` reads it) whose end ``fh`` reads to: ``fh``
    itself, or the file read again when ``fh`` is some of its lines (``_broken_off``)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.source = fh
        self.pieces = [b"", b""]

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        if data:
            self.pieces = [self.pieces[-1], data]
        return data

    @property
    def closed(self) -> bool:
        return self.fh.closed

    def tail(self) -> bytes:
        return b"".join(self.pieces)


def _may_end_open(held: list[Any], header: list[str], tail: bytes) -> bool:
    """Whether the file may end inside a quote its last record opened, told from how it
    ends (``tail``) without reading it again; False only when it surely does not.

    A quote left open takes the rest of the file into its value, so the record holding it
    is the last, the value is its last column's (else the row is ragged, read as a row
    that is not one), and the file ends with ``"`` and that value as written (quotes
    doubled). A last batch holding a row that is not one (ragged, or not of the encoding)
    may list it before the last record: then the file is checked."""
    last = held[-1]
    if any(isinstance(row, _Unreadable) for row in held) or len(last) != len(header):
        return True
    value = list(last.values())[-1]
    if not isinstance(value, str):
        return True
    written = b'"' + value.encode("utf-8", "surrogateescape").replace(b'"', b'""')
    return len(written) >= len(tail) or tail.endswith(written)


def _all_but_last(batches: Iterator[list[Any]]) -> Generator[list[Any], None, list[Any]]:
    """The batches of rows but the last one holding rows, which is returned (empty: none)."""
    held: list[Any] = []
    for rows in batches:
        if rows:
            if held:
                yield held
            held = rows
    return held


def _multi_line(row: Any) -> bool:
    """Whether a row (or the text of a ragged one) holds a newline."""
    if isinstance(row, _Unreadable):
        return "\n" in row.raw or "\r" in row.raw
    return any(v is not None and ("\n" in v or "\r" in v) for v in row.values())


def _unclosed_quote(path: Path, encoding: str, delimiter: str, start: int) -> int | None:
    """The line (0-based; the header is 0) where the record began inside whose quote the
    file ends, reading records from line ``start`` on; None when every quote closes."""
    csv.field_size_limit(sys.maxsize)
    with _text_lines(path, encoding) as text:
        reader = csv.reader(itertools.islice(text, start, None), delimiter=delimiter, strict=True)
        record = start
        while True:
            try:
                next(reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    return record
            record = start + reader.line_num


HEADER_PROBLEMS = ("no column ", "the header holds", "the schema holds")
HEADER_HINT = "fix --map (and --delimiter), or the file's header, and ingest it again"


def read_parquet(fh: IO[bytes], path: Path, spec: TableSpec) -> Iterator[Item]:
    try:
        parquet = pq.ParquetFile(fh)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _unreadable_file(path, "Parquet", exc) from None
    problem = header_problem(parquet.schema_arrow.names, spec, noun="schema")
    if problem:
        raise InputError(f"{path}: {problem}", hint=HEADER_HINT)

    def batches() -> Iterator[list[Any]]:
        try:
            for batch in parquet.iter_batches(BATCH_ROWS):
                yield batch.to_pylist()
        except (pa.ArrowInvalid, OSError) as exc:
            raise _unreadable_file(path, "Parquet", exc) from None

    return _rows(batches(), path, spec)


def read_jsonl(fh: IO[bytes], path: Path, spec: TableSpec) -> Iterator[Item]:
    """One JSON object a line; a line that is not is quarantined. UTF-8 (a byte-order mark
    is passed over), or transcoded from --encoding or the encoding its mark names. A file
    that is one JSON array of objects (as many tools export) is read element by element
    (``_ArrayElements``): an element that is not valid JSON is quarantined as a bad line
    is, and the elements after it are read."""
    encoding = file_encoding(fh, spec.encoding)
    lines = utf8_stream(fh, encoding)
    head = lines.read(1 << 12)
    lines.seek(0)
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    lines.read(bom)  # the one place the mark is passed over
    if head[bom:].lstrip()[:1] == b"[":
        return _rows(_ArrayElements(lines, path, encoding, bom).batches(), path, spec)

    def batches() -> Iterator[list[Any]]:
        rows: list[Any] = []
        line, number = b"", -1
        for number, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                rows.append(msgspec.json.decode(line))
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:
                reason = f"not valid JSON: {exc}"
                if encoding not in _UTF8 and not _is_utf8(line):
                    reason = _not_of(encoding, f"line {number + 1}")
                rows.append(_Unreadable(line.decode("utf-8", "replace"), reason))
            if len(rows) >= BATCH_ROWS:  # the last row stays, for _jsonl_break to see
                yield rows[:-1]
                rows = rows[-1:]
        yield [*rows, *_jsonl_break(fh, path, line, rows, number + 1)]

    return _rows(batches(), path, spec)


def _jsonl_break(fh: IO[bytes], path: Path, last: bytes, rows: list[Any], number: int) -> list[Any]:
    """Where a JSON Lines file's gzip stream broke off (``files.broken_off``): the line it
    cuts (``number``, 1-based) is not valid JSON and is quarantined already, its reason now
    naming the break and the line; a break at a line end is one record saying that what
    followed is lost. A break right before a line's end, the line complete JSON (nothing
    but its line end cut), is such a record too: the line is read, and what followed is
    lost all the same (a gzip stream without its end is a file cut short)."""
    broken = broken_off(fh)
    if broken is None:
        return []
    why = broken[0]
    lost = f"what followed in {path.name} is lost"
    if last.rstrip(b" \t\x00").endswith((b"\n", b"\r")) or not last.strip(b" \t\x00"):
        return [_Unreadable("", f"{why} after its last line: {lost}")]
    if rows and isinstance(rows[-1], _Unreadable):
        where = f"line {number} of {path.name}"
        rows[-1].reason = f"{why} inside this line, the file's last ({where}): {rows[-1].reason}"
        return []
    reason = (
        f"{why} after its last line (line {number}, whole JSON and read, but its line end "
        f"is missing): {lost}"
    )
    return [_Unreadable("", reason)]


_RAW_CAP = 64 << 10
_BLOCK = 4 << 20
_ELEMENT_CAP = 64 << 20
_REWIND = 1 << 20
_PIECE = 64 << 10
# a whole JSON string, a bracket or comma, or a quote whose string does not end here
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[][{},]|"', re.S)
_OPEN, _CLOSE, _COMMA, _QUOTE = b"[{", b"]}", ord(","), ord('"')


def _last_boundary(buf: bytes, start: int, end: int) -> int:
    """The last comma between ``start`` and ``end`` standing between ``}`` and ``{``
    (white space aside), as between two objects of an array, or -1; a few hundred commas
    are tried."""
    for _ in range(256):
        comma = buf.rfind(b",", start, end)
        if comma < 0:
            return -1
        before = buf[max(start, comma - 64) : comma].rstrip()[-1:]
        if before == b"}" and buf[comma + 1 : comma + 65].lstrip()[:1] == b"{":
            return comma
        end = comma
    return -1


_BETWEEN = re.compile(rb"\}\s*(,)\s*\{")
_AT_BYTE = re.compile(r"\(byte (\d+)\)")


def _next_element(text: bytes) -> int | None:
    """In a bad element's text, the first comma between ``}`` and ``{`` whose ``{`` stands
    where the text stops being JSON or after, such that the text up to the next such comma
    (or its end) decodes: where an element of its own begins, the bad one having taken it
    in (a quote or a closing bracket missing). Before that point the text is valid JSON,
    so a ``{`` there is inside the element. None when there is none (of the first 64)."""
    try:
        msgspec.json.decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        found = _AT_BYTE.search(str(exc))
        if found is None:
            return None
        broken = int(found.group(1))
    else:
        return None
    found_after = (m for m in _BETWEEN.finditer(text, max(0, broken - 256)) if m.end() > broken)
    commas = [m.start(1) for m in itertools.islice(found_after, 64)]
    for comma, end in zip(commas, [*commas[1:], len(text)], strict=False):
        try:
            msgspec.json.decode(text[comma + 1 : end])
        except (msgspec.DecodeError, UnicodeDecodeError):
            continue
        return comma
    return None


class _ArrayElements:
    """The elements of a JSON array streamed from a file, each decoded on its own, so one
    that is not valid JSON is set aside and the next is read. Elements are told apart by
    the file's own brackets and strings, tracked here (a comma at the array's own depth,
    outside any string, ends one), not by a parser that stops at the first error.

    A run of elements is decoded at once where it can be: the text up to the last comma
    between ``}`` and ``{`` is decoded as one array, and when that succeeds, the ``}``
    closed a top-level element (a valid JSON text ends exactly where its brackets
    balance), so the cut is sound. When it fails, shorter runs are tried, down to 64 KiB
    (and longer again after one succeeds); a short run that fails is scanned token by
    token, up to the first element boundary after it.

    An element whose brackets or quotes never balance leaves nothing after it that can be
    told apart: the rest of the file is one quarantined record naming where it began."""

    def __init__(self, stream: IO[bytes], path: Path, encoding: str, offset: int) -> None:
        self.stream = stream
        self.path = path
        self.encoding = encoding
        self.buf = b""
        self.base = offset  # the byte of the file (its UTF-8 text) where buf starts
        self.elem = self.scan = 0  # in buf: the current element's start; where to scan on
        self.depth = 0  # 1 inside the array itself
        self.count = 0  # elements read
        self.big: tuple[int, bytes] | None = None  # an element too long to hold: start, head
        self.eof = self.closed = False
        self.rows: list[Any] = []
        self.span = _BLOCK  # the longest run to decode at once
        self.stop = 0  # in buf: where a run failed; the scan goes on to a boundary after it

    def batches(self) -> Iterator[list[Any]]:
        self._fill()
        while b"[" not in self.buf and not self.eof:
            self._fill()
        self.elem = self.scan = self.buf.index(b"[") + 1  # (read_jsonl saw it come first)
        self.depth = 1
        while not self.closed:
            self.stop = len(self.buf)
            if self.big is None and self.scan - self.elem < _REWIND:
                self.scan, self.depth = self.elem, 1  # scan a short element again, whole
                self._run()
            if self._scan():
                continue  # past a run that failed: runs again, in this block
            if len(self.rows) >= BATCH_ROWS:
                yield self.rows
                self.rows = []
            if self.eof:
                if self._unclosed():
                    continue
                break
            self._fill()
        yield self.rows

    def _fill(self) -> None:
        chunk = self.stream.read(_BLOCK)
        keep = self.elem if self.big is None else self.scan
        self.buf = self.buf[keep:] + chunk
        self.base += keep
        self.elem -= keep
        self.scan -= keep
        self.eof = not chunk

    def _run(self) -> None:
        """Decode runs of elements at once, up to the last likely element boundary."""
        buf = self.buf
        last = _last_boundary(buf, self.elem, len(buf))
        while last > self.elem:
            start = self.elem
            cut = _last_boundary(buf, start, start + self.span) if last - start > self.span else -1
            cut = last if cut < 0 else cut
            try:
                values = msgspec.json.decode(b"[" + buf[start:cut] + b"]")
            except (msgspec.DecodeError, UnicodeDecodeError):
                if cut - start <= _PIECE or self.span <= _PIECE:
                    self.stop = cut  # a bad element, or a cut in a string: _scan sorts it out
                    return
                self.span = max(_PIECE, min(self.span, cut - start) // 2)
                continue
            self.rows.extend(values)
            self.count += len(values)
            self.elem = self.scan = cut + 1
            self.span = min(_BLOCK, self.span * 2)

    def _scan(self) -> bool:
        """Walk the tokens from ``scan``: each comma at the array's depth ends an element.
        True when it stops at the first such comma past ``stop``, for runs to go on."""
        buf, start = self.buf, self.scan
        self.scan = len(buf)
        for token in _TOKEN.finditer(buf, start):
            at = token.start()
            char = buf[at]
            if char == _QUOTE:
                if token.end() - at == 1:  # a string this block does not end
                    self.scan = len(buf) if self.eof else at
                    break
            elif char in _OPEN:
                self.depth += 1
            elif char in _CLOSE:
                self.depth -= 1
                if self.depth == 0:
                    if self._element(at, last=True):
                        return True
                    self._after(token.end())
                    return False
            elif char == _COMMA and self.depth == 1:
                if self._element(at):
                    return True
                self.elem = token.end()
                if at >= self.stop and self.big is None:
                    self.scan = self.elem
                    return True
        if self.big is None and self.depth > 1 and self.scan - self.elem > _ELEMENT_CAP:
            self.big = (self.base + self.elem, buf[self.elem : self.elem + _RAW_CAP])
        if self.big is not None:
            self.elem = self.scan
        return False

    def _where(self) -> str:
        """Which element is being read, and where it begins."""
        n = self.count
        text = self.buf[self.elem : self.elem + 4096]
        offset = self.big[0] if self.big else self.base + self.elem + len(text) - len(text.lstrip())
        return f"element {n + 1} of the array (position {n}, at byte {offset})"

    def _element(self, end: int, last: bool = False) -> bool:
        """The element from ``elem`` to ``end``, decoded, or set aside saying why. True when
        a bad one took in elements after it (a quote missing pairs the quotes after it
        anew): it is cut where the next element decodes, and reading goes on from there."""
        text = self.buf[self.elem : end]
        if last and self.count == 0 and not text.strip() and self.big is None:
            return False  # an empty array
        row: Any
        if self.big is not None:
            row = _Unreadable(
                self.big[1].decode("utf-8", "replace"),
                f"{self._where()} is longer than {_ELEMENT_CAP >> 20} MB, too long for a "
                "row: it is set aside and the elements after it are read",
            )
            self.big = None
        else:
            row = self._decoded(text)
            if isinstance(row, _Unreadable) and self._cut(text):
                return True
        self.rows.append(row)
        self.count += 1
        return False

    def _cut(self, text: bytes) -> bool:
        """Whether the bad element ``text`` (from ``elem``) took in elements after it: if
        so, it alone is set aside and reading goes on after it (``_next_element``)."""
        cut = _next_element(text)
        if cut is None:
            return False
        self.rows.append(self._decoded(text[:cut]))
        self.count += 1
        self.elem = self.scan = self.elem + cut + 1
        self.depth = 1
        return True

    def _decoded(self, text: bytes) -> Any:
        try:
            return msgspec.json.decode(text)
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            problem = "an empty element (a comma with no value before it)"
            problem = problem if not text.strip() else str(exc)
            after = f"after element {self.count} of the array" if self.count else "at its start"
            reason = (
                f"not valid JSON {after}: {self._where()}: {problem}; it is set aside and the "
                "elements after it are read"
            )
            if _last_boundary(text, 0, len(text)) >= 0:  # e.g. a quote missing: they pair anew
                reason += (
                    f" (its {len(text)} bytes hold what look like further elements, taken "
                    "into it where its quotes or brackets do not pair: repair it and ingest "
                    f"{self.path.name} again to read them)"
                )
            if self.encoding not in _UTF8 and not _is_utf8(text):
                reason = _not_of(self.encoding, self._where())
            return _Unreadable(text.strip()[:_RAW_CAP].decode("utf-8", "replace"), reason)

    def _after(self, end: int) -> None:
        """The array is closed at ``end``: anything but white space after it is one record."""
        self.closed = True
        rest = self.buf[end:]
        while not rest.strip() and not self.eof:
            rest = self.stream.read(_BLOCK)
            self.eof = not rest
        if rest.strip():
            reason = (
                f"text after the array's closing bracket (at byte {self.base + end}): the "
                f"file holds more than one JSON value; it is not read: repair {self.path.name} "
                "and ingest it again"
            )
            self.rows.append(_Unreadable(rest[:_RAW_CAP].decode("utf-8", "replace"), reason))

    def _unclosed(self) -> bool:
        """The file ended before the array's closing bracket. True when the element left
        open took in elements after it (``_next_element``): reading goes on there."""
        if self.closed:
            return False
        text = self.buf[self.elem :]
        if self.depth == 1 and text.strip() and self.big is None:
            row = self._decoded(text)
            if not isinstance(row, _Unreadable):
                self.rows.append(row)
                self.count += 1
                text = b""
        if self.depth == 1 and not text.strip() and self.big is None:
            reason = (
                f"the file ends after element {self.count} of the array without its closing "
                f"bracket: it may be cut short (check that {self.path.name} is complete)"
            )
            self.rows.append(_Unreadable("", reason))
            self.closed = True
            return False
        if self.big is None and self._cut(text):
            return True
        head = self.big[1] if self.big else text[:_RAW_CAP]
        reason = (
            f"the file ends inside {self._where()}: its brackets or quotes never close, so "
            "no element after it can be told apart; the rest of the file from there is set "
            f"aside as this one record: repair it (or its cut-short end) and ingest "
            f"{self.path.name} again"
        )
        self.rows.append(_Unreadable(head.decode("utf-8", "replace"), reason))
        self.closed = True
        return False


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def unreadable(path: Path, fmt: str, spec: TableSpec | None = None) -> str | None:
    """Why a tabular file cannot be read at all (checked before anything is stored), or
    None; with ``spec``, also a CSV or Parquet header that lacks a mapped column."""
    if path.stat().st_size == 0:
        return "the file is empty (0 bytes)"
    header: list[str] | None = None
    try:
        if fmt == "parquet":
            header = pq.read_schema(path).names
        elif fmt == "csv":
            options = pacsv.ReadOptions(block_size=1 << 20, use_threads=False)
            parse = _parse_options(spec or TableSpec(""), _skip)
            with open_archive(path) as raw:
                fh = utf8_stream(raw, file_encoding(raw, spec.encoding if spec else None))
                header = _csv_header(fh, options, parse)
    except (pa.ArrowInvalid, OSError, UnicodeError) as exc:
        return f"not a readable {'Parquet' if fmt == 'parquet' else 'CSV'} file: {exc}"
    if spec is not None and header is not None:
        return header_problem(header, spec, noun="schema" if fmt == "parquet" else "header")
    return None


@dataclass
class _Unreadable:
    raw: str
    reason: str


def _skip(row: Any) -> str:
    return "skip"


def _quarantine_into(invalid: _Invalid, lines: _Lines | _Fed) -> Any:
    def handle(row: Any) -> str:
        # Arrow numbers records (the header is 1; empty lines are none), not lines
        record = row.number - 2 if row.number is not None else None
        with invalid.lock:  # called on Arrow's threads, and more than one of them
            line = lines.line(record) if record is not None else None
            where = "a row" if line is None else f"line {line + 1}"
            reason = f"{where}: expected {row.expected_columns} columns, got {row.actual_columns}"
            invalid.rows.append(
                (-1 if record is None else record, _Unreadable(str(row.text), reason))
            )
        return "skip"

    return handle


class _Invalid:
    """Ragged rows as Arrow's invalid-row handler meets them (``_quarantine_into``), each
    with the record it is (0-based; -1: not told). The handler runs on Arrow's threads,
    which parse a block ahead of the batch the reader gives: a row is given out with the
    batch that holds it, in its place (``placed``), never with an earlier one, and taking
    rows out is locked against the handler adding one."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[int, _Unreadable]] = []

    def placed(self, good: list[Any], done: int) -> list[Any]:
        """The rows of a batch whose first record is ``done``, in file order: ``good``,
        the rows Arrow parsed, and the ragged rows among or just after them."""
        with self.lock:
            pending = sorted(self.rows, key=lambda seen: seen[0])
            out: list[Any] = []
            used = 0  # rows of ``good`` placed
            for record, row in pending:
                before = len(good) - used if record < 0 else max(0, record - done - len(out))
                if before > len(good) - used:
                    break  # of a block parsed ahead: it goes with a later batch
                out += good[used : used + before]
                used += before
                out.append(row)
            self.rows = pending[len(out) - used :]
        return [*out, *good[used:]]

    def rest(self) -> list[Any]:
        """The ragged rows not given out yet (at the end of the text), in file order."""
        with self.lock:
            rows, self.rows = sorted(self.rows, key=lambda seen: seen[0]), []
        return [row for _, row in rows]


class _Lines:
    """Where records of a CSV file begin: ``line(k)`` is the line (0-based; the header is
    0) where the k-th record (0-based) read from line ``start`` begins. Records may span
    lines (quoted newlines) and empty lines are none, as Arrow reads them. The file is
    read once, as far as asked, and only when asked (for a ragged row)."""

    def __init__(self, path: Path, encoding: str, delimiter: str, start: int) -> None:
        self.path, self.encoding, self.delimiter, self.start = path, encoding, delimiter, start
        self.stack = contextlib.ExitStack()
        self.reader: Any = None
        self.count = 0  # records passed
        self.next_line = start  # where the next record begins
        self.last = (-1, start)  # the last record passed and its line

    def line(self, k: int) -> int | None:
        """The line where record k begins; None when the file holds fewer records."""
        if self.reader is None:
            csv.field_size_limit(sys.maxsize)
            text = self.stack.enter_context(_text_lines(self.path, self.encoding))
            lines = itertools.islice(text, self.start, None)
            self.reader = csv.reader(lines, delimiter=self.delimiter)
        while self.count <= k:
            begins = self.next_line
            try:
                record = next(self.reader)
            except (StopIteration, csv.Error):
                return None
            self.next_line = self.start + self.reader.line_num
            if record:
                self.last = (self.count, begins)
                self.count += 1
        return self.last[1] if self.last[0] == k else None

    def close(self) -> None:
        self.stack.close()


def _csv_header(fh: IO[bytes], options: pacsv.ReadOptions, parse: pacsv.ParseOptions) -> list[str]:
    """The column names of CSV text. Arrow reads them with the first block, which must
    hold the first record whole: a longer one (a value of many MB) is read with longer
    blocks. A header line with no line end after it (a file of the header alone) is read
    as if it had one. A ragged row whose text is not UTF-8 (``_UNDECODABLE``) stops Arrow
    reading the block: the rows up to it are passed over unparsed (their columns do not
    matter here; the read of the rows sets it aside). Each reader reads ``fh`` through a
    ``_Fence``, closed before ``fh`` is sought back: its read-ahead lands in no later read."""
    start = fh.tell()
    size = options.block_size
    text = fh
    skip = 0
    try:
        while True:
            read = pacsv.ReadOptions(block_size=size, use_threads=False, skip_rows_after_names=skip)
            try:
                with _fenced(text) as fence, _quiet_handlers():
                    csv_reader = pacsv.open_csv(fence, read_options=read, parse_options=parse)
                    return list(csv_reader.schema.names)
            except pa.ArrowInvalid as exc:
                text.seek(0 if text is not fh else start)
                undecodable = _UNDECODABLE.match(str(exc))
                if undecodable is not None:
                    skip = max(2 * skip, int(undecodable.group(1)))
                    continue
                if _too_long(exc) and size < _MAX_BLOCK:
                    size *= 4
                    continue
                line = text.read(size + 1) if _no_line_end(exc) and text is fh else b""
                if not line.strip() or len(line) > size or b"\n" in line or b"\r" in line:
                    raise
                text = io.BytesIO(line + b"\n")
    finally:
        fh.seek(start)


def _unreadable_file(path: Path, kind: str, exc: Exception) -> InputError:
    return InputError(
        f"{path}: not a readable {kind} file: {exc}",
        hint=f"check that the file is {kind} (for CSV: UTF-8 text with a header line first), "
        "or pass --format with its real format",
    )


def _decoded(batch: pa.RecordBatch, encoding: str = "utf-8") -> list[Any]:
    """The rows of a batch of raw (binary) CSV columns, as text; a row whose bytes are not
    UTF-8 (not of the file's encoding) becomes an unreadable row naming its column."""
    try:
        columns = [column.cast(pa.string()) for column in batch.columns]
    except pa.ArrowInvalid:  # some value is not UTF-8: find the rows, keep the rest
        return [_decoded_row(row, encoding) for row in batch.to_pylist()]
    rows: list[Any] = pa.RecordBatch.from_arrays(columns, names=batch.schema.names).to_pylist()
    return rows


def _decoded_row(
    row: dict[str, bytes | None], encoding: str = "utf-8"
) -> dict[str, str | None] | _Unreadable:
    decoded: dict[str, str | None] = {}
    for name, value in row.items():
        try:
            decoded[name] = None if value is None else value.decode()
        except UnicodeDecodeError as exc:
            raw = {k: None if v is None else v.decode("utf-8", "replace") for k, v in row.items()}
            reason = _not_of(encoding, f"column {name!r} at byte {exc.start}")
            return _Unreadable(_dump(raw), reason)
    return decoded


def _rows(batches: Iterator[list[Any]], path: Path, spec: TableSpec) -> Iterator[Item]:
    zone = ZoneInfo(spec.tz)
    occurrences: dict[bytes, int] = {}
    names_seen: set[tuple[str, str]] = set()
    position = 0
    for rows in batches:
        for row in rows:
            item = _row_to_item(row, position, spec, zone, occurrences)
            position += 1
            if isinstance(item, Post) and item.account_name:
                key = (item.account_id, item.account_name)
                if key not in names_seen:
                    names_seen.add(key)
                    yield NameSeen(spec.platform, item.account_id, item.account_name, item.ts)
            yield item


def _row_to_item(
    row: Any, position: int, spec: TableSpec, zone: ZoneInfo, occurrences: dict[bytes, int]
) -> Post | Quarantined:
    if isinstance(row, _Unreadable):
        return Quarantined(position, row.reason, row.raw)
    if not isinstance(row, dict):
        return Quarantined(
            position,
            f"a row that is {_kind(row)}, not an object with the mapped columns",
            _dump(row),
        )
    try:
        return _post(row, position, spec, zone, occurrences)
    except _BadRow as exc:
        return Quarantined(position, str(exc), _dump(row), spec.platform)


class _BadRow(Exception):
    pass


def _post(
    row: dict[str, Any],
    position: int,
    spec: TableSpec,
    zone: ZoneInfo,
    occurrences: dict[bytes, int],
) -> Post:
    account = _text(row, spec.column("account"))
    if not account:
        raise _BadRow(f"no account: column {spec.column('account')!r} is empty or missing")
    raw_time = _text(row, spec.column("time"))
    value = row.get(spec.column("time") or "")
    try:
        ts = _aware_utc(value, zone) if isinstance(value, date) else None
        ts = ts or parse_time(raw_time, spec.time_format, zone)
    except SkippedLocalTime as exc:
        raise _BadRow(
            f"no such time: {raw_time!r} in column {spec.column('time')!r} is "
            f"{exc.local.isoformat(sep=' ')}, a local time that never happened in "
            f"{zone.key} (the clocks went forward over it); check --tz, the zone the "
            "times were written in, or repair the row"
        ) from None
    if ts is None:
        raise _BadRow(
            f"no parseable time: {raw_time!r} in column {spec.column('time')!r} does not "
            f"match --time-format {spec.time_format or 'iso'}"
        )
    account_id = _text(row, spec.column("account_id")) or account
    text = _text(row, spec.column("text"))
    message_id = _message_id(row, spec, account_id, raw_time, text, occurrences)
    links_column = spec.column("links")
    links = _links(row, links_column) + find_urls(text)
    return Post(
        position=position,
        platform=spec.platform,
        account_id=account_id,
        message_id=message_id,
        ts=ts,
        kind=_text(row, spec.column("kind")) or "text",
        text=text,
        links=links,
        forwarded_from=_forwarded_from(row, spec, text),
        reply_to=_optional_int(row, spec.column("reply_to")),
        author=_text(row, spec.column("author")) or None,
        account_name=account,
    )


def _forwarded_from(row: dict[str, Any], spec: TableSpec, text: str) -> str | None:
    """The mapped forwarded_from value; without one (no column, or empty in this row) and
    with ``retweets_as_forwards``, the handle a retweet's text names (``retweeted``)."""
    mapped = _text(row, spec.column("forwarded_from"))
    if mapped:
        return mapped
    return retweeted(text) if spec.retweets_as_forwards else None


def _message_id(
    row: dict[str, Any],
    spec: TableSpec,
    account_id: str,
    raw_time: str,
    text: str,
    occurrences: dict[bytes, int],
) -> int:
    column = spec.column("message_id")
    if column:
        value = row.get(column)
        try:
            number = _integer(value)
        except (TypeError, ValueError):
            raise _BadRow(f"message id {value!r} in column {column!r} is not an integer") from None
        if not _INT64_MIN <= number <= _INT64_MAX:
            raise _BadRow(f"message id {value!r} in column {column!r} is beyond 64 bits")
        return number
    content = f"{account_id}\x1f{raw_time}\x1f{text}".encode()
    digest = hashlib.blake2b(content, digest_size=16).digest()
    seen = occurrences.get(digest, 0)
    occurrences[digest] = seen + 1
    stable = hashlib.blake2b(digest + seen.to_bytes(4, "big"), digest_size=8).digest()
    return int.from_bytes(stable, "big") >> 1  # fits a signed BIGINT


class SkippedLocalTime(ValueError):
    """A local time without an offset that never happened in its zone (a DST gap)."""

    def __init__(self, local: datetime, zone: ZoneInfo) -> None:
        super().__init__(f"{local.isoformat()} never happened in {zone.key}")
        self.local = local
        self.zone = zone


def wall_time_utc(local: datetime, zone: ZoneInfo) -> datetime | None:
    """A naive wall time in ``zone`` as naive UTC; in a fall-back overlap the earlier
    instant (fold 0). None for one that never happened (the clocks went forward over it):
    it does not come back from a round trip through UTC."""
    utc = local.replace(tzinfo=zone).astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local:
        return None
    return utc.replace(tzinfo=None)


def skipped_local(local: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive wall time never happened in ``zone`` (``wall_time_utc``)."""
    return wall_time_utc(local, zone) is None


def _in_zone(local: datetime, zone: ZoneInfo) -> datetime:
    """``wall_time_utc``; SkippedLocalTime for a wall time that never happened."""
    utc = wall_time_utc(local, zone)
    if utc is None:
        raise SkippedLocalTime(local, zone)
    return utc


def parse_time(raw: str, fmt: str | None, zone: ZoneInfo) -> datetime | None:
    """A UTC naive datetime from a raw value, or None when it cannot be read; a local time
    that never happened in ``zone`` raises SkippedLocalTime."""
    if not raw:
        return None
    try:
        if fmt == "unix":
            return datetime.fromtimestamp(_epoch_seconds(float(raw)), UTC).replace(tzinfo=None)
        value = datetime.strptime(raw, fmt) if fmt and fmt != "iso" else _iso(raw)
    except (ValueError, OverflowError, OSError):
        return None
    if value.tzinfo is None:
        return _in_zone(value, zone)
    return value.astimezone(UTC).replace(tzinfo=None)


def _epoch_seconds(value: float) -> float:
    """Seconds since 1970 from a unix time in seconds, milliseconds or microseconds (as
    JavaScript, Java and many scrapers write it): a value of 10**11 or more as seconds
    would be after the year 5000, so it is milliseconds (10**14 and more: microseconds)."""
    if abs(value) >= 1e14:
        return value / 1e6
    return value / 1e3 if abs(value) >= 1e11 else value


_UTC_WORD = re.compile(r"\s*(?:UTC|GMT)$", re.I)


def _iso(raw: str) -> datetime:
    """An ISO 8601 time; a trailing "Z", " UTC" or " GMT" (as database exports write
    "2016-05-01 12:00:00 UTC") means UTC."""
    return datetime.fromisoformat(_UTC_WORD.sub("+00:00", raw.strip()).replace("Z", "+00:00"))


def _aware_utc(value: date, zone: ZoneInfo) -> datetime:
    """A time a typed column holds (Parquet timestamps and dates), as naive UTC; a naive
    one is read in the ``--tz`` zone."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    if moment.tzinfo is None:
        return _in_zone(moment, zone)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _integer(value: Any) -> int:
    """An integer column value: an int, a whole float, or text of an integer (ValueError or
    TypeError otherwise: a bool, a fraction, an object)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not an id")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("a fraction is not an id")
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        # spreadsheets write whole numbers as "12.0": the same id as 12 (and as JSON's 12.0)
        whole = _WHOLE.fullmatch(value.strip())
        return int(whole.group(1)) if whole else int(value)
    raise TypeError(f"{_kind(value)} is not an id")


def _text(row: dict[str, Any], column: str | None) -> str:
    """The text of a column: a string as it is, a number or time as written; a value of
    another type (an object, a list, true/false, bytes that are not UTF-8) is a bad row."""
    if not column:
        return ""
    value = row.get(column)
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, int | float | Decimal | date) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeDecodeError:
            pass
    raise _BadRow(
        f"column {column!r} holds {_kind(value)} ({_dump(value)[:80]}), not text; "
        "map a column of plain values (--map FIELD=COLUMN) or repair the row"
    )


def _links(row: dict[str, Any], column: str | None) -> list[str]:
    """URLs of the links column: text separated by whitespace, or a list of texts."""
    value = row.get(column) if column else None
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [url for v in value for url in v.split()]
    return _text(row, column).split()


def _kind(value: Any) -> str:
    """What a JSON/Parquet value is, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bytes):
        return "bytes that are not UTF-8"
    return "a number" if isinstance(value, int | float | Decimal) else type(value).__name__


def _optional_int(row: dict[str, Any], column: str | None) -> int | None:
    value = row.get(column) if column else None
    try:
        number = _integer(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and _INT64_MIN <= number <= _INT64_MAX else None


def _dump(row: Any) -> str:
    return msgspec.json.encode(row, enc_hook=str).decode()
