"""Users, roles, API tokens, dashboard sessions, CSRF, the audit log and pseudonyms.

Roles: ``viewer`` (measurements only; supporter accounts and outlets pseudonymised),
``analyst`` (also post texts and account names), ``moderator`` (the moderation queue),
``admin`` (everything, including users and ingest). Nothing is served anonymously.

Tokens are 256-bit random strings shown once; only their SHA-256 is stored (a fast hash
is right for high-entropy secrets). The dashboard login takes the user name and token and
sets an HttpOnly, SameSite=Strict session cookie; state-changing dashboard requests carry a
CSRF token (form field ``csrf`` or header ``X-CSRF-Token``) derived from the session.

Access audit entries the server writes (logins, failed and blocked logins, log-outs,
refused requests, blocked API addresses, admin actions) are durable before the request is
answered: each is appended to a journal beside the store (``STORE.audit.jsonl``, one JSON
line per entry, fsync'd) and moved into ``web_audit`` by the server's writer thread, in
journal order, keyed by a stable entry key (``web_audit_keys``) so that no entry is written
twice. A server killed before its writer got to an entry leaves it in the journal; the next
server start, and `mutewatch audit` before it reads, write it (``replay_audit_journal``).

Sessions ended by a log-out (or by a new login in the same browser) are durable before
the log-out is answered in the same way: the session's hash goes to a second journal
(``STORE.revoked.jsonl``, ``RevocationJournal``), the writer marks its row revoked, and the
next server start refuses it from its first request and marks it. Disabling a user (which
revokes its tokens and sessions) is answered once the writer committed it.

Library use::

    from mutewatch.web.auth import add_user
    user, token = add_user(store, "ada", "analyst")
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from mutewatch.errors import AuthError, ConflictError, ForbiddenError, NotFoundError, UsageError
from mutewatch.store import Store
from mutewatch.store.schema import migrate

log = logging.getLogger(__name__)

ROLES = ("viewer", "analyst", "moderator", "admin")
SESSION_COOKIE = "mw_session"
SESSION_HOURS = 12
TOKEN_PREFIX = "mw_"
# what looks like a token inside a text (a name, a query value): to be withheld, not shown
TOKEN_IN_TEXT = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{30,}")

WEB_MIGRATIONS: list[str] = [
    """
    CREATE TABLE IF NOT EXISTS web_users (
        name VARCHAR PRIMARY KEY,
        role VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        disabled BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE TABLE IF NOT EXISTS web_tokens (
        token_hash VARCHAR PRIMARY KEY,     -- sha256 of the token; the token is never stored
        name VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
    );
    CREATE TABLE IF NOT EXISTS web_sessions (
        session_hash VARCHAR PRIMARY KEY,   -- sha256 of the cookie value
        name VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
    );
    CREATE SEQUENCE IF NOT EXISTS web_audit_ids START 1;
    -- append-only: the code only ever inserts; each row chains the previous row's hash
    CREATE TABLE IF NOT EXISTS web_audit (
        id BIGINT PRIMARY KEY,
        ts TIMESTAMP NOT NULL,
        actor VARCHAR,
        action VARCHAR NOT NULL,
        target VARCHAR,
        detail VARCHAR,
        ip VARCHAR,
        ok BOOLEAN NOT NULL,
        prev_hash VARCHAR NOT NULL,
        hash VARCHAR NOT NULL
    );
    CREATE TABLE IF NOT EXISTS web_settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
    """,
    """
    -- the stable key of each audit entry that came through the journal (AuditJournal):
    -- a journal line whose key is here is in web_audit already, and is not written again
    CREATE TABLE IF NOT EXISTS web_audit_keys (
        entry_key VARCHAR PRIMARY KEY,
        audit_id BIGINT NOT NULL
    );
    """,
]


def migrate_web(con: duckdb.DuckDBPyConnection) -> None:
    """Create or upgrade the web tables (component ``web``)."""
    migrate(con, component="web", migrations=WEB_MIGRATIONS)


@dataclass(frozen=True)
class User:
    """An authenticated user. ``via`` is ``token`` or ``session``."""

    name: str
    role: str
    via: str = "token"
    session_id: str | None = None

    @property
    def sees_identities(self) -> bool:
        """May read supporter names and identifiers and post texts (analyst, admin)."""
        return self.role in ("analyst", "admin")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a token or session id."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh API token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


# -- users (library; the CLI and the admin API call these in the writer) -------------------
def add_user(store: Store, name: str, role: str, *, enable: bool = False) -> tuple[User, str]:
    """Create a user (or give an existing one a new token and role); return it and its token.

    A disabled user is re-enabled only with ``enable=True``; otherwise a ``ConflictError``
    (409, exit 2) says so: adding a name again used to re-enable it silently, undoing a
    deliberate disable with whatever role was asked. ``user_change`` words what changed.
    """
    name = name.strip()
    problem = user_problem(name, role)
    if problem == "role":
        raise UsageError(f"unknown role {role!r}", hint=f"use one of {', '.join(ROLES)}")
    if problem == "name":
        raise UsageError(f"invalid user name {name!r}", hint=f"use {USER_NAME_WORDS}")
    migrate_web(store.con)
    before = user_record(store, name)
    if before is not None and before["disabled"] and not enable:
        raise ConflictError(
            f"the user {name!r} ({before['role']}) is disabled; adding it again would "
            f"re-enable it as {role}",
            hint='to re-enable it on purpose pass --enable (API: "enable": true; admin '
            "page: tick 're-enable'), or choose another name",
        )
    _keep_an_admin(store, name, before, f"making it {role}" if role != "admin" else None)
    token = new_token()
    with store.transaction() as con:
        con.execute(
            "INSERT INTO web_users (name, role, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET role = excluded.role, disabled = FALSE",
            [name, role, _now()],
        )
        con.execute(
            "INSERT INTO web_tokens (token_hash, name, created_at) VALUES (?, ?, ?)",
            [hash_secret(token), name, _now()],
        )
    return User(name, role), token


USER_NAME_WORDS = "1-64 printable characters without spaces"


def user_problem(name: str, role: str) -> str | None:
    """The field of a new user :func:`add_user` refuses, ``"role"`` (not one of ROLES) or
    ``"name"`` (not USER_NAME_WORDS once stripped), role first; None when both will do."""
    if role not in ROLES:
        return "role"
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() or not c.isprintable() for c in name):
        return "name"
    return None


def _keep_an_admin(
    store: Store, name: str, before: dict[str, Any] | None, change: str | None
) -> None:
    """ConflictError (409, exit 2) when ``change`` (None: none that matters) would take the
    last enabled admin away: nobody could then manage users or uploads from the server. The
    admin page's role list starts at viewer, so an admin giving itself a new token there
    without picking its role again made itself a viewer."""
    if change is None or before is None or before["disabled"] or before["role"] != "admin":
        return
    others = store.scalar(
        "SELECT count(*) FROM web_users WHERE role = 'admin' AND NOT disabled AND name <> ?",
        [name],
    )
    if not others:
        raise ConflictError(
            f"{name!r} is the only enabled admin: {change} would leave nobody to manage users",
            hint="make another user an admin first (`mutewatch users add NAME --role admin`)",
        )


def user_record(store: Store, name: str) -> dict[str, Any] | None:
    """``{"role", "disabled"}`` of the user ``name``, or None when there is none (read
    only: a snapshot, or a store without the web tables yet, will do)."""
    if not _has_web_tables(store):
        return None
    row = store.con.execute(
        "SELECT role, disabled FROM web_users WHERE name = ?", [name.strip()]
    ).fetchall()
    return {"role": row[0][0], "disabled": bool(row[0][1])} if row else None


def user_change(name: str, before: dict[str, Any] | None, role: str) -> str | None:
    """What adding ``name`` as ``role`` changed about an existing user, in words (None: a
    new user, or only a new token)."""
    if before is None:
        return None
    if before["disabled"]:
        return f"user {name} re-enabled (it was disabled, as {before['role']}); now {role}"
    if before["role"] != role:
        return f"user {name}: role changed from {before['role']} to {role}"
    return None


def add_user_noting(
    store: Store, name: str, role: str, *, enable: bool = False
) -> tuple[User, str, dict[str, Any] | None]:
    """:func:`add_user`, also returning the user's state before (None: a new user)."""
    before = user_record(store, name)
    user, token = add_user(store, name, role, enable=enable)
    return user, token, before


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every user with role, creation time and live token count."""
    return store.rows(
        "SELECT u.name, u.role, u.created_at, u.disabled, "
        "count(t.token_hash) FILTER (WHERE t.revoked_at IS NULL) AS tokens "
        "FROM web_users u LEFT JOIN web_tokens t USING (name) "
        "GROUP BY ALL ORDER BY u.name"
    )


def disable_user(store: Store, name: str, *, listed_by: str = "GET /api/v1/users") -> None:
    """Disable a user and revoke its tokens and sessions. ``listed_by`` names, in the error
    for an unknown name, how the caller lists users (the API's route; the command line
    passes ``mutewatch users list``)."""
    if not store.scalar("SELECT count(*) FROM web_users WHERE name = ?", [name]):
        raise NotFoundError(f"no user named {name!r}", hint=f"list users with {listed_by}")
    _keep_an_admin(store, name, user_record(store, name), "disabling it")
    with store.transaction() as con:
        con.execute("UPDATE web_users SET disabled = TRUE WHERE name = ?", [name])
        con.execute(
            "UPDATE web_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
            [_now(), name],
        )
        con.execute(
            "UPDATE web_sessions SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
            [_now(), name],
        )


def _has_web_tables(store: Store) -> bool:
    return bool(
        store.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'web_tokens'"
        )
    )


def stored_pseudonym_key(store: Store) -> str | None:
    """The pseudonym key ``serve`` kept in the store, or None (never served, or no key)."""
    if not _has_web_tables(store):
        return None
    key = store.scalar("SELECT value FROM web_settings WHERE key = 'pseudonym_key'")
    return None if key is None else str(key)


def lookup_token(store: Store, token: str) -> User | None:
    """The user a token belongs to, or None (unknown, revoked, or user disabled)."""
    if not token or not _has_web_tables(store):
        return None
    row = store.con.execute(
        "SELECT u.name, u.role FROM web_tokens t JOIN web_users u USING (name) "
        "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND NOT u.disabled",
        [hash_secret(token)],
    ).fetchone()
    return User(row[0], row[1]) if row else None


def lookup_session(store: Store, session_id: str) -> User | None:
    """The user of a live persisted session, or None."""
    if not session_id or not _has_web_tables(store):
        return None
    row = store.con.execute(
        "SELECT u.name, u.role FROM web_sessions s JOIN web_users u USING (name) "
        "WHERE s.session_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? "
        "AND NOT u.disabled",
        [hash_secret(session_id), _now()],
    ).fetchone()
    return User(row[0], row[1], via="session", session_id=session_id) if row else None


def user_for_token(store_path: Path, token: str) -> User | None:
    """The user of an API token, reading the store at ``store_path`` read-only.

    When an app of this process serves that store, its snapshot answers (no file is
    opened); otherwise the file is opened read-only, which raises ``StoreBusyError`` while
    another process writes to it.
    """
    service = SERVICES.get(Path(store_path).resolve())
    if service is not None and service.gateway.running:
        found: User | None = service.user_for_token(token)
        return found
    store = Store.open(store_path, read_only=True)
    try:
        return lookup_token(store, token)
    finally:
        store.close()


# the auth services of the apps running in this process, by resolved store path
SERVICES: dict[Path, AuthService] = {}


# -- settings: keys generated once and kept in the store -----------------------------------
def get_or_create_setting(store: Store, key: str) -> str:
    """A secret setting from ``web_settings``, generated (256 bits) if absent."""
    migrate_web(store.con)
    value = store.scalar("SELECT value FROM web_settings WHERE key = ?", [key])
    if value is None:
        value = secrets.token_hex(32)
        store.con.execute(
            "INSERT INTO web_settings VALUES (?, ?) ON CONFLICT DO NOTHING", [key, value]
        )
        value = store.scalar("SELECT value FROM web_settings WHERE key = ?", [key])
    return str(value)


# -- audit ---------------------------------------------------------------------------------
def append_audit(
    store: Store,
    action: str,
    *,
    actor: str | None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    ok: bool = True,
    at: datetime | None = None,
) -> int:
    """Append one audit entry, chained to the previous one by SHA-256; return its id.

    The web tables must exist (``migrate_web``; the server's writer has run it).
    """
    detail_text = json.dumps(detail or {}, sort_keys=True, default=str)
    with store.transaction() as con:
        return _insert_audit(con, at or _now(), actor, action, target, detail_text, ip, ok)


def _insert_audit(
    con: duckdb.DuckDBPyConnection,
    when: datetime,
    actor: str | None,
    action: str,
    target: str | None,
    detail_text: str,
    ip: str | None,
    ok: bool,
) -> int:
    """Insert one chained audit row in the caller's transaction; return its id."""
    prev = con.execute("SELECT hash FROM web_audit ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = prev[0] if prev else "0" * 64
    entry_id = int(con.execute("SELECT nextval('web_audit_ids')").fetchone()[0])  # type: ignore[index]
    payload = json.dumps(
        [entry_id, when.isoformat(), actor, action, target, detail_text, ip, ok, prev_hash]
    )
    digest = hashlib.sha256(payload.encode()).hexdigest()
    con.execute(
        "INSERT INTO web_audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [entry_id, when, actor, action, target, detail_text, ip, ok, prev_hash, digest],
    )
    return entry_id


AUDIT_JOURNAL_SUFFIX = ".audit.jsonl"
_JOURNAL_FIELDS = ("key", "ts", "actor", "action", "target", "detail", "ip", "ok")


def audit_journal_path(store_path: Path) -> Path:
    """The access audit's journal of the store at ``store_path``: ``STORE.audit.jsonl``,
    beside the store's own file (``_journal_beside``)."""
    return _journal_beside(store_path, AUDIT_JOURNAL_SUFFIX)


def _journal_beside(store_path: Path, suffix: str) -> Path:
    """``suffix`` added to the store file's real path: a store reached through a symlink (or
    a relative path) has the journals of its file, where a server started on a link wrote
    beside the link, and `mutewatch audit` or a restart on the file itself never read them
    (entries a killed server left unlisted, its log-outs undone)."""
    return Path(os.path.realpath(store_path) + suffix)


@contextlib.contextmanager
def _locked(path: Path, flags: int) -> Iterator[int]:
    """``path`` opened with ``flags`` and locked (``flock``, exclusive) against every other
    open of it, in this process or another; closed (and so unlocked) on exit."""
    fd = os.open(path, flags, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _journal_bytes(path: Path) -> bytes:
    """What the journal at ``path`` holds now (nothing when there is none)."""
    if not path.exists():
        return b""
    with _locked(path, os.O_RDONLY) as fd:
        return _read_all(fd)


def journal_writable(path: Path) -> bool:
    """Whether this process may read, append to and cut the journal at ``path`` (or create
    it)."""
    if path.exists():
        return os.access(path, os.R_OK | os.W_OK)
    return os.access(path.parent, os.W_OK | os.X_OK)


class _Journal:
    """A file beside the store of JSON lines made durable (fsync'd) one by one, and moved
    into the store by the server's writer. The file is locked (``flock``) for each append
    and each look at it, so servers and `mutewatch audit` on the same store can share it;
    it is never renamed or removed, only cut back in place (``_cut_journal``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._dir_synced = False

    def _append(self, entry: dict[str, Any]) -> None:
        """Write ``entry`` as one line and fsync it (about 0.2 ms)."""
        line = (json.dumps(entry, separators=(",", ":")) + "\n").encode("utf-8")
        with _locked(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT) as fd:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a line cut short by a crash stays a line of its own
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fdatasync(fd)
        if not self._dir_synced:  # the file's own name, once per process
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
            self._dir_synced = True

    def pending(self) -> bool:
        """True when the journal holds anything (written or not)."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False


class AuditJournal(_Journal):
    """Audit entries made durable before the request that caused them is answered.

    ``append`` writes one JSON line (the entry and its stable ``key``) to the journal file
    and fsyncs it; the writer thread then moves the journal's entries into ``web_audit``
    (``replay_audit_journal``) and empties the journal of what it wrote.
    """

    def append(
        self,
        action: str,
        *,
        actor: str | None,
        target: str | None,
        detail: dict[str, Any] | None,
        ip: str | None,
        ok: bool,
        at: datetime,
    ) -> str:
        """Write one entry durably; return its key."""
        key = uuid.uuid4().hex
        self._append({
            "key": key, "ts": at.isoformat(), "actor": actor, "action": action,
            "target": target, "detail": json.dumps(detail or {}, sort_keys=True, default=str),
            "ip": ip, "ok": ok,
        })  # fmt: skip
        return key


REVOKED_JOURNAL_SUFFIX = ".revoked.jsonl"


def revocation_journal_path(store_path: Path) -> Path:
    """The journal of ended sessions of the store at ``store_path``: ``STORE.revoked.jsonl``."""
    return _journal_beside(store_path, REVOKED_JOURNAL_SUFFIX)


class RevocationJournal(_Journal):
    """Sessions ended (log-outs) made durable before the log-out is answered.

    ``append`` writes the session's hash and when it would have expired; the writer then
    marks the session's row revoked (``replay_revocations``) and cuts the line. A server
    killed before its writer got to it leaves the line, and the next server start refuses
    the session from its first request (``sessions``) and writes it: a log-out answered
    used to be a queued write, lost by a kill -9, and the cookie worked again after the
    restart until it expired (12 h).
    """

    def append(self, session_hash: str, until: datetime) -> None:
        """Write one ended session durably."""
        self._append({"session": session_hash, "until": until.isoformat()})

    def sessions(self) -> dict[str, datetime]:
        """The ended sessions in the journal: hash, when it would have expired."""
        return _revocations(_journal_bytes(self.path), self.path)


def _revocations(data: bytes, path: Path) -> dict[str, datetime]:
    """The journal's ended sessions; a line that is none (cut short by a crash before its
    log-out was answered) is skipped."""
    ended: dict[str, datetime] = {}
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict) or set(entry) != {"session", "until"}:
                raise ValueError("not an ended session")
            if not isinstance(entry["session"], str):
                raise ValueError("not an ended session")
            ended[entry["session"]] = _journal_time(entry["until"])
        except ValueError:
            log.warning("%s: skipped a line that is no ended session: %.80r", path, raw)
    return ended


def replay_revocations(store: Store, path: Path) -> int:
    """Mark the sessions the journal ended revoked in ``web_sessions`` (those still live)
    in one transaction, then cut them from the journal; return how many lines were read.
    A session whose row is not written yet is not marked: its row is written revoked
    (``AuthService.login``), or never. The web tables must exist (``migrate_web``)."""
    data = _journal_bytes(path)
    if not data:
        return 0
    ended = _revocations(data, path)
    if ended:
        with store.transaction() as con:
            con.execute(
                "UPDATE web_sessions SET revoked_at = ? "
                "WHERE list_contains(?, session_hash) AND revoked_at IS NULL",
                [_now(), list(ended)],
            )
    _cut_journal(path, data)
    return len(ended)


def _journal_time(value: object) -> datetime:
    """A journal's time as the store keeps times (naive UTC, ``_now``); ValueError when it
    is none. A time with an offset is taken to UTC: compared with ``_now`` it raised
    TypeError (an ended session's, at every login), and written as it was it broke the
    audit chain (its hash was of the offset, its row of the time without it)."""
    if not isinstance(value, str):
        raise ValueError("not a time")
    at = datetime.fromisoformat(value)
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo is not None else at


# what each field of an audit journal's line may be: any other line is skipped, where one
# with a key that is no string, an action missing or an actor that is a list stopped every
# replay of the journal (no entry after it reached web_audit) or broke the chain
_ENTRY_TYPES: dict[str, tuple[type, ...]] = {
    "key": (str,), "ts": (str,), "actor": (str, type(None)), "action": (str,),
    "target": (str, type(None)), "detail": (str,), "ip": (str, type(None)), "ok": (bool,),
}  # fmt: skip


def _check_entry_types(entry: dict[str, Any]) -> None:
    for name, types in _ENTRY_TYPES.items():
        if not isinstance(entry[name], types):
            raise ValueError(f"{name} is no {' or '.join(t.__name__ for t in types)}")


def _journal_entries(data: bytes, path: Path) -> list[dict[str, Any]]:
    """The journal's entries in order; a line that is not one (cut short by a crash before
    its request was answered) is skipped."""
    entries = []
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict) or set(entry) != set(_JOURNAL_FIELDS):
                raise ValueError("not an audit entry")
            _check_entry_types(entry)
            entry["ts"] = _journal_time(entry["ts"]).isoformat()
        except ValueError:
            log.warning("%s: skipped a line that is no audit entry: %.80r", path, raw)
            continue
        entries.append(entry)
    return entries


def replay_audit_journal(store: Store, path: Path) -> int:
    """Write the journal's entries not yet in ``web_audit`` into it, in journal order and
    chained, in one transaction; then cut what was written from the journal. Returns how
    many entries were written. The web tables must exist (``migrate_web``)."""
    data = _journal_bytes(path)
    if not data:
        return 0
    entries = _journal_entries(data, path)
    written = 0
    if entries:
        keys = [e["key"] for e in entries]
        with store.transaction() as con:
            done = {
                r[0]
                for r in con.execute(
                    "SELECT entry_key FROM web_audit_keys WHERE list_contains(?, entry_key)",
                    [keys],
                ).fetchall()
            }
            for e in entries:
                if e["key"] in done:
                    continue
                entry_id = _insert_audit(
                    con, datetime.fromisoformat(e["ts"]), e["actor"], e["action"],
                    e["target"], e["detail"], e["ip"], bool(e["ok"]),
                )  # fmt: skip
                con.execute("INSERT INTO web_audit_keys VALUES (?, ?)", [e["key"], entry_id])
                done.add(e["key"])
                written += 1
    _cut_journal(path, data)
    return written


def _cut_journal(path: Path, written: bytes) -> None:
    """Drop ``written`` (all in the store now) from the start of the journal, keeping what
    was appended since. Only when the journal still starts with exactly those bytes: another
    process may have cut it meanwhile (its lines are then in the store too)."""
    with _locked(path, os.O_RDWR) as fd:
        size = os.fstat(fd).st_size
        if size < len(written) or os.pread(fd, len(written), 0) != written:
            return
        tail = os.pread(fd, size - len(written), len(written)) if size > len(written) else b""
        if tail:  # a crash in between leaves lines twice (skipped by their keys), none lost
            view, offset = memoryview(tail), 0
            while offset < len(tail):
                offset += os.pwrite(fd, view[offset:], offset)
            os.fdatasync(fd)  # the tail on disk at its new place before the cut
        # not synced: a cut lost in a crash leaves written lines, which are skipped by their
        # keys; the next append's sync takes it along (a sync here slowed logins down)
        os.ftruncate(fd, len(tail))


def read_audit(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """The newest audit entries first."""
    if not _has_web_tables(store):
        return []
    return store.rows(
        "SELECT id, ts, actor, action, target, detail, ip, ok FROM web_audit "
        "ORDER BY id DESC LIMIT ?",
        [limit],
    )


def audit_report(store: Store, limit: int) -> dict[str, Any]:
    """The newest ``limit`` audit entries and the state of both hash chains, the access
    log's (``chain``) and the moderation log's (``moderation_chain``): what `mutewatch audit
    --json` prints and ``GET /api/v1/audit`` answers."""
    from mutewatch.moderate.service import moderation_audit_chain

    return {
        "chain": audit_chain(store),
        "entries": read_audit(store, limit),
        "moderation_chain": moderation_audit_chain(store),
    }


def verify_audit_chain(store: Store) -> bool:
    """True when every audit row's hash matches its content and the previous row."""
    return bool(audit_chain(store)["intact"])


def audit_chain(store: Store) -> dict[str, Any]:
    """The state of the audit log's hash chain.

    ``intact``; ``entries``; ``head`` (the last row's hash: note it down, since a chain
    cannot show rows cut from its end); ``broken_at`` (id of the first row whose hash does
    not match its content or the row before, else None).
    """
    prev_hash, count = "0" * 64, 0
    if not _has_web_tables(store):
        return {"intact": True, "entries": 0, "head": None, "broken_at": None}
    for row in store.con.execute(
        "SELECT id, ts, actor, action, target, detail, ip, ok, prev_hash, hash "
        "FROM web_audit ORDER BY id"
    ).fetchall():
        entry_id, at, actor, action, target, detail, ip, ok, prev, digest = row
        payload = json.dumps(
            [entry_id, at.isoformat(), actor, action, target, detail, ip, ok, prev]
        )
        count += 1
        if prev != prev_hash or hashlib.sha256(payload.encode()).hexdigest() != digest:
            return {"intact": False, "entries": count, "head": None, "broken_at": entry_id}
        prev_hash = digest
    head = prev_hash if count else None
    return {"intact": True, "entries": count, "head": head, "broken_at": None}


# -- failed-login rate limiting ------------------------------------------------------------
class RateLimitedError(AuthError):
    """Too many failed attempts from one address or for one user (HTTP 429)."""

    http_status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, hint: str | None = None, retry_after: int = 60) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


# Failed dashboard logins (``POST /login``) in a sliding window of LOGIN_WINDOW seconds:
# LOGIN_LIMIT per address (an IPv6 client's /64, ``address_block``) whatever the names
# tried, and LOGIN_LIMIT per name from one address; a name's failures from every address
# together only block it at NAME_LOGIN_LIMIT, against guessing spread over many addresses.
# A name is not locked out for everyone by a few failures from anywhere: anyone could
# lock a moderator out of the dashboard by typing the name five times.
LOGIN_LIMIT = 5
LOGIN_WINDOW = 300.0
NAME_LOGIN_LIMIT = 50


class LoginLimiter:
    """At most ``limit`` failed logins per key (IP, user name) in a sliding ``window``.

    Keys are what the caller sends (any name, any address), so those whose failures are
    all past the window are dropped once there are ``prune_at`` of them: each failed login
    with a new name used to leave an entry behind for as long as the server ran.
    """

    def __init__(
        self, limit: int = LOGIN_LIMIT, window: float = LOGIN_WINDOW, prune_at: int = 10_000
    ) -> None:
        self.limit = limit
        self.window = window
        self.prune_at = prune_at
        self._next_prune = prune_at
        self._fails: dict[str, deque[float]] = {}
        self._flagged: dict[str, float] = {}  # key: when its block was last audited
        self._lock = threading.Lock()

    def flagged(self, key: str) -> bool:
        """True when the block of ``key`` was already reported within the window; else
        note it now and return False (a block is audited once per window, not per request)."""
        with self._lock:
            now = time.monotonic()
            if now - self._flagged.get(key, -self.window) < self.window:
                return True
            if len(self._flagged) > 10_000:  # keys of long-past episodes
                self._flagged = {k: t for k, t in self._flagged.items() if now - t < self.window}
            self._flagged[key] = now
            return False

    def retry_after(self, *keys: str) -> int:
        """Seconds until a login may be tried again for these keys (0: allowed now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                fails = self._fails.get(key)
                if not fails:
                    continue
                while fails and fails[0] <= now - self.window:
                    fails.popleft()
                if len(fails) >= self.limit:
                    wait = max(wait, fails[0] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def fail(self, *keys: str) -> float:
        """Count a failure against ``keys``; return its time (for ``forgive``)."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._fails.setdefault(key, deque()).append(now)
            if len(self._fails) >= self._next_prune:
                self._prune(now)
        return now

    def forgive(self, key: str, times: list[float]) -> None:
        """Take back the failures of ``key`` counted at ``times`` (those still counted)."""
        with self._lock:
            fails = self._fails.get(key)
            for at in times:
                if fails and at in fails:
                    fails.remove(at)

    def _prune(self, now: float) -> None:
        """Drop the keys with no failure in the window; prune again at twice what stays
        (so a flood of live keys costs one pass per doubling, not one per request)."""
        self._fails = {k: f for k, f in self._fails.items() if f and f[-1] > now - self.window}
        self._next_prune = max(self.prune_at, 2 * len(self._fails))

    def __len__(self) -> int:
        """How many keys have failures on record."""
        return len(self._fails)

    def succeed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._fails.pop(key, None)
                self._flagged.pop(key, None)


def address_block(ip: str) -> str:
    """What a login limit counts against for the client address ``ip``: an IPv4 address
    itself, an IPv6 address its /64 (one host is routinely given a whole /64, and could
    otherwise try 5 logins from each of its 2**64 addresses in turn)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


# -- pseudonyms ----------------------------------------------------------------------------
class Pseudonymiser:
    """Replace supporter identifiers and names with a keyed hash (HMAC-SHA256)."""

    def __init__(self, key: str, identifiers: set[str]) -> None:
        self._key = key.encode()
        self.identifiers = identifiers

    def pseudonym(self, value: str) -> str:
        """``supporter-`` + 10 hex digits of HMAC(key, value): stable, not reversible."""
        digest = hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()
        return f"supporter-{digest[:10]}"

    def apply(self, data: Any) -> Any:
        """Walk JSON-like data and replace every string equal to a supporter identifier."""
        if isinstance(data, str):
            return self.pseudonym(data) if data in self.identifiers else data
        if isinstance(data, dict):
            return {k: self.apply(v) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return [self.apply(v) for v in data]
        return data


# the words measurements themselves print as values (options, groups, kinds, statuses):
# a supporter channel named "official" or "day" must not turn them into pseudonyms
VOCABULARY = frozenset({
    "official", "supporter", "all", "day", "week", "month", "network", "outlet", "medium",
    "platform", "host", "duckdb", "spark", "poisson", "negbin", "other", "unknown",
    "telegram", "onion", "file_host", "paste", "video", "social", "shortener", "channel",
    "group", "public_channel", "private_channel", "private_group", "public_supergroup",
    "private_supergroup", "silenced", "dormant", "new", "active", "no_posts", "gone",
    "sources", "coverage", "true", "false", "null", "none", "yes", "no",
})  # fmt: skip


def _vocabulary() -> frozenset[str]:
    from mutewatch.model import MEDIA_KINDS

    return VOCABULARY | frozenset(MEDIA_KINDS)


def supporter_identifiers(store: Store) -> set[str]:
    """Account ids and every name of supporter accounts, and the names of supporter outlets.

    Registered supporter outlets too: the registry names them after a group or a
    channel's handle, and that name finds their channels as surely as the channels' own
    names do (issue 4: supporter names are pseudonymised for viewers; the people behind
    supporter accounts are not the object of study).

    Names shared with an official outlet or official account are left alone, and so are
    the words measurements print as values (``VOCABULARY``, the media kinds): they name
    nobody, and replacing them corrupted what viewers saw (a supporter channel named
    "official" turned every ``"of": "official"`` into a pseudonym).
    """
    rows = store.con.execute(
        """
        WITH sup AS (
            SELECT a.platform, a.account_id, a.name FROM accounts a
            LEFT JOIN outlets o USING (outlet_id)
            WHERE coalesce(o.official, FALSE) = FALSE
        )
        SELECT account_id FROM sup
        UNION SELECT platform || ':' || account_id FROM sup  -- as `outlets list` names them
        UNION SELECT name FROM sup WHERE name IS NOT NULL
        UNION SELECT n.name FROM account_names n JOIN sup USING (platform, account_id)
        UNION SELECT name FROM outlets WHERE NOT official
        """
    ).fetchall()
    official = {
        r[0]
        for r in store.con.execute(
            "SELECT name FROM outlets WHERE official UNION "
            "SELECT a.name FROM accounts a JOIN outlets o USING (outlet_id) "
            "WHERE o.official AND a.name IS NOT NULL UNION "
            "SELECT account_id FROM accounts a JOIN outlets o USING (outlet_id) WHERE o.official "
            "UNION SELECT a.platform || ':' || a.account_id FROM accounts a "
            "JOIN outlets o USING (outlet_id) WHERE o.official"
        ).fetchall()
    }
    official |= _vocabulary()
    return {str(r[0]) for r in rows if r[0] is not None and str(r[0]) not in official}


# -- CSRF ----------------------------------------------------------------------------------
def same_secret(sent: str, expected: str) -> bool:
    """``sent == expected`` in constant time, for any text a client sends. Compared as UTF-8
    bytes: ``hmac.compare_digest`` refuses two strings holding a non-ASCII character with a
    TypeError, so a CSRF token of ``é`` (or a login as the user ``josé``) was a 500."""
    return hmac.compare_digest(
        sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def csrf_token(secret: str, session_id: str) -> str:
    """The CSRF token of a session: HMAC(secret, session id)."""
    return hmac.new(secret.encode(), f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


# -- the FastAPI dependency ----------------------------------------------------------------
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def require_role(*roles: str) -> Callable[[Request], Awaitable[User]]:
    """A FastAPI dependency: the authenticated user, who must hold one of ``roles`` (or admin).

    Authenticates ``Authorization: Bearer TOKEN`` or the dashboard session cookie; cookie
    requests that change state must carry the session's CSRF token.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; use {ROLES}")
    allowed = set(roles) | {"admin"}

    async def dependency(request: Request) -> User:
        user = await authenticate(request)
        if user.role not in allowed:
            # in a worker thread: the entry is fsync'd, which held up every request of the
            # event loop meanwhile; awaited, so it is durable before the 403
            await run_in_threadpool(_audit_denial, request, user)
            raise ForbiddenError(
                f"the role {user.role!r} of {user.name!r} may not use {request.url.path}",
                hint=f"this needs one of: {', '.join(sorted(allowed))}",
            )
        request.state.user = user
        return user

    return dependency


def _audit_denial(request: Request, user: User) -> None:
    """Audit a refused request (``access.denied``), once per user and route in 5 minutes:
    a reader probing routes its role may not use left no trace. Per route, not per path,
    so varying a path's parameters adds no entries."""
    auth = getattr(request.app.state, "auth", None)
    if auth is None:
        return
    route = getattr(request.scope.get("route"), "path", request.url.path)
    if auth.denials.flagged(f"{user.name}\0{request.method} {route}"):
        return
    auth.audit(
        "access.denied",
        actor=user.name,
        target=f"{request.method} {request.url.path}"[:300],
        detail={"role": user.role},
        ip=request.client.host if request.client else None,
        ok=False,
    )


def limited_token_user(request: Request, token: str) -> User | None:
    """The user of an API token the request's client sent, or None for a bad token, which
    counts against the client's address (an IPv6 client's /64): after ``token_limiter``'s
    limit a ``RateLimitedError`` (429) answers, whatever the token, but for a token refused
    from that address that works now (``AuthService.was_refused``). Every way a token comes
    (``Authorization: Bearer``, the Perspective routes' ``?key=``) goes through here, so
    none of them can be used to try tokens without end. Writes the audit entry of a block
    (an fsync): call it from a worker thread (the event loop's callers use
    ``_checked_token``)."""
    user, blocked = _checked_token(request, token)
    if blocked is not None:
        _audit_token_block(request, blocked)
    return user


def _checked_token(request: Request, token: str) -> tuple[User | None, str | None]:
    """``limited_token_user`` without the audit entry: the user (or None) and, when this
    bad token blocked the client's address, the address, whose ``token.blocked`` entry the
    caller writes (``_audit_token_block``)."""
    auth = request.app.state.auth
    host = request.client.host if request.client else "?"
    ip = f"api:{address_block(host)}"  # an IPv6 client by its /64
    wait = auth.token_limiter.retry_after(ip)
    if wait and auth.was_refused(ip, token):  # a token behind the block may work now
        unblocked = _refused_now_valid(auth, ip, token)
        if unblocked is not None:
            return unblocked, None
    if wait:
        raise RateLimitedError(
            f"too many requests with bad tokens from this address; retry in {wait} s",
            hint="check the token; ask an admin for a new one",
            retry_after=wait,
        )
    user: User | None = auth.user_for_token(token)
    if user is None:
        auth.refused_token(ip, token, auth.token_limiter.fail(ip))
        if auth.token_limiter.retry_after(ip) and not auth.token_limiter.flagged(ip):
            return None, host
    else:
        auth.forgive_token(ip, token)
    return user, None


def _refused_now_valid(auth: Any, ip: str, token: str) -> User | None:
    """The user of ``token``, refused before from the blocked ``ip``, when it works now and
    taking its refusals back lifts the block; else None (the block stands)."""
    user: User | None = auth.user_for_token(token)
    if user is None:
        return None
    auth.forgive_token(ip, token)
    return None if auth.token_limiter.retry_after(ip) else user


def _audit_token_block(request: Request, host: str) -> None:
    """Audit a client address blocked for bad tokens (``token.blocked``), durably."""
    request.app.state.auth.audit("token.blocked", actor=None, ip=host, ok=False)


async def authenticate(request: Request) -> User:
    """The user behind a request, or ``AuthError``; checks CSRF for cookie-borne writes."""
    auth = request.app.state.auth
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError(
                "the Authorization header must be `Bearer TOKEN`",
                hint="create a token with `mutewatch users add NAME --role ROLE`",
            )
        token = token.strip()
        # a cache miss reads the store (ms): in a worker thread, as every other request
        # waits while the loop reads; a hit (every request but one per token and 5 s) stays
        user, blocked = (
            _checked_token(request, token)
            if auth.token_cached(token)
            else await run_in_threadpool(_checked_token, request, token)
        )
        if blocked is not None:
            # in a worker thread: its fsync on the event loop held up every other request
            # meanwhile; awaited, so the entry is durable before the answer
            await run_in_threadpool(_audit_token_block, request, blocked)
        if user is None:
            raise AuthError("unknown or revoked token", hint="ask an admin for a new token")
        return user
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        session_user: User | None = (
            await run_in_threadpool(auth.user_for_session, session_id)
            if auth.session_needs_read(session_id)
            else auth.user_for_session(session_id)
        )
        if session_user is not None:
            if request.method not in SAFE_METHODS:
                await _check_csrf(request, auth.csrf_for(session_id))
            return session_user
    raise AuthError(
        "authentication required",
        hint="send `Authorization: Bearer TOKEN` or log in at /login",
    )


async def _check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf")
            sent = value if isinstance(value, str) else None
    if not sent or not same_secret(sent, expected):
        raise ForbiddenError(
            "missing or wrong CSRF token",
            hint="reload the page; dashboard forms must carry the `csrf` field",
        )


TOKEN_CACHE_SECONDS = 5.0
# how long an unknown token's lookup waits for a snapshot of a store file changed since the
# one it read (``StoreGateway.catch_up``) before the token is refused
CATCH_UP_SECONDS = 2.0


class AuthService:
    """Per-app authentication state: token/session lookups against the snapshot."""

    def __init__(
        self,
        gateway: Any,
        *,
        pseudonym_key: str | None,
        session_secret: str,
        session_lifetime: timedelta = timedelta(hours=SESSION_HOURS),
    ) -> None:
        self.gateway = gateway
        self.session_lifetime = session_lifetime
        self.session_secret = session_secret
        self._pseudonym_key = pseudonym_key
        self.limiter = LoginLimiter()  # failed logins per address, and per name and address
        self.name_limiter = LoginLimiter(NAME_LOGIN_LIMIT)  # per name, from every address
        self.token_limiter = LoginLimiter(limit=30, window=300.0)  # bad API tokens per IP
        self.denials = LoginLimiter(window=300.0)  # refused requests audited, per user+route
        self._sessions: dict[str, tuple[User, datetime]] = {}
        self._session_checked: dict[str, float] = {}  # session hash: user re-read after
        # session hash: when it would have expired (its row says it is revoked after that,
        # or it is expired anyway; until then the snapshot may not show the revocation yet)
        self._revoked: dict[str, datetime] = {}
        self._pruned_at = time.monotonic()  # expired sessions were last dropped then
        # token hash: user, until when, and the store generation it was read at
        self._cache: dict[str, tuple[User | None, float, int]] = {}
        # (address, token hash): when the token was refused, taken back once it works
        self._refused: dict[tuple[str, str], list[float]] = {}
        self._pseudo: tuple[int, Pseudonymiser] | None = None
        self._lock = threading.Lock()
        self.journal = AuditJournal(audit_journal_path(gateway.store_path))
        self.revocations = RevocationJournal(revocation_journal_path(gateway.store_path))
        self._unjournalled: set[Path] = set()  # journals found not writable (said once)
        for journal in (self.journal, self.revocations):
            if not journal_writable(journal.path):
                self._journal_failed(journal.path, PermissionError("not writable"))
        # sessions a server killed before its writer got to them had ended: refused from
        # the first request, before the writer marks their rows
        try:
            self._revoked.update(self.revocations.sessions())
        except OSError as exc:
            self._journal_failed(self.revocations.path, exc)
        self._replay_queued = False
        if self.journal.pending() or self.revocations.pending():  # what a killed server left
            self._queue_replay()

    def user_for_token(self, token: str) -> User | None:
        """The token's user, looked up at most every TOKEN_CACHE_SECONDS per token.

        Not per store generation: every comment is a write, so a generation-keyed cache
        missed on every request. A user disabled here is forgotten at once
        (``forget_user``); one disabled by another process within TOKEN_CACHE_SECONDS.

        An unknown token is looked up again in a fresh snapshot before it is refused when
        the store file changed since the one read (``StoreGateway.catch_up``), and its
        refusal is cached only while neither the file nor the snapshot changes: a token
        `mutewatch users add` had just created was refused for up to TOKEN_CACHE_SECONDS,
        each refusal counting toward the block of the client's address.
        """
        key = hash_secret(token)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and self._answers(cached, now):
            return cached[0]
        user, seen = self._lookup_token(token)
        if user is None and self.gateway.catch_up(seen, CATCH_UP_SECONDS):
            user, seen = self._lookup_token(token)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (user, now + TOKEN_CACHE_SECONDS, seen)
        return user

    def _lookup_token(self, token: str) -> tuple[User | None, int]:
        """The token's user in what readers see now, and that view's generation."""
        with self.gateway.reading() as snap:
            return lookup_token(snap.store(), token), snap.generation

    def _answers(self, cached: tuple[User | None, float, int], now: float) -> bool:
        """Whether a cached lookup still answers: a user until its time is up; a refusal
        only while the view read is still the newest and the file has not changed since."""
        user, until, seen = cached
        if until <= now:
            return False
        return user is not None or (self.gateway.generation == seen and not self.gateway.behind())

    def token_cached(self, token: str) -> bool:
        """Whether ``user_for_token`` answers ``token`` from its cache, without a store read
        (``authenticate`` makes that read in a worker thread, not on the event loop)."""
        with self._lock:
            cached = self._cache.get(hash_secret(token))
        return cached is not None and self._answers(cached, time.monotonic())

    def refused_token(self, address: str, token: str, at: float) -> None:
        """Note that ``token`` from ``address`` was refused at ``at`` (``token_limiter``)."""
        with self._lock:
            if len(self._refused) > 10_000:
                self._refused.clear()  # those refusals then stay counted, as they used to
            self._refused.setdefault((address, hash_secret(token)), []).append(at)

    def was_refused(self, address: str, token: str) -> bool:
        """Whether ``token`` is one refused from ``address`` and still counted against it.

        A blocked address has only such a token looked up again: one that works now (a
        token `mutewatch users add` created just after the client first tried it) takes
        its refusals back, which lifts the block (the other refusals still count). Any
        other token, valid or not, is answered 429 unread: were valid tokens let through
        a block, its 429 or 200 would tell a client trying stolen or guessed tokens which
        one works, at any rate, and the block would slow nothing."""
        with self._lock:
            return (address, hash_secret(token)) in self._refused

    def forgive_token(self, address: str, token: str) -> None:
        """A token that works now no longer counts against ``address`` for the times it was
        refused (looked up before the store showed it)."""
        with self._lock:
            if not self._refused:
                return
            times = self._refused.pop((address, hash_secret(token)), None)
        if times:
            self.token_limiter.forgive(address, times)

    def session_needs_read(self, session_id: str) -> bool:
        """Whether ``user_for_session`` reads the store for ``session_id`` now: a session
        not opened here (read on every request), or one opened here whose user was last
        looked up TOKEN_CACHE_SECONDS ago. ``authenticate`` then calls it in a worker thread:
        the read (2.4 ms with 10,000 sessions) on the event loop held up every request."""
        digest = hash_secret(session_id)
        if digest in self._revoked:
            return False
        live = self._sessions.get(digest)
        if live is None:
            return True
        return live[1] > _now() and self._session_checked.get(digest, 0.0) <= time.monotonic()

    def user_for_session(self, session_id: str) -> User | None:
        """The user of a session, with the role the store gives it now.

        A session opened here is kept in memory (its row may not be written yet), but
        its user is looked up again every TOKEN_CACHE_SECONDS: a user disabled, or given
        another role, by another process (`mutewatch users disable`) kept a live session,
        and its old role, until the session expired (12 h).
        """
        digest = hash_secret(session_id)
        if digest in self._revoked:
            return None
        live = self._sessions.get(digest)
        if live is None:
            with self.gateway.reading() as snap:
                return lookup_session(snap.store(), session_id)
        user, expires = live
        if expires <= _now():
            return None
        now = time.monotonic()
        if self._session_checked.get(digest, 0.0) > now:
            return user
        with self.gateway.reading() as snap:
            current = user_record(snap.store(), user.name)
        if current is None or current["disabled"]:
            self.forget_user(user.name)
            return None
        if current["role"] != user.role:
            user = User(user.name, current["role"], via="session", session_id=session_id)
            self._sessions[digest] = (user, expires)
        self._session_checked[digest] = now + TOKEN_CACHE_SECONDS
        return user

    def csrf_for(self, session_id: str) -> str:
        return csrf_token(self.session_secret, session_id)

    def login(self, name: str, token: str) -> tuple[User, str] | None:
        """Check a name and token; on success open a session and return it with its id."""
        user = self.user_for_token(token)
        if user is None or not same_secret(user.name, name):
            return None
        session_id = secrets.token_urlsafe(32)
        self._prune_expired()
        expires = _now() + self.session_lifetime
        session_user = User(user.name, user.role, via="session", session_id=session_id)
        digest = hash_secret(session_id)
        self._sessions[digest] = (session_user, expires)

        def insert(store: Store) -> None:
            # a log-out before this row was written is in _revoked (and in the journal
            # of ended sessions, which the writer may have read before this row was here)
            revoked = _now() if digest in self._revoked else None
            store.con.execute(
                "INSERT INTO web_sessions (session_hash, name, created_at, expires_at, "
                "revoked_at) VALUES (?, ?, ?, ?, ?)",
                [digest, user.name, _now(), expires, revoked],
            )

        # lost if the server is killed before it is written: that session is then
        # refused after the restart, which only means logging in again
        self.gateway.submit(insert, persistent=True, data=False)
        return session_user, session_id

    def _prune_expired(self) -> None:
        """Drop expired sessions from memory, at most once per minute (or per lifetime, when
        sessions are shorter): each login added an entry to ``_sessions``,
        ``_session_checked`` and, once replaced or logged out, ``_revoked``, kept until the
        server stopped. An expired session is refused by its row all the same."""
        now = time.monotonic()
        if now - self._pruned_at < min(60.0, self.session_lifetime.total_seconds()):
            return
        self._pruned_at = now
        at = _now()
        with self._lock:
            for digest, (_, expires) in list(self._sessions.items()):
                if expires <= at:
                    self._sessions.pop(digest, None)
            for digest, expires in list(self._revoked.items()):
                if expires <= at:
                    self._revoked.pop(digest, None)
            for digest in list(self._session_checked):
                if digest not in self._sessions:
                    self._session_checked.pop(digest, None)

    def _revoke(self, digest: str) -> datetime:
        """Refuse the session from now on in this process; return when it would expire."""
        live = self._sessions.pop(digest, None)
        until = live[1] if live else _now() + self.session_lifetime
        self._revoked[digest] = until
        self._session_checked.pop(digest, None)
        return until

    def logout(self, session_id: str) -> None:
        """End a session, durably when this returns (so before the log-out is answered):
        it is fsync'd to the journal of ended sessions (``RevocationJournal``), and the
        writer marks its row revoked. It used to be only a queued write: a server killed
        after the answer left the row live, and the cookie worked again after a restart."""
        digest = hash_secret(session_id)
        until = self._revoke(digest)
        try:
            self.revocations.append(digest, until)
        except OSError as exc:  # a store the server may not write: queued, as it used to be
            self._journal_failed(self.revocations.path, exc)
            self.gateway.submit(
                lambda store: store.con.execute(
                    "UPDATE web_sessions SET revoked_at = ? WHERE session_hash = ?",
                    [_now(), digest],
                ),
                persistent=True,
                data=False,
            )
            return
        self._queue_replay()

    def forget_user(self, name: str) -> None:
        """Drop cached sessions and token lookups of a user (after disabling it)."""
        with self._lock:
            self._cache.clear()
            for digest, (user, _) in list(self._sessions.items()):
                if user.name == name:
                    self._revoke(digest)

    def audit(
        self,
        action: str,
        *,
        actor: str | None,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
        ip: str | None = None,
        ok: bool = True,
    ) -> None:
        """Write an audit entry to the journal (durable when this returns, so before the
        request is answered) and let the writer move it into the store: a server killed
        before the writer got to it leaves it in the journal, and the next start (or
        `mutewatch audit`) writes it, once."""
        at = _now()
        try:
            self.journal.append(
                action, actor=actor, target=target, detail=detail, ip=ip, ok=ok, at=at
            )
        except OSError as exc:  # a store the server may not write: queued, as it used to be
            self._journal_failed(self.journal.path, exc)
            fields: dict[str, Any] = {"actor": actor, "target": target, "detail": detail}
            self.gateway.submit(
                lambda store: append_audit(store, action, ip=ip, ok=ok, at=at, **fields),
                persistent=True,
                data=False,
            )
            return
        self._queue_replay()

    def _journal_failed(self, path: Path, exc: OSError) -> None:
        """Say once per journal that it cannot be written, and what that means. Every login
        used to answer 500 ("internal error: PermissionError") on a store the server could
        read but not write (its directory read-only, or a journal another user made), and
        the server said nothing of it when it started."""
        with self._lock:
            if path in self._unjournalled:
                return
            self._unjournalled.add(path)
        log.error(
            "cannot write the journal %s (%s): audit entries and log-outs are queued for the "
            "store instead, and lost if the server is killed before it writes them; let the "
            "server's user write the store's directory and its journals",
            path, exc.strerror or exc,
        )  # fmt: skip

    def _queue_replay(self) -> None:
        """Ask the writer to move the journals (audit entries, ended sessions) into the
        store (one job for many entries)."""
        with self._lock:
            if self._replay_queued:
                return
            self._replay_queued = True
        self.gateway.submit(self._replay, persistent=True, data=False)

    def _replay(self, store: Store) -> int:
        with self._lock:
            self._replay_queued = False
        # each journal on its own: one this server may not read (another user's) stopped
        # the other's entries from reaching the store while it ran
        try:
            replay_revocations(store, self.revocations.path)
        except OSError as exc:
            self._journal_failed(self.revocations.path, exc)
        try:
            return replay_audit_journal(store, self.journal.path)
        except OSError as exc:
            self._journal_failed(self.journal.path, exc)
            return 0

    def pseudonymiser(self) -> Pseudonymiser:
        """The pseudonymiser for the current snapshot (its identifier set is cached)."""
        generation = self.gateway.generation
        cached = self._pseudo
        if cached is not None and cached[0] == generation:
            return cached[1]
        with self.gateway.reading() as snap:
            idents = supporter_identifiers(snap.store())
            key = self._pseudonym_key
            if key is None:
                key = stored_pseudonym_key(snap.store())
        if key is None:
            key = self.gateway.write(lambda s: get_or_create_setting(s, "pseudonym_key"))
            self._pseudonym_key = key
        pseudo = Pseudonymiser(str(key), idents)
        self._pseudo = (generation, pseudo)
        return pseudo
