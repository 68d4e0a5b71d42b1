"""``mutewatch moderate``: check comments against the publisher's terms, manage articles,
and evaluate the checks. A thin face over ``mutewatch.moderate``."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import click

from mutewatch.errors import InputError, MutewatchError

BATCH = 256  # comments decided together: 73/s at 256 against 58/s at 64 (measured)
WAIT = 30.0  # seconds to wait for a store another process holds
MAX_LINE_BYTES = 16 * 1024 * 1024
"""A ``moderate check`` line longer than this is refused unread: a comment's fields fit in
far fewer (the service refuses a body over 1 MB), and a line was held whole, then decoded and
parsed (a 200 MB line took the run to 1.1 GB; a JSON array of a whole export on one line
could take it out of memory, losing every line)."""
KEPT_BYTES = 64 * 1024  # of a line over the limit, the start kept in the quarantine file


def register(main: click.Group) -> None:
    """Add the ``moderate`` group to the main group."""
    from mutewatch.cli.measuring import json_errors

    json_errors(stats_cmd)
    json_errors(recount_cmd)
    main.add_command(moderate)


@click.group()
def moderate() -> None:
    """Moderate reader comments by the publisher's terms.

    Example: mutewatch moderate check < comments.jsonl > decisions.jsonl
    """


def _safe(text: str) -> str:
    """Text a UTF-8 terminal can print (a lone surrogate becomes its escape)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _parse_line(raw: bytes, policy: Any) -> tuple[Any, Any]:
    """One input line as a checked ``CommentInput`` and its ``id`` as given (a string or an
    integer, echoed as such in the output); InputError says what is wrong.

    The fields are checked by the service's own rules (``parse_comment``): the same limits
    (the policy's ``max_text_chars`` and ``max_name_chars``), valid Unicode, strings.
    """
    from mutewatch.moderate.service import parse_comment, read_json

    try:
        text = raw.decode("utf-8-sig")  # a byte order mark (Windows editors) is ignored
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    record = read_json(text, subject="")
    # not an object: parse_comment says what it is (an array, the number 42, null, ...)
    return parse_comment(record, policy, with_id=True, article_required=False), record["id"]


class _Topics:
    """Article vectors from the store, read on first use of each (article, parent) and kept.

    The store is opened read-only for each read and closed at once: a read-only connection
    shuts writers out, and ``mutewatch serve`` on the same store must be able to store
    comments during a long run. While another process holds the store, a read waits up to
    ``WAIT`` seconds, noting that it waits (the server then lets go at once); if the store
    stays locked, that line and every later line naming an article are refused with why.
    """

    WAIT = WAIT
    CACHE = 256  # topics kept (an article's vector and its latest 50 published comments')

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self._cache: OrderedDict[tuple[str, str | None], Any] = OrderedDict()
        self._busy: MutewatchError | None = None

    def get(self, article_id: str, parent_id: str | None) -> Any:
        """The topic of a comment on ``article_id`` (NotFoundError if the article is unknown)."""
        key = (article_id, parent_id)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        topic = self._read(article_id, parent_id)
        self._cache[key] = topic
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return topic

    def _read(self, article_id: str, parent_id: str | None) -> Any:
        from mutewatch.errors import StoreBusyError
        from mutewatch.moderate.service import ModerationService, ReadOnlyAccess
        from mutewatch.store import Store, when_free

        if not self.store_path.exists():
            raise InputError(
                f"a comment names article {article_id!r} but there is no store at "
                f"{self.store_path}",
                hint="add articles with `mutewatch moderate articles add`, or pass --store",
            )
        if self._busy is not None:  # a fresh error: re-raising one would grow its traceback
            raise type(self._busy)(self._busy.message, hint=self._busy.hint)
        try:
            store = when_free(
                self.store_path,
                lambda: Store.open(self.store_path, read_only=True),
                self.WAIT,
                poll=0.2,
            )
        except StoreBusyError as exc:
            self._busy = exc
            raise
        try:
            return ModerationService(ReadOnlyAccess(store.con)).topic(article_id, parent_id)
        finally:
            store.close()


class _SeenIds:
    """The ids of a ``moderate check`` run's lines, each with the first line that gave it.

    Kept as 8-byte digests (BLAKE2b of the id's UTF-8) with the line number shifted left
    once and whether that line gave the id as a number in the low bit: in memory, an
    open-addressing table of two ``array("Q")`` at most two thirds full (24 to 48 bytes an
    id, where a dict of the ids themselves took about 150), up to ``MAX_SLOTS`` slots (16
    MiB, about 700,000 ids). Past that the digests move to a private temporary SQLite file
    (``sqlite3.connect("")``: on disk, deleted when closed) whose page cache is capped at
    ``CACHE_KIB``, so a run's memory stays bounded however many lines it reads (the table
    grew with them: 0.5 GB at 10 million lines, briefly more while it doubled). A look-up
    there costs some 25 microseconds a line, against milliseconds to decide one.

    Should the temporary file fail (a full disk), the ids read from then on are no longer
    checked (``lost`` says why; ``_Run`` warns once): every line is decided all the same.

    Two different ids are taken as one when their digests are equal: for a run of n
    distinct ids the odds that any two do are under n²/2⁶⁵, one in 37 million for a
    million lines and one in 370,000 for 10 million. Such a pair would only give a
    spurious "already given" warning: both lines are decided all the same.
    """

    EMPTY = 0  # no digest is stored as 0 (a digest 0 is stored as 1)
    MAX_SLOTS = 1 << 20  # slots held in memory (2 x 8 MiB); more ids go to disk
    CACHE_KIB = 4096  # the temporary file's page cache

    def __init__(self, slots: int = 1 << 12) -> None:
        self._keys = _zeros(slots)
        self._lines = _zeros(slots)
        self._mask = slots - 1
        self._count = 0
        self._disk: sqlite3.Connection | None = None
        self.lost: str | None = None  # why ids are no longer checked, once the file failed

    def __len__(self) -> int:
        return self._count

    @property
    def on_disk(self) -> bool:
        """Whether the digests have moved to the temporary file."""
        return self._disk is not None

    @staticmethod
    def digest(comment_id: str) -> int:
        """The id's 8-byte digest as a non-zero integer."""
        raw = hashlib.blake2b(comment_id.encode("utf-8", "surrogatepass"), digest_size=8)
        return int.from_bytes(raw.digest(), "little") or 1

    def first(self, comment_id: str, as_number: bool, number: int) -> tuple[int, bool]:
        """The first line that gave ``comment_id`` and whether it gave it as a number;
        ``(number, as_number)``, now recorded, when no earlier line did."""
        key = self.digest(comment_id)
        packed = number << 1 | as_number
        if self._disk is not None or self.lost is not None:
            return self._first_on_disk(key, packed)
        keys, mask = self._keys, self._mask
        slot = key & mask
        while True:
            there = keys[slot]
            if there == key:
                packed = self._lines[slot]
                return packed >> 1, bool(packed & 1)
            if there == self.EMPTY:
                break
            slot = (slot + 1) & mask
        keys[slot] = key
        self._lines[slot] = packed
        self._count += 1
        if 3 * self._count > 2 * len(keys):
            if 2 * len(keys) > self.MAX_SLOTS:
                self._spill()
            else:
                self._grow()
        return number, as_number

    def _first_on_disk(self, key: int, packed: int) -> tuple[int, bool]:
        """``first`` once the digests are in the temporary file."""
        if self._disk is None:  # the file failed: nothing is checked any more
            return packed >> 1, bool(packed & 1)
        signed = key - (1 << 64) if key >= 1 << 63 else key  # SQLite integers are signed
        try:
            row = self._disk.execute("SELECT line FROM seen WHERE digest = ?", (signed,))
            there = row.fetchone()
            if there is None:
                self._disk.execute("INSERT INTO seen VALUES (?, ?)", (signed, packed))
        except sqlite3.Error as exc:
            self._fail(exc)
            return packed >> 1, bool(packed & 1)
        if there is not None:
            return int(there[0]) >> 1, bool(there[0] & 1)
        self._count += 1
        return packed >> 1, bool(packed & 1)

    def _grow(self) -> None:
        """Twice the slots, every digest placed again."""
        old_keys, old_lines = self._keys, self._lines
        slots = 2 * len(old_keys)
        keys = _zeros(slots)
        lines = _zeros(slots)
        mask = slots - 1
        for key, packed in zip(old_keys, old_lines, strict=True):
            if key == self.EMPTY:
                continue
            slot = key & mask
            while keys[slot] != self.EMPTY:
                slot = (slot + 1) & mask
            keys[slot] = key
            lines[slot] = packed
        self._keys, self._lines, self._mask = keys, lines, mask

    def _spill(self) -> None:
        """Move every digest to a temporary SQLite file and let the table go; should the
        file not open, the table doubles in memory instead."""
        try:
            disk = sqlite3.connect("", isolation_level=None, check_same_thread=False)
            disk.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")
            disk.execute("PRAGMA journal_mode = OFF")
            disk.execute("PRAGMA synchronous = OFF")
            disk.execute("CREATE TABLE seen (digest INTEGER PRIMARY KEY, line INTEGER NOT NULL)")
            disk.execute("BEGIN")
            disk.executemany(
                "INSERT INTO seen VALUES (?, ?)",
                (
                    (key - (1 << 64) if key >= 1 << 63 else key, packed)
                    for key, packed in zip(self._keys, self._lines, strict=True)
                    if key != self.EMPTY
                ),
            )
            # the transaction stays open: nothing needs to last, and a commit a line cost
            # twice the look-up (pages spill to the file as the cache fills all the same)
        except sqlite3.Error:
            self._grow()
            return
        self._disk = disk
        self._keys, self._lines, self._mask = _zeros(1), _zeros(1), 0

    def _fail(self, exc: sqlite3.Error) -> None:
        self.lost = f"{type(exc).__name__}: {exc}"
        self.close()

    def close(self) -> None:
        """Close (and so delete) the temporary file, if there is one."""
        if self._disk is not None:
            disk, self._disk = self._disk, None
            disk.close()


def _zeros(slots: int) -> array[int]:
    """``slots`` zeros as an ``array("Q")``, allocated once (``bytes(8 * slots)`` held a
    second copy of it while the array was made)."""
    return array("Q", [0]) * slots


@dataclass
class _Run:
    """One ``moderate check`` run: where decisions and refusals go, and the counts.

    Every non-blank line read is either decided (a line on stdout) or refused (a line on
    stderr, and in the quarantine file if one was given): read = decided + refused.
    """

    moderator: Any
    out: IO[str]
    versions: bool
    quarantine: IO[str] | None = None
    read: int = 0
    decided: int = 0
    refused: int = 0
    blank: int = 0
    batch: list[tuple[int, Any, Any, bytes]] = field(
        default_factory=list
    )  # line, comment, topic, raw
    given_ids: dict[int, Any] = field(default_factory=dict)  # line -> id, where not a string
    seen: _SeenIds = field(default_factory=_SeenIds)  # id -> its first line
    repeated: int = 0
    lost_said: bool = False  # the warning that ids are no longer checked was given

    def note_id(self, comment_id: str, given: Any, number: int) -> None:
        """Warn on stderr when an earlier line gave the same ``id`` (17 and "17" are one id
        to the service): both lines are decided, in order, but their decisions share an id,
        so a join on it cannot tell them apart (nor, if the texts differ, which is whose)."""
        as_number = not isinstance(given, str)  # an id is a string or a whole number
        first, first_as_number = self.seen.first(comment_id, as_number, number)
        if self.seen.lost is not None and not self.lost_said:
            self.lost_said = True
            click.echo(
                f"Warning: <stdin> line {number}: ids from this line on are not checked for"
                f" repeats: the temporary file of the ids read failed ({_safe(self.seen.lost)});"
                " every line is still decided",
                err=True,
            )
        if first == number:
            return
        self.repeated += 1
        # the earlier line's id as given: the same string, or the number it spells
        as_given = int(comment_id) if first_as_number else comment_id
        was = "" if first_as_number == as_number else f" (as {_safe(json.dumps(as_given))})"
        click.echo(
            f"Warning: <stdin> line {number}: the id {_safe(json.dumps(given))} was already"
            f" given on line {first}{was}; both are decided, and their decisions share the id",
            err=True,
        )

    def refuse(self, number: int, reason: str, raw: bytes) -> None:
        """Report a bad line on stderr (and quarantine it); it gets no decision."""
        self.refused += 1
        click.echo(f"Error: <stdin> line {number}: {_safe(reason)}", err=True)
        if self.quarantine is not None:
            entry = {
                "line": number,
                "reason": _safe(reason),
                "raw": raw.decode("utf-8", "backslashreplace").rstrip("\r\n"),
            }
            self.quarantine.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def add(self, number: int, comment: Any, topic: Any, raw: bytes, given_id: Any) -> None:
        """Queue a good line; decide the batch when it is full."""
        if not isinstance(given_id, str):
            self.given_ids[number] = given_id
        self.batch.append((number, comment, topic, raw))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Decide the batch and write its decisions in input order.

        Should the checks fail on the batch (a defect, or an input the checks did not
        expect), each comment is decided alone, so only the line that fails is refused.
        """
        batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            decisions = self.moderator.check([b[1] for b in batch], [b[2] for b in batch])
        except Exception:  # noqa: BLE001 - retried line by line just below
            decisions = None
        for i, item in enumerate(batch):
            number, comment, topic, raw = item
            if decisions is not None:
                self._write(decisions[i], number)
                continue
            try:
                [decision] = self.moderator.check([comment], [topic])
            except Exception as exc:  # noqa: BLE001 - this line is refused, the rest go on
                self.given_ids.pop(number, None)
                self.refuse(number, f"the checks failed on it: {type(exc).__name__}: {exc}", raw)
                continue
            self._write(decision, number)
        self.out.flush()

    def _write(self, decision: Any, number: int) -> None:
        """One decision line; its ``id`` is the input's, an integer staying an integer."""
        out = decision.as_dict(versions=self.versions)
        if number in self.given_ids:
            out["id"] = self.given_ids.pop(number)
        self.out.write(json.dumps(out, ensure_ascii=False))
        self.out.write("\n")
        self.decided += 1

    def summary(self) -> str:
        """``read N line(s): D decided, R refused`` (and the blank lines skipped, and the
        lines whose id an earlier line gave)."""
        text = f"read {self.read} line(s): {self.decided} decided, {self.refused} refused"
        text += f" ({self.blank} blank line(s) skipped)" if self.blank else ""
        return text + (f"; {self.repeated} gave an earlier line's id" if self.repeated else "")


def _read_lines(
    stream: IO[bytes], limit: int = MAX_LINE_BYTES
) -> Iterator[tuple[bytes, int | None]]:
    """Each line of ``stream`` as ``(line, None)``; a line over ``limit`` bytes (its line
    end aside) is read through in pieces, never held, and given as ``(its first KEPT_BYTES,
    its length without its line end)``."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, None
            continue
        kept, size = line[:KEPT_BYTES], len(line)
        del line
        while True:
            chunk = stream.readline(1 << 20)
            size += len(chunk)
            if not chunk:
                break
            if chunk.endswith(b"\n"):
                size -= 1
                break
        yield kept, size


def _take_line(
    run: _Run, topics: _Topics, policy: Any, number: int, raw: bytes, size: int | None = None
) -> None:
    """Check one input line and queue it, or refuse it with its reason."""
    if size is not None:  # over MAX_LINE_BYTES: only its start is here
        run.read += 1
        run.refuse(
            number,
            f"the line has {size:,} bytes, more than the limit of {MAX_LINE_BYTES:,}: it was"
            " not read (one comment's fields fit in far fewer; is the input one JSON document"
            " rather than JSON Lines, one comment a line?)",
            raw,
        )
        return
    if not raw.strip():
        run.blank += 1
        return
    run.read += 1
    try:
        comment, given_id = _parse_line(raw, policy)
        topic = topics.get(comment.article_id, comment.parent_id) if comment.article_id else None
    except MutewatchError as exc:
        run.refuse(number, str(exc), raw)
        return
    run.note_id(comment.id, given_id, number)
    run.add(number, comment, topic, raw, given_id)


@moderate.command("check")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A policy YAML file (default: the publisher's terms shipped with mutewatch).",
)
@click.option("--with-versions", is_flag=True, help="Add policy_version and model_versions.")
@click.option(
    "--quarantine",
    "quarantine_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help='Also write each refused line to this JSONL file as {"line", "reason", "raw"}.',
)
@click.pass_obj
def check(
    store: Path, policy_file: Path | None, with_versions: bool, quarantine_file: Path | None
) -> None:
    """Check comments (JSONL on stdin) and write one decision per line (JSONL on stdout).

    Input line: {"id", "article_id" (optional), "author_name", "text"}.
    Output line: {"id", "decision", "clauses": [{"clause", "score", "threshold", "fired",
    "evidence"}], "reason"}, its id the input's (a number stays a number). Relevance is
    judged against the article in the store when article_id is given. The policy's limits
    (max_text_chars, max_name_chars) apply, as in the service.

    A bad line (not UTF-8 or JSON, not an object, a missing or non-string field, a text
    over the limit, a lone surrogate, an unknown article, a line of more than 16 MiB, which
    is not read) is refused: stderr gets "Error: <stdin> line N: reason", --quarantine FILE
    gets the line itself (of a line over 16 MiB, its first 64 KiB), and every good line is
    still decided, in input order. A line giving an id an earlier line gave is decided too,
    with "Warning: <stdin> line N: ..." naming that line. Blank lines are skipped; a byte
    order mark and CRLF line ends are read as plain lines. A blank parent_id means no
    parent, as in the service.
    The last stderr line counts them: read N line(s): D decided, R refused. The exit code
    is 0 when nothing was refused, else 3 (bad input).

    Example:

    \b
      echo '{"id": "1", "author_name": "Ana Silva", "text": "Good report."}' \\
        | mutewatch moderate check
    """
    from mutewatch.moderate.checks import Moderator
    from mutewatch.moderate.policy import load_policy

    policy = load_policy(policy_file)
    quarantine = quarantine_file.open("w", encoding="utf-8") if quarantine_file else None
    run = _Run(Moderator(policy), sys.stdout, with_versions, quarantine)
    topics = _Topics(store)
    try:
        for number, (raw, size) in enumerate(_read_lines(sys.stdin.buffer), start=1):
            _take_line(run, topics, policy, number, raw, size)
        run.flush()
    finally:
        run.seen.close()
        if quarantine is not None:
            quarantine.close()
    if run.refused:
        where = f"; they are in {quarantine_file}" if quarantine_file else ""
        raise InputError(
            f"{run.summary()}",
            hint=f"each refused line is reported above with its reason{where}",
        )
    click.echo(run.summary(), err=True)


@moderate.group("articles")
def articles() -> None:
    """Articles in the store, so comments can be judged for relevance.

    Example (body.txt holds the article's text):

    \b
      mutewatch moderate articles add --id a1 --title "Budget" --body-file body.txt
    """


@articles.command("add")
@click.option("--id", "article_id", required=True, help="The article id comments refer to.")
@click.option("--title", required=True, help="The article's title.")
@click.option(
    "--body-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="A UTF-8 text file with the article's body.",
)
@click.pass_obj
def articles_add(store: Path, article_id: str, title: str, body_file: Path) -> None:
    """Add (or replace) an article in the store.

    A comment whose article_id names it is then judged against its title and body for
    relevance (the irrelevant clause).

    Example (body.txt holds the article's text):

    \b
      mutewatch moderate articles add --id a1 --title "Budget" --body-file body.txt
    """
    from mutewatch.moderate.models import embedder
    from mutewatch.moderate.service import ModerationService
    from mutewatch.store import when_free

    try:
        body = body_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{body_file} is not UTF-8 text: {exc.reason}") from exc
    record = {"id": article_id, "title": title, "body": body}
    _check_article(record)  # before the store is opened: a refused article creates no store
    embedder()  # the model loads before the store is opened: the lock is held briefly
    # wait while `mutewatch serve` or an ingest holds the store (the server lets go at once)
    service = when_free(store, lambda: ModerationService.open(store), WAIT, poll=0.2)
    try:
        result = service.add_article(record, actor="cli")
    finally:
        service.close()
    if not (result["created"] or result["updated"]):
        click.echo(f"article {article_id} in {store} is unchanged (nothing written)")
        return
    verb = "added" if result["created"] else "updated"
    click.echo(f"{verb} article {article_id} in {store}")


def _check_article(record: dict[str, str]) -> None:
    """The article's fields by the service's own rules (``service.parse_article``);
    InputError says which and why."""
    from mutewatch.moderate import service

    service.parse_article(record)


@moderate.command("recount")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def recount_cmd(store: Path, as_json: bool) -> None:
    """Count the per-author comment counts, fired clauses and audit head again.

    The queue's author records read counts that every write of this release keeps. After
    an older release (or bulk SQL) wrote to the store, the queue counts from the comments
    instead, which is slower on a large store, until this rebuilds the counts (and compacts
    the rows each write appended), in one transaction. It says what changed: comments by
    status the counts had and have, how many authors' counts differed, fired-clause rows
    added or removed, whether the audit head moved, and whether the queue reads the counts
    again (fast_path_restored). Nothing else is changed. A path with no store is refused
    (it is not created), and so is a store moderation was never used on: there is nothing
    to recount (exit code 2), and no table is created in it.

    Example: mutewatch moderate recount --json
    """
    from mutewatch.cli.foundation import emit_json
    from mutewatch.errors import NotFoundError
    from mutewatch.moderate.service import ModerationService
    from mutewatch.store import when_free

    # wait while `mutewatch serve` or an ingest holds the store (the server lets go at once)
    try:
        service = when_free(
            store, lambda: ModerationService.open(store, create=False), WAIT, poll=0.2
        )
    except NotFoundError as exc:
        raise NotFoundError(f"nothing to recount: {exc.message}", hint=exc.hint) from exc
    try:
        result = service.recount()
    finally:
        service.close()
    if as_json:
        emit_json({"store": str(store), **result})
    else:
        _print_recount(store, result)


def _print_recount(store: Path, r: dict[str, Any]) -> None:
    """The recount's result as a few lines."""
    counts, fired, head = r["author_counts"], r["fired"], r["audit_head"]
    click.echo(f"recounted moderation in {store}: {r['comments']:,} comments")
    state = "were complete" if r["counts_were_complete"] else "were not complete (the queue" \
        " counted from the comments)"  # fmt: skip
    click.echo(
        f"author counts {state}; {counts['authors_changed']:,} of {counts['authors']:,} authors"
        f" changed; rows {counts['rows_before']:,} -> {counts['rows_after']:,}"
    )
    moved = [f"{k} {v['before']:,} -> {v['after']:,}"
             for k, v in counts["by_status"].items() if v["before"] != v["after"]]  # fmt: skip
    if moved:
        click.echo("  comments by status: " + "; ".join(moved))
    click.echo(
        f"fired clauses: {fired['added']:,} added, {fired['removed']:,} removed"
        f" ({fired['rows_after']:,} rows)"
    )
    where = f"moved {head['before']:,} -> {head['after']:,}" if head["moved"] else "unchanged"
    click.echo(f"audit head at entry {head['after']:,} ({where})")
    if r.get("fast_path_restored"):
        click.echo("the queue reads the author counts again (it counted from the comments)")
    if not r["changed"]:
        click.echo("nothing changed: the counts were right")


def _print_report(report: dict[str, Any]) -> None:
    click.echo(f"policy {report['policy_version']}  ({report['seconds']} s)")
    for name, entry in report.get("toxicity", {}).items():
        click.echo(f"  {name}: {json.dumps(entry)}")
    click.echo(f"  identity mentions FPR: {json.dumps(report.get('identity_mentions_fpr'))}")
    for name, entry in report.get("relevance", {}).items():
        click.echo(f"  relevance {name}: {json.dumps(entry)}")
    for name, entry in (report.get("language") or {}).items():
        click.echo(f"  language {name}: {json.dumps(entry)}")
    click.echo(f"  names: {json.dumps(report.get('names'))}")
    click.echo("targets:")
    for t in report["targets"]:
        mark = {True: "PASS", False: "FAIL", None: "n/a "}[t["met"]]
        click.echo(f"  {mark}  {t['target']}: {t['value']} (goal >= {t['goal']})")


@moderate.command("evaluate")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="The shared data folder holding moderation/ [default: $MUTEWATCH_DATA, else "
    "../shared/data beside the mutewatch checkout].",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A policy YAML file (default: the shipped one).",
)
def evaluate_cmd(as_json: bool, data: Path | None, policy_file: Path | None) -> None:
    """Score every check on the evaluation rows, beside the alt-profanity-check baseline.

    Reports precision, recall, F1 and ROC-AUC per clause and dataset, the false-positive
    rate on non-hateful comments that mention identity groups, and the issue's targets.

    Example: mutewatch moderate evaluate --json
    """
    from mutewatch.moderate.evaluate import evaluate
    from mutewatch.moderate.policy import load_policy

    report = evaluate(data=data, policy=load_policy(policy_file))
    if as_json:
        click.echo(json.dumps(report, default=str))
    else:
        _print_report(report)


def _stats_tables(stats: dict[str, Any]) -> list[Any]:
    """Rich tables of a ``moderation_stats`` result: outcomes, clauses, reviews, moderators."""
    from rich.table import Table

    from mutewatch.moderate.stats import percent

    outcomes = Table(title=f"Comments {_cell(stats['period'])} ({stats['submitted']})")
    for name in ("", "publish / published", "hold / held", "reject / rejected"):
        outcomes.add_column(name, justify="left" if not name else "right")
    outcomes.add_row("machine decision", *(str(v) for v in stats["machine"].values()))
    outcomes.add_row("status now", *(str(v) for v in stats["status"].values()))
    clauses = Table(title="Clauses (machine)")
    for name in ("clause", "checked", "fired", "decided hold", "decided reject"):
        clauses.add_column(name, justify="left" if name == "clause" else "right")
    for name, c in stats["clauses"].items():
        if c["checked"]:
            row = (c["checked"], c["fired"], c["decided"]["hold"], c["decided"]["reject"])
            clauses.add_row(_cell(name), *map(str, row))
    review = Table(title="Moderator review (latest action per comment)")
    keys = ("comments", "reviewed", "approved", "edited", "rejected", "not_reviewed")
    for name in ("machine", "clause", "n", "reviewed", "appr.", "edit", "rej.", "none", "overturn"):
        review.add_column(name, justify="left" if name in ("machine", "clause") else "right")
    for machine, entry in stats["review"].items():
        groups = [("all", entry), *stats["review_by_clause"].get(machine, {}).items()]
        for clause, r in groups:
            rate = "-" if r["overturn_rate"] is None else percent(r["overturned"], r["reviewed"])
            review.add_row(machine, _cell(clause), *(str(r[k]) for k in keys), rate)
    people = Table(title="Moderators")
    for name in ("moderator", "actions", "approve", "reject", "edit", "comments"):
        people.add_column(name, justify="left" if name == "moderator" else "right")
    for m in stats["moderators"]:
        people.add_row(_cell(m["moderator"]), *(str(m[k]) for k in list(m)[1:]))
    return [outcomes, clauses, review, people]


def _cell(value: str) -> str:
    """An id or name someone else wrote, for a rich table or line: bidi and control
    characters shown as code points (``stats.shown``), ``[`` not read as rich markup."""
    from rich.markup import escape

    from mutewatch.moderate.stats import shown

    return escape(shown(value))


def _print_stats(stats: dict[str, Any]) -> None:
    """The tables, the queue line and the findings, for a terminal."""
    from rich.console import Console

    from mutewatch.moderate.stats import duration

    console = Console()
    for table in _stats_tables(stats):
        console.print(table)
    queue, wait = stats["queue"], stats["queue"]["time_to_first_action"]
    oldest = queue["oldest_held"]
    console.print(
        f"Queue: {queue['held_now']} held now"
        + (
            f", oldest {_cell(oldest['comment_id'])} ({duration(oldest['age_seconds'])})"
            if oldest
            else ""
        )
        + f"; first action after median {duration(wait['median_seconds'])},"
        f" p90 {duration(wait['p90_seconds'])} ({wait['comments']} held comments)",
        highlight=False,
    )
    console.print("\nFindings:", highlight=False)
    for sentence in stats["findings"]:
        console.print(f"- {sentence}", highlight=False, markup=False)


@moderate.command("stats")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="First UTC day of submission.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Last UTC day of submission.")
@click.option("--article", "article_id", metavar="ID", help="Only the comments on this article.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def stats_cmd(
    store: Path, date_from: str | None, date_to: str | None, article_id: str | None, as_json: bool
) -> None:
    """Numbers about the moderation itself, for the comments submitted in a period.

    What the machine decided and why (per clause: fired, decided), what moderators did with
    it (approved, edited, rejected, not reviewed; per deciding clause, the overturn rate:
    the share of reviewed held comments a moderator approved), the queue (held now, the
    oldest, median and p90 time to the first moderator action) and each moderator's
    actions. Every figure is also a sentence under "findings". The JSON is the one
    GET /api/v1/moderation/stats answers. The store is only read.

    Example: mutewatch moderate stats --from 2026-11-01 --to 2026-11-30 --json
    """
    from mutewatch.cli.foundation import emit_json, open_store
    from mutewatch.moderate.stats import moderation_stats

    ctx = click.get_current_context()
    with open_store(ctx, read_only=True, wait=WAIT) as opened:
        result = moderation_stats(opened, since=date_from, until=date_to, article_id=article_id)
    if as_json:
        emit_json(result)
    else:
        _print_stats(result)
