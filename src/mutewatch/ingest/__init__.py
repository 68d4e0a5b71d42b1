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

import hashlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mutewatch.errors import InputError, UsageError
from mutewatch.ingest import feeds, tabular, telegram
from mutewatch.ingest.parallel import gc_paused, read_in_worker, worker_allowed
from mutewatch.model import Item, NameSeen, PostBatch, Record
from mutewatch.store import Store
from mutewatch.store.writer import Counts, SourceWriter

__all__ = ["FORMATS", "FileReport", "IngestOptions", "IngestReport", "discover", "ingest"]

BATCH_RECORDS = 50_000
ProgressCallback = Callable[[Path, int, int], None]  # (file, bytes done, bytes total)


@dataclass
class IngestOptions:
    """What the CLI's ingest options mean, as a value."""

    format: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)
    time_format: str | None = None
    tz: str = "UTC"
    platform: str | None = None

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


@dataclass
class FileReport:
    path: str
    format: str
    source_id: int
    status: str  # new | resumed | already ingested
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
        return {**totals, "files": [f.as_dict() for f in self.files]}


def _telegram(fh: IO[bytes], path: Path, options: IngestOptions) -> Iterator[Item]:
    return telegram.read(fh, path, options.tz)


def _tabular(reader: Callable[..., Iterator[Item]]) -> Callable[..., Iterator[Item]]:
    def read(fh: IO[bytes], path: Path, options: IngestOptions) -> Iterator[Item]:
        if not options.platform:
            raise UsageError(
                f"{path}: a tabular file needs --platform",
                hint="say which platform the rows come from, e.g. --platform twitter",
            )
        spec = tabular.TableSpec(options.platform, options.mapping, options.time_format, options.tz)
        return reader(fh, path, spec)

    return read


def _feed(fh: IO[bytes], path: Path, options: IngestOptions) -> Iterator[Item]:
    return feeds.read(fh, path, options.platform or "web")


FORMATS: dict[str, Callable[[IO[bytes], Path, IngestOptions], Iterator[Item]]] = {
    "telegram": _telegram,
    "csv": _tabular(tabular.read_csv),
    "jsonl": _tabular(tabular.read_jsonl),
    "parquet": _tabular(tabular.read_parquet),
    "feed": _feed,
}
_BY_SUFFIX = {
    ".json": "telegram",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


def discover(paths: Iterable[Path], fmt: str = "auto") -> list[tuple[Path, str]]:
    """Every file to read under the given paths (folders searched recursively), with its format."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder", hint="check the path")
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            detected = fmt if fmt != "auto" else _BY_SUFFIX.get(candidate.suffix.lower())
            if detected is None:
                if not path.is_dir():
                    raise InputError(
                        f"{candidate}: cannot tell the format from the name",
                        hint="pass --format telegram|csv|jsonl|parquet|feed",
                    )
                continue
            is_other_json = detected == "telegram" and not _looks_like_telegram(candidate)
            if path.is_dir() and fmt == "auto" and is_other_json:
                continue
            found.append((candidate, detected))
    return found


def _looks_like_telegram(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    return b'"messages"' in head or b'"chats"' in head


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def ingest(
    store: Store,
    paths: Iterable[Path],
    options: IngestOptions | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest every file under ``paths``; re-attribute posts to outlets at the end."""
    from mutewatch.outlets import attribute

    opts = options or IngestOptions()
    opts.validate()
    report = IngestReport()
    for path, fmt in discover(paths, opts.format):
        report.files.append(ingest_file(store, path, fmt, opts, progress))
    attribute(store)
    return report


def ingest_file(
    store: Store,
    path: Path,
    fmt: str,
    options: IngestOptions,
    progress: ProgressCallback | None = None,
) -> FileReport:
    """Read one file into the store, batch by batch, resuming an interrupted run."""
    size = path.stat().st_size

    def parsed() -> Generator[tuple[list[Record], list[NameSeen], int, int], None, None]:
        with path.open("rb") as fh, gc_paused():
            yield from _batches(FORMATS[fmt](fh, path, options), fh)

    # In a reader process, the first batches are parsed while this one hashes the file,
    # and each later one while this one writes the one before.
    batches = read_in_worker(parsed, str(path)) if worker_allowed() else parsed()
    try:
        writer = SourceWriter(store, str(path), fmt, sha256_of(path), size)
        with gc_paused():
            for records, names, position_after, offset in batches:
                writer.write(records, names, position_after)
                if progress:
                    progress(path, offset, size)
    finally:
        batches.close()
    writer.finish()
    status = (
        "already ingested"
        if writer.state.previously_done
        else ("resumed" if writer.resume_from else "new")
    )
    return FileReport(str(path), fmt, writer.source_id, status, writer.run)


def _batches(
    items: Iterator[Item], fh: IO[bytes]
) -> Iterator[tuple[list[Record], list[NameSeen], int, int]]:
    """Records in groups of about BATCH_RECORDS, each with the file offset read so far."""
    records: list[Record] = []
    names: list[NameSeen] = []
    size = 0
    position_after = 0
    for item in items:
        if isinstance(item, NameSeen):
            names.append(item)
            continue
        records.append(item)
        if isinstance(item, PostBatch):
            size += len(item)
            position_after = max(position_after, item.last_position + 1)
        else:
            size += 1
            position_after = max(position_after, item.position + 1)
        if size >= BATCH_RECORDS:
            yield records, names, position_after, fh.tell()
            records, names, size = [], [], 0
    yield records, names, position_after, fh.tell()
