"""Ingest archives into the store: find files, pick a format, stream records, account for all.

Library use::

    from mutewatch.ingest import IngestOptions, ingest
    from mutewatch.store import Store
    with Store.open("mutewatch.duckdb") as store:
        report = ingest(store, [Path("exports/")], IngestOptions())
        assert report.read == report.new + report.duplicates + report.quarantined + report.skipped

Formats register by name in ``FORMATS``; each is a function ``(fh, path, options) -> records``.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import IO, Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mutewatch.errors import InputError, UsageError
from mutewatch.ingest import feeds, files, tabular, telegram, telegram_html
from mutewatch.ingest.parallel import gc_paused, read_in_worker, worker_allowed
from mutewatch.model import Item, NameSeen, PostBatch, Record, record_weight
from mutewatch.store import Store
from mutewatch.store.writer import (
    DENSE_ID_SPAN_PER_POST,
    SEQUENTIAL_ID_PLATFORMS,
    Counts,
    SourceWriter,
)

__all__ = [
    "DENSE_ID_SPAN_PER_POST",
    "FORMATS",
    "SEQUENTIAL_ID_PLATFORMS",
    "FileReport",
    "IngestOptions",
    "IngestReport",
    "discover",
    "ingest",
]

BATCH_RECORDS = 50_000
# A store batch also ends once its records weigh BATCH_BYTES (``record_weight``: text, links,
# media, a quarantined record's raw text; a PostBatch's Arrow tables): 50,000 entries of
# full article HTML (20 KB each) would otherwise be held as Posts and again in Arrow and
# DuckDB, GBs at once. 10,000 such entries, peak RSS: 1977 MB by count alone, 1105 / 563 /
# 460 MB at 64 / 16 / 4 MiB, the same CPU (benchmarks/ingest_feeds.py).
BATCH_BYTES = 16 << 20
# A finished file read again with other options (--map, --time-format, --tz, --platform):
# records it quarantined before and now reads are stored; posts already stored keep the
# values of their first reading (a post's key is its platform, account and id); the file's
# sources row holds this reading's counts.
REREAD = "re-read with other options"
RETWEETS_HINT = (
    "it applies to CSV, TSV, JSON Lines and Parquet rows; Telegram exports and feeds mark "
    "their forwards themselves, so ingest them in a run of their own without it"
)
ProgressCallback = Callable[[Path, int, int], None]  # (file, bytes done, bytes total)
OverallCallback = Callable[[int, int, int], None]  # (files done, files, records read)


@dataclass
class IngestOptions:
    """What the CLI's ingest options mean, as a value."""

    format: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)
    time_format: str | None = None
    tz: str = "UTC"
    platform: str | None = None
    encoding: str | None = None  # of CSV / JSON Lines text; None: UTF-8 or its byte-order mark
    delimiter: str | None = None  # of CSV fields; None: "," (a tab in a .tsv file)
    # tabular rows whose text begins "RT @handle" are forwards from handle (tabular.retweeted)
    retweets_as_forwards: bool = False

    def validate(self) -> None:
        if self.format not in ("auto", *FORMATS):
            raise UsageError(
                f"unknown format {self.format!r}",
                hint=f"use one of auto, {', '.join(FORMATS)}",
            )
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(
                f"unknown time zone {self.tz!r}", hint="use an IANA name such as Europe/Berlin"
            ) from None
        tabular.check_mapping(self.mapping)
        tabular.check_time_format(self.time_format)
        tabular.check_encoding(self.encoding)
        _ = self.field_delimiter  # normalised and checked once, here first
        if self.retweets_as_forwards and self.format not in ("auto", *_TABULAR):
            raise UsageError(
                f"--retweets-as-forwards reads tabular files only, not --format {self.format}",
                hint=RETWEETS_HINT,
            )

    @cached_property
    def field_delimiter(self) -> str | None:
        """The one character ``delimiter`` names ("tab" and "\\t" mean a tab), or None when
        none was given; normalised here only, once (a UsageError if it names none, raised
        by ``validate`` where the other options' errors are)."""
        return tabular.check_delimiter(self.delimiter)

    def table_spec(self, path: Path) -> tabular.TableSpec:
        """How a tabular file at ``path`` is read with these options."""
        delimiter = self.field_delimiter
        if delimiter is None:
            delimiter = "\t" if files.inner_suffix(path) in _TAB_SUFFIXES else ","
        return tabular.TableSpec(
            self.platform or "",
            self.mapping,
            self.time_format,
            self.tz,
            encoding=self.encoding,
            delimiter=delimiter,
            retweets_as_forwards=self.retweets_as_forwards,
        )


@dataclass
class FileReport:
    path: str
    format: str
    source_id: int
    status: str  # new | resumed | already ingested | re-read with other options (REREAD)
    counts: Counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "source_id": self.source_id,
            "status": self.status,
            **self.counts.as_dict(),
        }


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    skipped_files: list[SkippedFile] = field(default_factory=list)  # found, not archives
    # forwards the store leaves unattributed, their origin's name being shared by accounts
    # of different outlets (``outlets.ambiguous_forwards``)
    warnings: list[str] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(f.counts, name) for f in self.files)

    @property
    def read(self) -> int:
        return self._sum("read")

    @property
    def new(self) -> int:
        return self._sum("new")

    @property
    def duplicates(self) -> int:
        return self._sum("duplicates")

    @property
    def quarantined(self) -> int:
        return self._sum("quarantined")

    @property
    def skipped(self) -> int:
        return self._sum("skipped")

    def as_dict(self) -> dict[str, Any]:
        totals = {
            k: getattr(self, k) for k in ("read", "new", "duplicates", "quarantined", "skipped")
        }
        return {
            **totals,
            "files": [f.as_dict() for f in self.files],
            "skipped_files": [s.as_dict() for s in self.skipped_files],
            "warnings": list(self.warnings),
        }


def _telegram(fh: IO[bytes], path: Path, options: IngestOptions) -> Iterator[Item]:
    return telegram.read(fh, path, options.tz)


def _telegram_html(fh: IO[bytes], path: Path, options: IngestOptions) -> Iterator[Item]:
    return telegram_html.read(fh, path, options.tz)


def _tabular(reader: Callable[..., Iterator[Item]]) -> Callable[..., Iterator[Item]]:
    def read(fh: IO[bytes], path: Path, options: IngestOptions) -> Iterator[Item]:
        if not options.platform:
            raise UsageError(
                f"{path}: a tabular file needs --platform",
                hint="say which platform the rows come from, e.g. --platform twitter",
            )
        return reader(fh, path, options.table_spec(path))

    return read


def _feed(fh: IO[bytes], path: Path, options: IngestOptions) -> Iterator[Item]:
    return feeds.read(fh, path, options.platform or "web")


FORMATS: dict[str, Callable[[IO[bytes], Path, IngestOptions], Iterator[Item]]] = {
    "telegram": _telegram,
    "telegram-html": _telegram_html,
    "csv": _tabular(tabular.read_csv),
    "jsonl": _tabular(tabular.read_jsonl),
    "parquet": _tabular(tabular.read_parquet),
    "feed": _feed,
}
_BY_SUFFIX = {
    ".json": "telegram",
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


@dataclass(frozen=True)
class SkippedFile:
    """A file a folder walk found and did not read, with the reason (listed in the report)."""

    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


SUPPORTED = (
    "Telegram Desktop exports (JSON result.json, or HTML messages.html pages), CSV/TSV, "
    "JSON Lines, Parquet and RSS/Atom feeds, each also gzip-compressed (.gz) but Parquet"
)
HTML = "telegram-html"  # a Telegram Desktop HTML export: its pages read as one source
_TABULAR = ("csv", "jsonl", "parquet")
_TAB_SUFFIXES = (".tsv",)
_EXPORT_KEYS = frozenset({"messages", "chats", "left_chats"})
_EMPTY = "the file is empty (0 bytes): there is nothing to read"
_EXPORT_SCAN = 64 << 20  # the top-level export key must come within this many bytes


def discover(
    paths: Iterable[Path],
    fmt: str = "auto",
    options: IngestOptions | None = None,
    skipped: list[SkippedFile] | None = None,
) -> list[tuple[Path, str]]:
    """Every file to read under the given paths, with its format.

    A file named explicitly must be readable as its format, else an InputError names it,
    before anything is stored. A folder is searched recursively and gives only files that
    positively look like a supported archive:

    * inside a folder holding a Telegram export (a ``result.json`` that is one), only
      Telegram export JSON: the attachments under it are media, never archives;
    * a folder holding Telegram HTML export pages (``messages.html``, ``messages2.html``,
      ..., each may be gzip-compressed: ``messages2.html.gz``) and no JSON export is one
      HTML export, read from its first page: its other pages are read with it and the
      files under it are attachments;
    * elsewhere, ``.json`` that is a Telegram export (top-level ``messages``, ``chats`` or
      ``left_chats``), ``.xml``/``.rss``/``.atom`` whose root element is RSS or Atom, and
      ``.csv``/``.jsonl``/``.parquet`` when ``options`` give a platform;
    * with a format other than auto, only files of that format.

    An HTML export page named explicitly stands for its whole export (all the pages of its
    folder, read once from the first). Every other file found is added to ``skipped`` with
    the reason, so the account adds up. Without ``options``, tabular files in folders are
    taken as they are.
    """
    found: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder", hint="check the path")
        if path.is_dir():
            found += _walk(path, fmt, options, skipped if skipped is not None else [])
        else:
            detected = _explicit(path, fmt, options)
            if detected == HTML:
                path = telegram_html.first_page(path)
            found.append((path, detected))
    return _once(found)


def _once(found: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Each file once, where it was first found: a file named and also inside a folder
    named (``exp/result.json exp``), or two pages of one HTML export, is one source."""
    seen: set[Path] = set()
    once: list[tuple[Path, str]] = []
    for path, detected in found:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            once.append((path, detected))
    return once


def _detect(path: Path) -> str | None:
    """The format a file's name tells (an HTML export page by its name), or None."""
    if telegram_html.is_page_name(path.name):
        return HTML
    return _BY_SUFFIX.get(files.inner_suffix(path))


def _wanted(fmt: str, detected: str | None) -> bool:
    """Whether --format ``fmt`` takes a file of the ``detected`` format (``telegram`` takes
    both Telegram exports, JSON and HTML)."""
    return fmt in ("auto", detected) or (fmt == "telegram" and detected == HTML)


def _explicit(path: Path, fmt: str, options: IngestOptions | None) -> str:
    """The format of a file named on the command line, or the InputError why it is unreadable."""
    detected = _detect(path) if fmt in ("auto", "telegram") else fmt
    if fmt == "telegram" and detected != HTML:
        detected = fmt
    if detected is None:
        raise InputError(
            f"{path}: cannot tell the format from the name",
            hint="pass --format telegram|telegram-html|csv|jsonl|parquet|feed "
            f"(mutewatch reads {SUPPORTED})",
        )
    if detected == HTML:
        path = telegram_html.first_page(path)
    if detected in _TABULAR and options is not None and not options.platform:
        raise UsageError(
            f"{path}: a tabular file needs --platform",
            hint="say which platform the rows come from, e.g. --platform twitter",
        )
    reason = _unreadable_as(path, detected, options)
    if reason == _EMPTY:
        raise InputError(f"{path}: {reason}", hint="leave the file out, or pass the one you meant")
    if reason and reason.startswith(tabular.HEADER_PROBLEMS):
        raise InputError(f"{path}: {reason}", hint=tabular.HEADER_HINT)
    if reason:
        raise InputError(
            f"{path}: {reason}",
            hint=f"mutewatch reads {SUPPORTED}; pass the right file, or --format with its format",
        )
    return detected


def _walk(
    root: Path, fmt: str, options: IngestOptions | None, skipped: list[SkippedFile]
) -> list[tuple[Path, str]]:
    found_files = sorted(p for p in root.rglob("*") if p.is_file())
    verdicts: dict[Path, str | None] = {}  # why a .json file is not an export (None: it is)

    def not_export(path: Path) -> str | None:
        if path not in verdicts:
            verdicts[path] = _unreadable_as(path, "telegram")
        return verdicts[path]

    exports = {p.parent for p in found_files if p.name == "result.json" and not not_export(p)}
    html = _html_exports(found_files, exports)
    found: list[tuple[Path, str]] = []
    for path in found_files:
        export = next((d for d in path.parents if d in exports or d in html), None)
        detected = _detect(path)
        reason = _walk_reason(path, detected, fmt, options, export)
        if reason is None and detected == "telegram":
            reason = not_export(path)
        elif reason is None and detected == HTML:
            reason = _html_page_reason(path, html, exports)
        elif reason is None and detected is not None:
            reason = _unreadable_as(path, detected, options)
        if reason is None and detected is not None:
            found.append((path, detected))
        else:
            skipped.append(SkippedFile(str(path), reason or "not a supported archive"))
    return found


def _html_exports(found_files: list[Path], exports: set[Path]) -> dict[Path, Path]:
    """The folders holding a Telegram HTML export (their first page an export page and no
    JSON export beside it), with that first page."""
    folders = {p.parent for p in found_files if telegram_html.is_page_name(p.name)}
    firsts = {folder: telegram_html.first_page(folder) for folder in folders - exports}
    return {f: first for f, first in firsts.items() if not telegram_html.not_an_export(first)}


def _html_page_reason(path: Path, html: dict[Path, Path], exports: set[Path]) -> str | None:
    """Why a folder walk does not read an HTML export page itself, or None (a first page)."""
    first = html.get(path.parent)
    if first == path:
        return None
    plain = telegram_html.twin(path)
    if first is not None and plain is not None:
        return f"the page {plain.name} compressed; {plain.name} itself is read"
    if first is not None:
        return f"a page of the Telegram HTML export in {path.parent}: read with its first page"
    problem = _unreadable_as(path, HTML)
    if problem:
        return problem
    if path.parent in exports:
        return (
            f"a page of the Telegram export in {path.parent}, whose JSON export (result.json) "
            "is read instead"
        )
    first_name = telegram_html.first_page(path.parent).name
    return f"a page of an HTML export whose first page, {first_name}, is not an export page"


def _walk_reason(
    path: Path, detected: str | None, fmt: str, options: IngestOptions | None, export: Path | None
) -> str | None:
    """Why a folder walk passes over a file, as far as its name and place tell; else None."""
    page = detected == HTML and export == path.parent
    if export is not None and detected != "telegram" and not page:
        return f"an attachment of the Telegram export in {export} (media, not an archive)"
    if not _wanted(fmt, detected):
        return f"not a {fmt} file (--format {fmt} was given)"
    if detected is None:
        return (
            f"not a supported archive ({path.suffix or 'no suffix'}; mutewatch reads {SUPPORTED})"
        )
    if detected in _TABULAR and options is not None and not options.platform:
        return (
            f"a {detected} file in a folder is read only with --platform (and --map): "
            "pass them to include it"
        )
    return None


def _unreadable_as(path: Path, fmt: str, options: IngestOptions | None = None) -> str | None:
    """Why a file cannot be read as ``fmt`` at all (with ``options``: through their
    mapping), or None."""
    if path.stat().st_size == 0:
        return _EMPTY
    if files.is_compressed(path) and fmt == "parquet":
        return "a compressed Parquet file: Parquet compresses its own pages; decompress it"
    if fmt == "telegram":
        return _not_an_export(path)
    if fmt == HTML:
        return telegram_html.not_an_export(path)
    if fmt == "feed":
        return feeds.file_not_a_feed(path)
    return tabular.unreadable(path, fmt, options.table_spec(path) if options else None)


def _looks_like_telegram(path: Path) -> bool:
    """Whether a file is a Telegram Desktop export (single chat or full account)."""
    return _not_an_export(path) is None


def _not_an_export(path: Path) -> str | None:
    """Why a JSON file is not a Telegram export, or None when its top-level object has a
    ``messages``, ``chats`` or ``left_chats`` key; top-level keys are streamed, so one that
    comes after many megabytes of contacts and sessions is found."""
    import ijson

    depth = 0
    with files.open_archive(path) as fh:
        limited = _Limited(fh, _EXPORT_SCAN)
        try:
            for event, value in ijson.basic_parse(limited):
                if depth == 0 and event == "start_array":
                    return (
                        "not a Telegram Desktop export: its top level is a JSON array, not a "
                        "JSON object (if it holds one object per post, read it with "
                        "--format jsonl, --platform and --map)"
                    )
                if depth == 0 and event != "start_map":
                    return "not a Telegram Desktop export: its top level is not a JSON object"
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                elif depth == 1 and event == "map_key" and value in _EXPORT_KEYS:
                    return None
        except ijson.JSONError as exc:
            if limited.left == 0:
                return f"no top-level messages or chats key in its first {_EXPORT_SCAN >> 20} MB"
            return f"not a Telegram Desktop export: not valid JSON ({exc})"
    return "not a Telegram Desktop export: no top-level messages, chats or left_chats key"


class _Limited:
    """At most ``left`` bytes of a binary file."""

    def __init__(self, fh: IO[bytes], left: int) -> None:
        self.fh = fh
        self.left = left

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.fh.read(size)
        self.left -= len(data)
        return data


def ingest(
    store: Store,
    paths: Iterable[Path],
    options: IngestOptions | None = None,
    progress: ProgressCallback | None = None,
    overall: OverallCallback | None = None,
) -> IngestReport:
    """Ingest every file under ``paths``; re-attribute posts to outlets at the end.
    ``overall`` hears how far the run is before each file and at the end."""
    from mutewatch.outlets import ambiguous_forwards, attribute

    opts = options or IngestOptions()
    opts.validate()
    report = IngestReport()
    found = discover(paths, opts.format, opts, report.skipped_files)
    other = next(((p, f) for p, f in found if f not in _TABULAR), None)
    if opts.retweets_as_forwards and other is not None:
        raise UsageError(
            f"{other[0]}: --retweets-as-forwards reads tabular files only, not a {other[1]} file",
            hint=RETWEETS_HINT,
        )
    for path, fmt in found:
        if overall:
            overall(len(report.files), len(found), report.read)
        report.files.append(ingest_file(store, path, fmt, opts, progress))
    if overall:
        overall(len(report.files), len(found), report.read)
    attribute(store)
    report.warnings = ambiguous_forwards(store)
    return report


def ingest_file(
    store: Store,
    path: Path,
    fmt: str,
    options: IngestOptions,
    progress: ProgressCallback | None = None,
) -> FileReport:
    """Read one file into the store, batch by batch, resuming an interrupted run.

    An HTML export's pages are listed once (``ExportPages``): its size, its reading and
    its identity are of the same pages."""
    pages = telegram_html.ExportPages(path) if fmt == HTML else None
    size = pages.size if pages is not None else path.stat().st_size

    def parsed() -> Generator[tuple[list[Record], list[NameSeen], int, int], None, None]:
        with _open_source(path, pages) as raw, gc_paused():
            # an HTML export's pages decompress themselves, page by page
            fh = files.decompressed(raw) if files.is_compressed(path) and pages is None else raw
            yield from _batches(FORMATS[fmt](fh, path, options), raw)

    # In a reader process, the first batches are parsed while this one hashes the file,
    # and each later one while this one writes the one before.
    in_worker = worker_allowed()
    batches = read_in_worker(parsed, str(path)) if in_worker else parsed()
    try:
        writer = SourceWriter(
            store,
            str(path),
            fmt,
            pages.sha256() if pages is not None else files.sha256_of(path),
            size,
            derived_ids=_derives_ids(fmt, options),
            options=_options_key(fmt, options),
        )
        if in_worker:  # the main thread of a CLI: no other thread imports meanwhile
            _import_pandas()
        with gc_paused():
            for records, names, position_after, offset in batches:
                writer.write(records, names, position_after)
                if progress:
                    progress(path, offset, size)
    finally:
        batches.close()
    writer.finish()
    status = (
        REREAD
        if writer.reread
        else "already ingested"
        if writer.state.previously_done
        else ("resumed" if writer.resume_from else "new")
    )
    return FileReport(str(path), fmt, writer.source_id, status, writer.run)


def _open_source(path: Path, pages: telegram_html.ExportPages | None) -> IO[bytes]:
    """The bytes of a source: the file, or an HTML export's pages one after another."""
    if pages is not None:
        return cast(IO[bytes], pages)
    return path.open("rb")


def _options_key(fmt: str, options: IngestOptions) -> str:
    """The options that change how this format reads a file, as one comparable text."""
    if fmt in ("telegram", HTML):
        used: dict[str, Any] = {"tz": options.tz}
    elif fmt == "feed":
        used = {"platform": options.platform or "web"}
    else:
        used = {
            "platform": options.platform,
            "mapping": dict(sorted(options.mapping.items())),
            "time_format": options.time_format,
            "tz": options.tz,
        }
        # only when given: the options of sources read before these existed stay the same
        if options.encoding is not None:
            used["encoding"] = codecs.lookup(options.encoding).name
        if options.field_delimiter is not None:
            used["delimiter"] = options.field_delimiter
        if options.retweets_as_forwards:
            used["retweets_as_forwards"] = True
    return json.dumps({"format": fmt, **used}, sort_keys=True)


def _derives_ids(fmt: str, options: IngestOptions) -> bool:
    """Whether this read derives message ids from content (feeds; tables with no id column)."""
    return fmt == "feed" or (fmt in _TABULAR and not options.mapping.get("message_id"))


def _import_pandas() -> None:
    """Import pandas now: DuckDB imports it at the first batch it is handed (0.8 s), which
    would be on the writer's path; here the reader is still parsing the first batch."""
    import pandas  # noqa: F401


def _batches(
    items: Iterator[Item], fh: IO[bytes]
) -> Iterator[tuple[list[Record], list[NameSeen], int, int]]:
    """Records in groups of about BATCH_RECORDS, or of about BATCH_BYTES by weight
    (``model.record_weight``), whichever is reached first, each with the offset read so far
    in ``fh`` (the file as stored: compressed bytes for a .gz)."""
    records: list[Record] = []
    names: list[NameSeen] = []
    size = 0
    nbytes = 0
    position_after = 0
    for item in items:
        # a block's other records are taken out of its batch, so they cross once
        parts = (
            (replace(item, others=[]), *item.others)
            if isinstance(item, PostBatch) and item.others
            else (item,)
        )
        for one in parts:
            if isinstance(one, NameSeen):
                names.append(one)
                continue
            records.append(one)
            nbytes += record_weight(one)
            if isinstance(one, PostBatch):
                size += len(one)
                position_after = max(position_after, one.last_position + 1)
            else:
                size += 1
                position_after = max(position_after, one.position + 1)
        # never inside a PostBatch's block (see PostBatch.others): only after a whole item
        if size >= BATCH_RECORDS or nbytes >= BATCH_BYTES:
            yield records, names, position_after, fh.tell()
            records, names, size, nbytes = [], [], 0, 0
    yield records, names, position_after, fh.tell()
