"""Commands of the "show it" capability: ``report``, ``serve`` and ``users add``."""

from __future__ import annotations

import copy
import errno
import ipaddress
import json
import logging
import os
import re
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

import click

from mutewatch._words import printable
from mutewatch.cli.window_help import BASELINE_HELP, PERIOD_HELP
from mutewatch.errors import MutewatchError, UsageError
from mutewatch.measure.params import population_options

if TYPE_CHECKING:
    from mutewatch.store import Store

# web.auth.ROLES, written out so that `mutewatch --help` does not import the web stack
ROLES = ("viewer", "analyst", "moderator", "admin")


def register(main: click.Group) -> None:
    """Add ``report``, ``serve`` and ``users`` to the main group."""
    main.add_command(report)
    main.add_command(serve)
    main.add_command(users)
    main.add_command(audit)
    try:
        from mutewatch.cli import foundation
    except ImportError:  # the foundation CLI is not there: no demo to hook into
        return
    hooks = getattr(foundation, "DEMO_HOOKS", None)
    if isinstance(hooks, list) and _demo_report not in hooks:
        hooks.append(_demo_report)


def _demo_report(ctx: click.Context, directory: Path) -> None:
    """After `mutewatch demo`: write the demo report and print its path."""
    from mutewatch.show.report import ReportOptions, write_report

    written = write_report(Path(ctx.obj), Path(directory) / "report.html", ReportOptions())
    click.echo(f"Report: {written.html}")


@click.command()
@click.option(
    "--baseline", metavar="A..B", help=BASELINE_HELP,
)  # fmt: skip
@click.option(
    "--period", metavar="C..D", help=PERIOD_HELP,
)  # fmt: skip
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"),
    show_default=True, help="The HTML file to write.",
)  # fmt: skip
@click.option(
    "--png-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Also write each chart as a PNG into this directory (uses /usr/bin/chromium).",
)  # fmt: skip
@click.option(
    "--generated-at", metavar="TIME",
    help="The report's 'Generated' time (ISO 8601, UTC), so the same store gives the same "
    "bytes; default SOURCE_DATE_EPOCH, else now.",
)  # fmt: skip
@click.option(
    "--pseudonymise", is_flag=True,
    help="Name supporter channels and outlets by the pseudonyms the dashboard shows viewers "
    "(key: MUTEWATCH_PSEUDONYM_KEY, else the one `serve` keeps in the store, else one made "
    "for this report only), for readers who should not see them.",
)  # fmt: skip
@click.option(
    "--outlet", "outlets", multiple=True, metavar="NAME",
    help="Also read this outlet, its exact name as `outlets list` prints it (repeatable), "
    "in the output section as `output --outlet NAME --by outlet --of all` and `trend "
    "--outlet NAME --of all` read it: against its own channels' coverage.",
)  # fmt: skip
@click.option(
    "--min-history-days", metavar="DAYS", default="90", show_default=True,
    help="Call a silence unprecedented only once this many days of its series' record "
    "(outlet, or the network) lie before it; a number >= 0 (0: whenever `mutewatch "
    "silences` calls it unprecedented).",
)  # fmt: skip
@population_options
@click.pass_obj
def report(
    store: Path,
    baseline: str | None,
    period: str | None,
    out: Path,
    png_dir: Path | None,
    generated_at: str | None,
    pseudonymise: bool,
    outlets: tuple[str, ...],
    min_history_days: str,
    of: str,
    include_forwards: bool,
) -> None:
    """Write a self-contained HTML report (opens offline; plotly.js inlined).

    The charts span --baseline's start to --period's end (the whole archive without
    them); the key findings are `mutewatch findings` with the same windows.

    --of and --include-forwards choose the posts the charts of output, outlets, silences
    and hosts, the silences' coverage and the key findings count, as every measuring
    command reads them (default: official outlets' releases). A store ingested without an
    outlet registry has no official outlet: write its report with --of all.

    --min-history-days DAYS (default 90) is the report's one rule of its own: a silence is
    marked unprecedented (as `mutewatch silences` marks it) only once DAYS days of its
    series' record lie before it; the methods appendix echoes it.

    Examples (in mutewatch-demo/; then: reproducible, to hand to viewers, two outlets read
    against their own coverage, a store without a registry, every post, and a short
    archive, whose silences may be unprecedented after 30 days of record):

    \b
      mutewatch report --period 2017-07-01..2017-12-31 --out report.html --png-dir charts/
      mutewatch report --generated-at 2026-11-29T12:00:00Z --out r.html
      mutewatch report --pseudonymise --out public.html
      mutewatch report --outlet "Province 39 Media Office" \\
        --outlet "Province 05 Media Office" --out chosen.html
      mutewatch report --of all --out everything.html
      mutewatch report --min-history-days 30 --out short.html
    """
    import dataclasses

    from mutewatch.show.report import ReportOptions, write_report

    options = ReportOptions.from_strings(
        baseline=baseline, period=period, generated_at=generated_at, outlets=outlets,
        of=of, include_forwards=include_forwards, min_history_days=min_history_days,
    )  # fmt: skip
    options = dataclasses.replace(options, pseudonymise=pseudonymise)
    written = write_report(store, out, options, png_dir=png_dir)
    click.echo(str(written.html))
    for png in written.pngs:
        click.echo(str(png))


EVERYONE = "trusting every address lets each reader write its own X-Forwarded-For"


def _addresses(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Each value an IP address or network (``10.0.0.0/8``), passed on as uvicorn reads it.

    A network written with host bits (``10.0.0.1/8``) becomes its network (``10.0.0.0/8``):
    uvicorn reads networks strictly and would silently trust nobody. An IPv6 address may be
    bracketed (``[::1]``). ``*`` and the networks of every address (``0.0.0.0/0``, ``::/0``)
    are refused: each reader could then pick a fresh address per guess at a token and put a
    forged one in the audit log.
    """
    out = []
    for value in values:
        try:
            out.append(_trusted(value.strip().removeprefix("[").removesuffix("]")))
        except ValueError as exc:
            raise click.BadParameter(f"{value!r}: {exc}", ctx, param) from None
    return tuple(out)


def _trusted(value: str) -> str:
    """One proxy address or network as uvicorn's ``forwarded_allow_ips`` reads it."""
    if value == "*":
        raise ValueError(f"{EVERYONE}; name the proxy, e.g. 127.0.0.1 or 10.0.0.0/8")
    try:
        if "/" not in value:
            return str(ipaddress.ip_address(value))
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(
            "not an IP address or network; give the proxy's address as it connects to "
            "mutewatch, e.g. 127.0.0.1, ::1 or 10.0.0.0/8"
        ) from None
    if network.prefixlen == 0:
        raise ValueError(f"{EVERYONE}; name the proxy's own network, e.g. 10.0.0.0/8")
    return str(network)


_QUERY_PAIR = re.compile(r"([?&])([^=&#\s]*)=([^&#\s]*)")


class KeyRedaction(logging.Filter):
    """Hide API keys in access-log lines: ``/v1alpha1/comments:analyze?key=(hidden)``.

    Perspective's clients send the key in the query (``?key=TOKEN``), and uvicorn's access
    log writes each request's path with its query: a mutewatch token in every line. A
    parameter is read as the server reads it, percent-decoded: ``?%6Bey=TOKEN`` is a key
    too, and was written out in clear; so is any value holding a mutewatch token, under
    whatever name a client put it (``?access_token=TOKEN``, answered 400).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's string arguments; never drop the record."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                _QUERY_PAIR.sub(_hide_key, a) if isinstance(a, str) else a for a in record.args
            )
        return True


def _hide_key(pair: re.Match[str]) -> str:
    """A query parameter as the log shows it: its value hidden when it is a key."""
    # what looks like a token is what the server withholds elsewhere (web.auth's shape,
    # imported here: the access log runs in the server, which has the web stack loaded)
    from mutewatch.web.auth import TOKEN_IN_TEXT

    name, value = unquote_plus(pair.group(2)), unquote_plus(pair.group(3))
    if name.strip().lower() == "key" or TOKEN_IN_TEXT.search(value):
        return f"{pair.group(1)}{pair.group(2)}=(hidden)"
    return pair.group(0)


def log_config(listening: Listening | None = None) -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`KeyRedaction` on its access log and
    ``listening`` (if given) on its start-up log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["hide_keys"] = {"()": KeyRedaction}
    config["handlers"]["access"]["filters"] = ["hide_keys"]
    if listening is not None:
        config["loggers"]["uvicorn.error"]["filters"] = [listening]
    return config


class Listening(logging.Filter):
    """What uvicorn's start-up log (logger ``uvicorn.error``) says about its socket.

    uvicorn binds ``--host``/``--port`` itself (port 0: the system picks a free one) and
    logs ``Uvicorn running on http://HOST:PORT`` with the port it got, once it accepts
    connections; a bind that fails is logged as its ``OSError``. On the first, this prints
    ``Serving on URL`` on stdout and writes the port to ``port_file``; the second is kept in
    :attr:`failed`. Records pass unchanged.
    """

    def __init__(self, port_file: Path | None = None) -> None:
        super().__init__()
        self.port_file = port_file
        self.failed: OSError | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        """Note a failed bind, or announce the listening address; never drop the record."""
        args = record.args
        if isinstance(record.msg, OSError):
            self.failed = record.msg
        elif (
            str(record.msg).startswith("Uvicorn running on ")
            and isinstance(args, tuple)
            and len(args) == 3
            and isinstance(args[2], int)
        ):
            scheme, host, port = args
            host = f"[{host}]" if ":" in str(host) else host
            click.echo(f"Serving on {scheme}://{host}:{port}")
            if self.port_file is not None:
                _write_atomically(self.port_file, f"{port}\n")
        return True


def _write_atomically(path: Path, text: str) -> None:
    """``text`` in ``path``, written beside it and renamed: a reader sees all or nothing."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


class ListenError(MutewatchError):
    """``serve`` cannot listen on its --host and --port."""

    exit_code = 3  # the code of uvicorn's start-up failure, which serve exited with before


def _listen_error(exc: OSError, host: str, port: int) -> ListenError:
    if exc.errno == errno.EADDRINUSE:
        return ListenError(
            f"port {port} on {host} is in use",
            hint="stop the program listening there or pass another --port; --port 0 picks "
            "a free one",
        )
    # uvicorn's OSError says "error while attempting to bind on address ...: " before it
    code = exc.errno or 0  # negative: getaddrinfo's (an unknown --host), its own strerror
    reason = os.strerror(code) if code > 0 else exc.strerror or str(exc)
    return ListenError(
        f"cannot listen on {host} port {port}: {reason}",
        hint="pass an address of this machine with --host, e.g. 127.0.0.1, and a free "
        "--port; --port 0 picks one",
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
    help="TCP port; 0 picks a free one (printed, and written to --port-file).",
)  # fmt: skip
@click.option(
    "--port-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    metavar="PATH",
    help="Once the server accepts connections, write the port it listens on (and a newline) "
    "to PATH, atomically; a PATH already there is removed at start. Scripts wait for it.",
)  # fmt: skip
@click.option("--secure-cookies", is_flag=True, help="Mark session cookies Secure (behind HTTPS).")
@click.option(
    "--no-moderation", is_flag=True, help="Serve the observatory only (no comment moderation)."
)
@click.option(
    "--trusted-proxy", "proxies", multiple=True, metavar="ADDRESS", callback=_addresses,
    help="A reverse proxy (IP address or network) whose X-Forwarded-For and "
    "X-Forwarded-Proto are believed; repeat for several. Without it those headers are ignored. "
    "'*', 0.0.0.0/0 and ::/0 are refused: they would believe every reader.",
)  # fmt: skip
@click.option(
    "--compute-per-user", default=4, show_default=True, type=click.IntRange(min=1),
    help="Measurements one user may have computing at once; more answer 429 (Retry-After). "
    "Cached answers do not count.",
)  # fmt: skip
@click.option(
    "--cache-mb", type=click.FloatRange(min=0), default=None, metavar="MIB",
    help="Bound of the result cache in MiB (least recently used out first); default "
    "MUTEWATCH_CACHE_MB, else 64. One dashboard view of the demo takes about 0.7 MiB.",
)  # fmt: skip
@click.pass_obj
def serve(
    store: Path, host: str, port: int, port_file: Path | None, secure_cookies: bool,
    no_moderation: bool, proxies: tuple[str, ...], compute_per_user: int,
    cache_mb: float | None,
) -> None:  # fmt: skip
    """Run the API and dashboard (log in with a user name and token from `users add`).

    Reads come from a snapshot of the store, so `mutewatch ingest` may run meanwhile.
    Behind a reverse proxy, name it with --trusted-proxy: login limits then count each
    reader's address instead of the proxy's, and the audit log records the reader's. Give
    its address or network (127.0.0.1, ::1, 10.0.0.0/8, fd00::/8); '*', 0.0.0.0/0 and ::/0
    are refused, since every reader could then forge its own address.

    Once it listens it prints `Serving on http://HOST:PORT`. --port 0 lets the system pick
    a free port; --port-file writes it where a script can wait for it.

    Logins, admin actions and other audit entries, and log-outs, are fsync'd before they
    are answered to journals beside the store's file (symlinks followed): STORE.audit.jsonl
    and STORE.revoked.jsonl. Their directory must be writable; move or back up a store
    with both, since the next start writes what a killed server left in them.

    \b
    Example: mutewatch --store mutewatch-demo/mutewatch.duckdb serve --host 127.0.0.1 --port 8000
    Example (a free port, its number in port.txt once it serves):
      mutewatch --store mutewatch-demo/mutewatch.duckdb serve --port 0 --port-file port.txt
    """
    import uvicorn

    if port_file is not None:  # a script waiting for it must not read a past server's port
        if not port_file.parent.is_dir():
            raise UsageError(
                f"--port-file {port_file}: no folder {port_file.parent}",
                hint="name a file in an existing folder",
            )
        port_file.unlink(missing_ok=True)
    # tried before the store and the models load (4 s of CPU, 20-30 s on a busy machine):
    # a port in use or an address not of this machine was said only after them
    try:
        for sock in bind_sockets(host, port):
            sock.close()
    except OSError as exc:
        raise _listen_error(exc, host, port) from None
    from mutewatch.web.app import create_app

    app = create_app(
        store, secure_cookies=secure_cookies, moderation=not no_moderation,
        compute_per_user=compute_per_user, cache_mb=cache_mb,
    )  # fmt: skip
    listening = Listening(port_file)
    try:
        uvicorn.run(  # no `server: uvicorn` header: what runs is nobody else's business
            app, host=host, port=port, log_level="info", proxy_headers=bool(proxies),
            forwarded_allow_ips=list(proxies) or None, log_config=log_config(listening),
            server_header=False,
        )  # fmt: skip
    except SystemExit:  # uvicorn's start-up failure: its log says why, in its words
        if listening.failed is not None:
            raise _listen_error(listening.failed, host, port) from None
        raise


def bind_sockets(host: str, port: int) -> list[socket.socket]:
    """The sockets ``host`` and ``port`` name, bound, not listening: one per address
    ``host`` resolves to (``localhost``: 127.0.0.1 and ::1), as asyncio's ``create_server``
    (uvicorn's own bind) makes them, with SO_REUSEADDR and IPv6 sockets IPv6-only. The
    first ``OSError`` (a port in use, an address not of this machine, an unknown host) is
    raised with every socket closed."""
    infos = socket.getaddrinfo(
        host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
    )
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            try:
                sock = socket.socket(family, kind, proto)
            except OSError:  # a family this machine does not have, as asyncio skips it
                continue
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    if not sockets:
        raise OSError(errno.EADDRNOTAVAIL, os.strerror(errno.EADDRNOTAVAIL))
    return sockets


@click.group()
def users() -> None:
    """Manage dashboard and API users.

    Example: mutewatch users add ada --role analyst
    """


WAIT = click.option(
    "--wait", default=30.0, show_default=True, type=click.FloatRange(min=0),
    help="Seconds to wait while another process (the server, an ingest) writes to the store.",
)  # fmt: skip


def _open_when_free(
    store: Path, wait: float, *, read_only: bool = False, existing: bool = False
) -> Store:
    """The store opened, waiting up to ``wait`` s for another writer to let go
    (a running server lets go when it sees a process waiting). ``existing``: a store that
    is not there is refused ("no store at PATH", exit 4, as read-only opens say), not
    created empty by opening it to write (a mistyped --store of `users list`)."""
    from mutewatch.errors import StoreError
    from mutewatch.store import Store, when_free

    if existing and not Path(store).exists():
        raise StoreError(
            f"no store at {store}",
            hint="run `mutewatch ingest PATH` or `mutewatch demo` first, or pass --store",
        )
    return when_free(Path(store), lambda: Store.open(store, read_only=read_only), wait, poll=0.2)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option(
    "--json", "as_json", is_flag=True,
    help='Print {"name", "role", "token", "created", "changed"} (as POST /api/v1/users).',
)  # fmt: skip
@click.option(
    "--enable", is_flag=True,
    help="Re-enable NAME if it was disabled (without it, a disabled name is refused).",
)  # fmt: skip
@WAIT
@click.pass_obj
def users_add(store: Path, name: str, role: str, as_json: bool, enable: bool, wait: float) -> None:
    """Create a user (or issue a new token to one) and print the token once.

    Only the token's SHA-256 is stored: keep the printed token safe. A disabled user is
    re-enabled only with --enable; a re-enable or a change of role is said on stderr and
    recorded in the audit log.

    Example: mutewatch users add ada --role analyst --json
    """
    from mutewatch.web.auth import add_user_noting, append_audit, user_change

    if not name.strip():
        raise UsageError("the user name is empty", hint="pass a NAME, e.g. `users add ada`")
    with _open_when_free(store, wait) as opened:
        _replay_journal(opened)
        user, token, before = add_user_noting(opened, name, role, enable=enable)
        detail: dict[str, Any] = {"role": role}
        if before is not None:
            detail["previous"] = before
        append_audit(opened, "user.add", actor="cli", target=user.name, detail=detail)
    change = user_change(user.name, before, role)
    if change:
        click.echo(change, err=True)
    if as_json:
        answer = {
            "name": user.name,
            "role": user.role,
            "token": token,
            "created": before is None,
            "changed": change,
        }  # as POST /api/v1/users
        click.echo(json.dumps(answer))
    else:
        click.echo(f"user {user.name} ({user.role}); token (shown once):")
        click.echo(token)


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@WAIT
@click.pass_obj
def users_list(store: Path, as_json: bool, wait: float) -> None:
    """List users, their roles and live tokens (tokens themselves are never stored).

    Example: mutewatch users list --json
    """
    from mutewatch.web.auth import list_users, migrate_web
    from mutewatch.web.queries import jsonable

    with _open_when_free(store, wait, existing=True) as opened:
        migrate_web(opened.con)
        rows = list_users(opened)
    if as_json:  # times as ISO-8601 UTC with a Z, as the API's GET /api/v1/users
        click.echo(json.dumps({"users": jsonable(rows)}, default=str))
        return
    for row in rows:
        state = "disabled" if row["disabled"] else f"{row['tokens']} live token(s)"
        click.echo(f"{row['name']:24} {row['role']:10} {state}")


@users.command("disable")
@click.argument("name")
@WAIT
@click.pass_obj
def users_disable(store: Path, name: str, wait: float) -> None:
    """Disable a user and revoke its tokens and sessions (recorded in the audit log).

    Example: mutewatch users disable ada
    """
    from mutewatch.web.auth import append_audit, disable_user, migrate_web

    with _open_when_free(store, wait, existing=True) as opened:
        _replay_journal(opened)
        migrate_web(opened.con)
        disable_user(opened, name, listed_by="`mutewatch users list`")
        append_audit(opened, "user.disable", actor="cli", target=name)
    click.echo(f"user {name} disabled; its tokens and sessions are revoked")


@click.command()
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000),
              help="Newest entries shown.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@WAIT
@click.pass_obj
def audit(store: Path, limit: int, as_json: bool, wait: float) -> None:
    """Show the audit log (logins, failed logins, admin actions) and check its hash chain,
    and the moderation audit log's chain (submissions, moderator actions).

    Exits with 1 when a row of either log does not match its hash or the row before it (the
    log was edited). Note down the printed head hashes: rows cut from the end leave no trace.
    Entries a server journalled but had not written yet (STORE.audit.jsonl: it was killed,
    or is still at it) are written first, each once; a user who may only read the store is
    shown what the store holds, with a note on stderr.

    Example: mutewatch audit --limit 20
    """
    from mutewatch.web.auth import AuditJournal, audit_journal_path, audit_report
    from mutewatch.web.queries import jsonable

    # entries a server journalled but had not yet written (it was killed, or its writer is
    # behind) are written first, once each, so that the log shown is the whole log
    journal = audit_journal_path(Path(store))
    replay = AuditJournal(journal).pending()
    if replay and not _may_write(Path(store), journal):  # the log as the store has it
        replay = False
        click.echo(
            f"note: {journal} holds entries not in the store yet, not shown: this user may "
            "not write the store or the journal (the server, or `mutewatch audit` run as a "
            "user who may, writes them)",
            err=True,
        )
    with _open_when_free(store, wait, read_only=not replay, existing=replay) as opened:
        if replay:
            _replay_journal(opened)
        report = audit_report(opened, limit)
    chain, moderation = report["chain"], report["moderation_chain"]
    if as_json:  # times as ISO-8601 UTC with a Z, as the API's GET /api/v1/audit
        click.echo(json.dumps(jsonable(report), default=str))
    else:
        for e in report["entries"]:
            ok = "" if e["ok"] else " FAILED"
            who, target = printable(e["actor"]), printable(e["target"])
            click.echo(f"{e['ts']} {printable(e['action'])}{ok} actor={who} target={target}")
        click.echo(_chain_line("chain", chain))
        click.echo(_chain_line("moderation chain", moderation))
    if not (chain["intact"] and moderation["intact"]):
        raise SystemExit(1)


def _may_write(store: Path, journal: Path) -> bool:
    """Whether this user may write the store (its file, and its directory for the WAL) and
    read and cut its audit journal: `mutewatch audit` on a store it may only read, while a
    server's journal held entries, failed ("cannot open the store") where it could list
    what the store holds."""
    from mutewatch.web.auth import journal_writable

    directory = store.resolve().parent
    return (
        os.access(store, os.R_OK | os.W_OK)
        and os.access(directory, os.W_OK | os.X_OK)
        and journal_writable(journal)
    )


def _replay_journal(opened: Store) -> None:
    """Write the audit journal's entries not yet in the store into it (a store open to
    write), before an entry is added or the log is read: the log stays in order."""
    from mutewatch.web.auth import (
        audit_journal_path,
        journal_writable,
        migrate_web,
        replay_audit_journal,
    )

    journal = audit_journal_path(Path(opened.path))
    if not journal.exists():
        return
    if not journal_writable(journal):  # a server's, run as another user
        click.echo(
            f"note: {journal} may not be read and cut by this user: its entries are left for "
            "the server (or `mutewatch audit` run as its user) to write, after this one",
            err=True,
        )  # `users add/disable` failed with a PermissionError traceback
        return
    migrate_web(opened.con)
    replay_audit_journal(opened, journal)


def _chain_line(label: str, chain: dict[str, Any]) -> str:
    state = "intact" if chain["intact"] else f"BROKEN at entry {chain['broken_at']}"
    return f"{label} of {chain['entries']} entries: {state}; head {chain['head']}"
