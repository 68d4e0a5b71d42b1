"""CSV, JSON Lines and Parquet exports, read through a column mapping.

The mapping names which column holds each canonical field (``--map FIELD=COLUMN``):

* required: ``account`` (account name or handle) and ``time``;
* optional: ``account_id``, ``message_id``, ``text``, ``kind``, ``forwarded_from``,
  ``reply_to``, ``author``, ``links`` (URLs separated by whitespace).

Where there is no ``message_id`` column, a stable id is derived from the account, the raw
time, the text and how many identical rows came before, so re-ingesting the same or an
overlapping file adds no duplicates. Times are parsed with ``--time-format`` (strptime; also
``iso`` (default) and ``unix``) in the ``--tz`` zone when they carry no offset. Across a
daylight-saving change, a local time that never happened in that zone (the clocks went
forward over it) is quarantined with its file, row and a reason naming the value, the
column and the zone: --tz is wrong or the row damaged, and no instant can be chosen for
it. One that happened twice (the clocks went back) is the earlier of the two instants, as
Telegram's local dates are (``ingest.telegram``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
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

    def column(self, name: str) -> str | None:
        return self.mapping.get(name) or (name if name in REQUIRED else None)


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


def read_csv(fh: IO[bytes], path: Path, spec: TableSpec) -> Iterator[Item]:
    """Rows of a CSV file (header first). Ragged rows and rows that are not UTF-8 are
    quarantined with their line or row and raw text; the other rows are read."""
    invalid: list[_Unreadable] = []
    parse = pacsv.ParseOptions(invalid_row_handler=_quarantine_into(invalid))
    options = pacsv.ReadOptions(block_size=16 << 20, use_threads=False)  # serial: stable order
    try:
        header = _csv_header(fh, options, pacsv.ParseOptions(invalid_row_handler=_skip))
        reader = pacsv.open_csv(
            fh,
            read_options=options,
            parse_options=parse,
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.binary())),
        )
    except pa.ArrowInvalid as exc:
        raise _unreadable_file(path, "CSV", exc) from None

    def batches() -> Iterator[list[Any]]:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise _unreadable_file(path, "CSV", exc) from None
            rows: list[Any] = [*invalid, *_decoded(batch)]
            invalid.clear()
            yield rows
        yield list(invalid)

    return _rows(batches(), path, spec)


def read_parquet(fh: IO[bytes], path: Path, spec: TableSpec) -> Iterator[Item]:
    try:
        parquet = pq.ParquetFile(fh)
    except (pa.ArrowInvalid, OSError) as exc:
        raise _unreadable_file(path, "Parquet", exc) from None

    def batches() -> Iterator[list[Any]]:
        try:
            for batch in parquet.iter_batches(BATCH_ROWS):
                yield batch.to_pylist()
        except (pa.ArrowInvalid, OSError) as exc:
            raise _unreadable_file(path, "Parquet", exc) from None

    return _rows(batches(), path, spec)


def read_jsonl(fh: IO[bytes], path: Path, spec: TableSpec) -> Iterator[Item]:
    def batches() -> Iterator[list[Any]]:
        rows: list[Any] = []
        for line in fh:
            if not line.strip():
                continue
            try:
                rows.append(msgspec.json.decode(line))
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:
                rows.append(_Unreadable(line.decode("utf-8", "replace"), f"not valid JSON: {exc}"))
            if len(rows) >= BATCH_ROWS:
                yield rows
                rows = []
        yield rows

    return _rows(batches(), path, spec)


def unreadable(path: Path, fmt: str) -> str | None:
    """Why a tabular file cannot be read at all (checked before anything is stored), or None."""
    if path.stat().st_size == 0:
        return "the file is empty (0 bytes)"
    try:
        if fmt == "parquet":
            pq.read_metadata(path)
        elif fmt == "csv":
            options = pacsv.ReadOptions(block_size=1 << 20, use_threads=False)
            with path.open("rb") as fh:
                _csv_header(fh, options, pacsv.ParseOptions(invalid_row_handler=_skip))
    except (pa.ArrowInvalid, OSError) as exc:
        return f"not a readable {'Parquet' if fmt == 'parquet' else 'CSV'} file: {exc}"
    return None


@dataclass
class _Unreadable:
    raw: str
    reason: str


def _skip(row: Any) -> str:
    return "skip"


def _quarantine_into(invalid: list[_Unreadable]) -> Any:
    def handle(row: Any) -> str:
        where = f"line {row.number}" if row.number is not None else "a row"
        reason = f"{where}: expected {row.expected_columns} columns, got {row.actual_columns}"
        invalid.append(_Unreadable(str(row.text), reason))
        return "skip"

    return handle


def _csv_header(fh: IO[bytes], options: pacsv.ReadOptions, parse: pacsv.ParseOptions) -> list[str]:
    start = fh.tell()
    header = pacsv.open_csv(fh, read_options=options, parse_options=parse).schema.names
    fh.seek(start)
    return list(header)


def _unreadable_file(path: Path, kind: str, exc: Exception) -> InputError:
    return InputError(
        f"{path}: not a readable {kind} file: {exc}",
        hint=f"check that the file is {kind} (for CSV: UTF-8 text with a header line first), "
        "or pass --format with its real format",
    )


def _decoded(batch: pa.RecordBatch) -> list[Any]:
    """The rows of a batch of raw (binary) CSV columns, as text; a row whose bytes are not
    UTF-8 becomes an unreadable row naming its column."""
    try:
        columns = [column.cast(pa.string()) for column in batch.columns]
    except pa.ArrowInvalid:  # some value is not UTF-8: find the rows, keep the rest
        return [_decoded_row(row) for row in batch.to_pylist()]
    rows: list[Any] = pa.RecordBatch.from_arrays(columns, names=batch.schema.names).to_pylist()
    return rows


def _decoded_row(row: dict[str, bytes | None]) -> dict[str, str | None] | _Unreadable:
    decoded: dict[str, str | None] = {}
    for name, value in row.items():
        try:
            decoded[name] = None if value is None else value.decode()
        except UnicodeDecodeError as exc:
            raw = {k: None if v is None else v.decode("utf-8", "replace") for k, v in row.items()}
            reason = f"invalid UTF-8 in column {name!r} at byte {exc.start}"
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
        forwarded_from=_text(row, spec.column("forwarded_from")) or None,
        reply_to=_optional_int(row, spec.column("reply_to")),
        author=_text(row, spec.column("author")) or None,
        account_name=account,
    )


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


def skipped_local(local: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive wall time never happened in ``zone`` (the clocks went forward over
    it): it does not come back from a round trip through UTC."""
    there = local.replace(tzinfo=zone)
    return there.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local


def _in_zone(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall time in ``zone`` as naive UTC; in a fall-back overlap the earlier
    instant (fold 0). Raises SkippedLocalTime for one that never happened."""
    utc = local.replace(tzinfo=zone).astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local:  # as ``skipped_local``, once
        raise SkippedLocalTime(local, zone)
    return utc.replace(tzinfo=None)


def parse_time(raw: str, fmt: str | None, zone: ZoneInfo) -> datetime | None:
    """A UTC naive datetime from a raw value, or None when it cannot be read; a local time
    that never happened in ``zone`` raises SkippedLocalTime."""
    if not raw:
        return None
    try:
        if fmt == "unix":
            return datetime.fromtimestamp(float(raw), UTC).replace(tzinfo=None)
        value = datetime.strptime(raw, fmt) if fmt and fmt != "iso" else _iso(raw)
    except (ValueError, OverflowError, OSError):
        return None
    if value.tzinfo is None:
        return _in_zone(value, zone)
    return value.astimezone(UTC).replace(tzinfo=None)


def _iso(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


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
