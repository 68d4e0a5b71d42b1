"""Foundation commands: ingest, status, outlets list/load, quarantine, demo.

The library (ingest and its pyarrow, the outlet registry, the store) is imported inside the
commands that use it, so ``mutewatch --help`` and any command's ``--help`` do not load it.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from mutewatch._words import counted

if TYPE_CHECKING:
    from mutewatch.ingest import IngestOptions, IngestReport
    from mutewatch.store import Store

console = Console(stderr=True)


@contextmanager
def open_store(
    ctx: click.Context, *, read_only: bool = False, wait: float = 0.0
) -> Iterator[Store]:
    """Open the --store, retrying for ``wait`` seconds while another process holds it."""
    from mutewatch.store import Store, when_free

    store = when_free(
        Path(ctx.obj), lambda: Store.open(ctx.obj, read_only=read_only), wait, poll=0.2
    )
    try:
        yield store
    finally:
        store.close()


def emit_json(data: Any) -> None:
    """One compact JSON object on one line, as the measuring commands and the API print."""
    click.echo(json.dumps(data, default=str, ensure_ascii=False))


def _parse_map(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        field, sep, column = value.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise click.BadParameter(f"{value!r}: write FIELD=COLUMN, e.g. account=username")
        if field in mapping and mapping[field] != column:
            raise click.BadParameter(
                f"{field} is mapped twice ({field}={mapping[field]} and {value}): "
                "give one column per field"
            )
        mapping[field] = column
    return mapping


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--outlets",
    "registry",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Outlet registry YAML to load before attributing posts.",
)
@click.option(
    "--format",
    "fmt",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "telegram", "telegram-html", "csv", "jsonl", "parquet", "feed"]),
    help="telegram reads both Telegram Desktop exports (result.json, or the messages.html "
    "pages of an HTML export); telegram-html only the HTML ones.",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    callback=_parse_map,
    help="FIELD=COLUMN for tabular files (account, time, text, message_id, ...).",
)
@click.option(
    "--time-format", help="strptime format of the time column, or iso / unix [default: iso]."
)
@click.option(
    "--tz",
    default="UTC",
    show_default=True,
    help="Zone of times that carry no offset (Telegram `date` without unixtime, HTML "
    "export dates without UTC+hh:mm).",
)
@click.option("--platform", help="Platform of tabular or feed rows, e.g. twitter.")
@click.option(
    "--encoding",
    help="Codec of CSV / JSON Lines text without a byte-order mark, e.g. cp1256 or latin-1 "
    "[default: UTF-8; a UTF-8/16/32 byte-order mark is followed].",
)
@click.option(
    "--delimiter",
    help="Field separator of CSV files: one character, or 'tab' [default: ',', a tab in .tsv].",
)
@click.option(
    "--retweets-as-forwards",
    is_flag=True,
    help="Tabular files only: a row whose text begins with Twitter's retweet convention "
    "'RT @handle' (upper-case RT, after any whitespace; a handle of 1-15 letters, digits or "
    "underscores; a ':' may follow) is stored as a forward from that handle, without '@', "
    "its text as it is ('RT @a RT @b: ...' is from a). A mapped forwarded_from value wins. "
    "Refused with Telegram exports and feeds.",
)
@click.option(
    "--wait",
    default=30.0,
    show_default=True,
    help="Seconds to wait while another process (e.g. the server) holds the store.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the accounting as JSON.")
@click.pass_context
def ingest_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    registry: Path | None,
    fmt: str,
    mapping: dict[str, str],
    time_format: str | None,
    tz: str,
    platform: str | None,
    encoding: str | None,
    delimiter: str | None,
    retweets_as_forwards: bool,
    wait: float,
    as_json: bool,
) -> None:
    """Ingest archives (folders are searched recursively) into the store.

    Every record is accounted for: read = new + duplicates + quarantined + skipped.

    Examples:

    \b
      mutewatch ingest exports/ --outlets outlets.yaml
      mutewatch ingest ChatExport_2017-12-31/messages.html --tz Europe/Moscow
      mutewatch ingest ../shared/data/fifth_tribe_tweets.csv --format csv --platform twitter \\
        --map account=username --map time=time --map text=tweets --time-format "%m/%d/%Y %H:%M"
      mutewatch ingest ../shared/data/fifth_tribe_tweets.csv --format csv --platform twitter \\
        --map account=username --map time=time --map text=tweets --time-format "%m/%d/%Y %H:%M" \\
        --retweets-as-forwards
      mutewatch ingest comments.tsv --platform forum --encoding cp1256 \\
        --map account=user --map time=date

    Naming one page of a Telegram HTML export reads all its pages, as the account
    name:<chat name>. Tabular files (CSV, TSV, JSON Lines, Parquet) need --platform, and
    --map for each field whose column has another name.

    A tweet file without a retweet column stores its retweets ("RT @handle: ...") as
    original posts, counted as output; --retweets-as-forwards stores them as forwards from
    the handle (left out of output unless --include-forwards; counted by supporters). The
    Fifth Tribe example with it stores 5,824 of its 17,410 tweets as forwards. Posts stored
    before keep their first reading: a file ingested without the option and again with it
    counts each row once, as a duplicate, and its retweets stay original posts (a hint
    says so); ingest it into a new store to apply the option.
    """
    from mutewatch.ingest import IngestOptions
    from mutewatch.outlets import load_registry

    options = IngestOptions(
        fmt, mapping, time_format, tz, platform, encoding, delimiter, retweets_as_forwards
    )
    with open_store(ctx, wait=wait) as store:
        if registry:
            load_registry(store, registry)
        report = run_ingest(store, list(paths), options, quiet=as_json)
        hints = nothing_stored_hints(store, report) + reread_retweet_hints(report, options)
    if as_json:
        emit_json(report.as_dict())
    else:
        print_report(report)
    for hint in hints:
        click.echo(hint, err=True)


def nothing_stored_hints(store: Store, report: IngestReport) -> list[str]:
    """A hint for each file of this run whose every record was quarantined: the options
    (--time-format, --map, --tz, --encoding) are the usual cause, not the file."""
    hints = []
    for f in report.files:
        c = f.counts
        if c.quarantined == 0 or c.quarantined != c.read - c.skipped:
            continue
        reason = store.first_quarantine_reason(f.source_id)
        hints.append(
            f"Nothing from {f.path} was stored: all {c.quarantined} record(s) were "
            f"quarantined. The first: {reason}. If an option is wrong (--time-format, --map, "
            "--tz, --encoding, --delimiter), run the same ingest with it corrected: the file "
            "is read again with the new options."
        )
    return hints


def reread_retweet_hints(report: IngestReport, options: IngestOptions) -> list[str]:
    """A hint for each file read again with --retweets-as-forwards whose rows were stored
    before: they keep their first reading, so retweets stored as original posts stay so."""
    if not options.retweets_as_forwards:
        return []
    from mutewatch.ingest import REREAD

    return [
        f"{f.path} was ingested before with other options: its {f.counts.duplicates} "
        "row(s) stored then keep their first reading. If that reading was without "
        "--retweets-as-forwards, their retweets stay original posts (nothing is counted "
        "twice); ingest the file into a new store (--store) to store them as forwards."
        for f in report.files
        if f.status == REREAD and f.counts.duplicates
    ]


class _PerFile(ProgressColumn):
    """A column of the per-file lines, left blank on the overall line (files, not bytes)."""

    def __init__(self, column: ProgressColumn) -> None:
        super().__init__()
        self.column = column

    def render(self, task: Task) -> RenderableType:
        return Text("") if task.fields.get("overall") else self.column.render(task)


def run_ingest(
    store: Store, paths: list[Path], options: IngestOptions, quiet: bool = False
) -> IngestReport:
    """Ingest with a rich progress bar per file (on stderr), below an overall line: files
    done of all, and the records the files done have read."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        _PerFile(DownloadColumn()),
        _PerFile(TransferSpeedColumn()),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=quiet, transient=True) as progress:
        tasks: dict[Path, Any] = {}
        whole = progress.add_task("files", total=None, overall=True)

        def advance(path: Path, done: int, total: int) -> None:
            if path not in tasks:
                tasks[path] = progress.add_task(path.name, total=total)
            progress.update(tasks[path], completed=done)

        def overall(files_done: int, files: int, records: int) -> None:
            label = f"files {files_done}/{files}, {records:,} records read"
            progress.update(whole, description=label, completed=files_done, total=files)

        from mutewatch.ingest import ingest

        return ingest(store, paths, options, advance, overall)


def print_report(report: IngestReport) -> None:
    table = Table(title="Ingest")
    for name in ("file", "status", "read", "new", "duplicates", "quarantined", "skipped"):
        # a path is folded over lines, never cut to "/tmp/exp…": the reader must tell files apart
        table.add_column(
            name,
            justify="left" if name in ("file", "status") else "right",
            overflow="fold" if name == "file" else "ellipsis",
        )
    for f in report.files:
        c = f.counts
        table.add_row(f.path, f.status, *(str(v) for v in c.as_dict().values()))
    table.add_row("total", "", *(str(v) for v in report.as_dict().values() if isinstance(v, int)))
    Console().print(table)
    if report.quarantined:
        click.echo(f"{report.quarantined} record(s) quarantined: see `mutewatch quarantine`.")
    for skipped in report.skipped_files:
        click.echo(f"Skipped {skipped.path}: {skipped.reason}")
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def status_command(ctx: click.Context, as_json: bool) -> None:
    """What the store holds: posts, official and supporter posts, outlets, sources, span.

    Example: mutewatch --store mutewatch.duckdb status --json
    """
    with open_store(ctx, read_only=True) as store:
        data = store.status()
    if as_json:
        emit_json(data)
        return
    table = Table(title=f"mutewatch store {data['store']}", show_header=False)
    for key, value in data.items():
        table.add_row(key, str(value))
    Console().print(table)
    if data["unfinished_sources"] or data["unattributed_posts"]:
        click.echo(
            f"Warning: {data['unfinished_sources']} source(s) were not ingested to the end and "
            f"{data['unattributed_posts']} post(s) are not attributed to an outlet yet: an "
            "ingest was interrupted. Run the same `mutewatch ingest` again to finish it.",
            err=True,
        )


@click.group("outlets")
def outlets_group() -> None:
    """The outlet registry: list outlets, load a registry, measure their status.

    Example: mutewatch outlets load outlets.yaml
    """


@outlets_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def outlets_list(ctx: click.Context, as_json: bool) -> None:
    """Every outlet with its accounts and post counts.

    Example: mutewatch outlets list --json
    """
    from mutewatch.outlets import list_outlets

    with open_store(ctx, read_only=True) as store:
        rows = list_outlets(store)
    for row in rows:
        row["first"], row["last"] = _iso(row["first"]), _iso(row["last"])
    if as_json:
        emit_json({"outlets": rows})
        return
    table = Table(title="Outlets")
    for name in ("outlet", "official", "registered", "accounts", "posts", "first", "last"):
        table.add_column(name)
    for r in rows:
        table.add_row(
            *(
                str(r[k])
                for k in ("outlet", "official", "registered", "accounts", "posts", "first", "last")
            )
        )
    Console().print(table)


@outlets_group.command("load")
@click.argument("registry", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--wait", default=30.0, show_default=True, help="Seconds to wait for the store lock.")
@click.pass_context
def outlets_load(ctx: click.Context, registry: Path, wait: float) -> None:
    """Load (or replace) the outlet registry and re-attribute every post; no archive is re-read.

    An outlet keeps its id across loads: an entry under the same name, or renamed with
    the same accounts (platform and id, or name), keeps it; an entry renamed and given
    other accounts in the same load is a new outlet, under a new id (rename in one load,
    change the accounts in the next, to keep it).

    Example: mutewatch outlets load outlets.yaml
    """
    from mutewatch.outlets import ambiguous_forwards, load_registry

    with open_store(ctx, wait=wait) as store:
        outlets = load_registry(store, registry)
        data = store.status()
        warnings = ambiguous_forwards(store)
    click.echo(
        f"Loaded {counted(len(outlets), 'outlet')}; {data['official_posts']} official and "
        f"{data['supporter_posts']} supporter posts attributed."
    )
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)


@click.command("quarantine")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def quarantine_command(ctx: click.Context, as_json: bool) -> None:
    """Records that could not be read, with file, position, reason and the raw record.

    Example: mutewatch quarantine --json
    """
    with open_store(ctx, read_only=True) as store:
        rows = store.quarantine()
    if as_json:
        emit_json({"quarantined": rows, "count": len(rows)})
        return
    table = Table(title=f"Quarantine ({len(rows)})")
    for name in ("file", "position", "reason", "raw"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(r["file"], str(r["position"]), r["reason"], (r["raw"] or "")[:120])
    Console().print(table)


def _iso(value: Any) -> Any:
    from mutewatch.store import iso_utc

    return iso_utc(value) if value is not None else None


@click.command("demo")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("mutewatch-demo"),
    show_default=True,
    help="Where to write the synthetic exports and registry.",
)
@click.option("--seed", default=7, show_default=True, help="Seed of the synthetic ecosystem.")
@click.option("--scale", default=1.0, show_default=True, help="Size factor (1.0 = full demo).")
@click.pass_context
def demo_command(ctx: click.Context, directory: Path, seed: int, scale: float) -> None:
    """Generate a synthetic ecosystem, ingest it with its registry, and summarise it.

    The demo is synthetic: made-up outlet names, placeholder text.

    Without --store (and MUTEWATCH_STORE) the demo writes its own store in the demo folder
    (DIR/mutewatch.duckdb) and prints its path; it never touches ./mutewatch.duckdb. A store
    that was given and holds sources from outside DIR (a research store) is refused.

    Example: mutewatch demo --dir mutewatch-demo
    """
    from mutewatch.demo import (
        check_demo_store,
        check_ingest_totals,
        demo_store_path,
        generate,
    )
    from mutewatch.ingest import IngestOptions
    from mutewatch.outlets import load_registry

    ctx.obj = demo_store_path(directory, _given_store(ctx))
    check_demo_store(ctx.obj, directory)
    console.print(f"Generating the synthetic ecosystem in {directory} ...")
    manifest = generate(directory, seed=seed, scale=scale)
    with open_store(ctx) as store:
        load_registry(store, manifest.registry)
        report = run_ingest(store, [manifest.exports], IngestOptions(tz=manifest.tz))
        data = store.status()
    print_report(report)
    check_ingest_totals(manifest, report)  # the planted truth, or a loud error
    click.echo(
        f"Store {data['store']}: {data['posts']} posts ({data['official_posts']} official, "
        f"{data['supporter_posts']} supporter) from {data['outlets']} outlets and "
        f"{data['accounts']} accounts, {data['first']} to {data['last']}; "
        f"{data['quarantined']} quarantined."
    )
    for hook in DEMO_HOOKS:
        hook(ctx, directory)
    click.echo(
        f"\nThe demo's store is {ctx.obj}: explore it with, e.g., "
        f"mutewatch --store {shlex.quote(str(ctx.obj))} findings"
    )


def _given_store(ctx: click.Context) -> Path | None:
    """The store --store or MUTEWATCH_STORE named, or None when the default was taken."""
    import os

    given = ctx.find_root().params.get("store")
    if given is not None:
        return Path(given)
    env = os.environ.get("MUTEWATCH_STORE")
    return Path(env) if env else None


def _demo_findings(ctx: click.Context, _directory: Path) -> None:
    """After `mutewatch demo`: print the demo's findings, one sentence each."""
    from mutewatch.measure.registry import run_measurement

    result = run_measurement("findings", ctx.obj)
    click.echo("\nFindings:")
    for finding in result.get("findings", []):
        click.echo(f"- {finding['sentence']}")


# Later capabilities (the report) append a callable (ctx, demo_dir) -> None here.
DEMO_HOOKS: list[Any] = [_demo_findings]


def register(main: click.Group) -> None:
    """Add the foundation commands to the main group."""
    for command in (
        ingest_command,
        status_command,
        outlets_group,
        quarantine_command,
        demo_command,
    ):
        main.add_command(command)
