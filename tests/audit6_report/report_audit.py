"""Helpers of the report audit: small stores built by a real ingest (JSON Lines and a
registry), the report of each, and what a page opened offline did.

Every text is a neutral placeholder; hosts are ``*.example``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.outlets import load_registry
from mutewatch.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]  # fmt: skip
FIXED = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)

LONG_NAME = "Outlet " + "Q" * 300
HOSTILE_NAMES = [
    "<script>window.__pwned = 1</script> Outlet",
    "Outlet \u202eeman\u202c plain",  # an RLO that shows "name" reversed
    "Outlet \U0001f680 emoji \u0627\u0644\u0646\u0628\u0623",  # emoji and Arabic script
    LONG_NAME,
    'Outlet & <b>bold</b> "q" \'s',
    '<img src=x onerror="window.__pwned = 2">',
]


def registry_yaml(outlets: list[tuple[str, bool, str]]) -> str:
    """``outlets.yaml`` text: (name, official, account name on telegram)."""
    lines = ["outlets:"]
    for name, official, account in outlets:
        lines += [
            f"  - name: {json.dumps(name, ensure_ascii=False)}",
            f"    official: {'true' if official else 'false'}",
            "    accounts:",
            f"      - {{platform: telegram, name: {json.dumps(account)}}}",
        ]
    return "\n".join(lines) + "\n"


def build_store(
    base: Path,
    rows: list[dict[str, Any]],
    outlets: list[tuple[str, bool, str]] | None = None,
    *,
    files: int = 1,
) -> Path:
    """A store from JSON Lines rows (account, message_id, time, text, ...) and a registry;
    ``files`` > 1 splits the rows, in order, into that many source files."""
    base.mkdir(parents=True, exist_ok=True)
    path = base / "store.duckdb"
    with Store.open(path) as store:
        if outlets:
            registry = base / "outlets.yaml"
            registry.write_text(registry_yaml(outlets), encoding="utf-8")
            load_registry(store, registry)
        if rows:
            size = -(-len(rows) // files)
            paths = [base / f"posts{n}.jsonl" for n in range(files)]
            for n, part in enumerate(paths):
                chunk = rows[n * size : (n + 1) * size]
                text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk)
                part.write_text(text, encoding="utf-8")
            fields = ("message_id", "forwarded_from", "links")
            mapping: dict[str, str] = {k: k for k in fields if k in rows[0]}
            options = IngestOptions(format="jsonl", platform="telegram", mapping=mapping)
            ingest(store, paths, options)
    return path


def write(store: Path, out: Path, **options: Any) -> Path:
    """The report of ``store`` at ``out``, generated at ``FIXED`` unless told otherwise."""
    from mutewatch.show.report import ReportOptions, write_report

    options.setdefault("generated_at", FIXED)
    written = write_report(store, out, ReportOptions(**options))
    return Path(written.html)


def posts(accounts: list[str], n: int, *, hours: int = 7) -> list[dict[str, Any]]:
    """``n`` placeholder posts round the accounts, ``hours`` apart, each with a link."""
    rows = []
    for i in range(n):
        account = accounts[i % len(accounts)]
        day, hour = divmod(i * hours, 24)
        row: dict[str, Any] = {
            "account": account,
            "message_id": i // len(accounts) + 1,
            "time": f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}T{hour:02d}:00:00Z",
            "text": f"placeholder {i}",
        }
        row["links"] = f"https://{['files', 'clips', 'paste'][i % 3]}.example/x{i}"
        rows.append(row)
    return rows


@dataclass
class Opened:
    """A report page opened offline, with everything it tried and said."""

    page: Any
    requests: list[str]
    console: list[str]
    errors: list[str]
    dialogs: list[str]


def figures(report: Path) -> dict[str, dict[str, Any]]:
    """Every chart of a report file as plotly.js receives it: ``{name: {data, layout}}``."""
    page = report.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    out: dict[str, dict[str, Any]] = {}
    for found in re.finditer(r'Plotly\.newPlot\(\s*"chart-([a-z_]+)",\s*', page):
        data, end = decoder.raw_decode(page, found.end())
        comma = re.compile(r",\s*").match(page, end)
        assert comma, f"chart-{found.group(1)}: no layout after the data"
        layout, _ = decoder.raw_decode(page, comma.end())
        out[found.group(1)] = {"data": data, "layout": layout}
    return out


def mixed_rows() -> list[dict[str, Any]]:
    """Two official accounts (``off1``, ``off2``) and two supporters over about 125 days:
    ``sup1`` posts originals with links, ``sup2`` forwards ``off1``'s releases (with links)."""
    rows = posts(["off1", "off2", "sup1"], 600, hours=5)
    for i, row in enumerate(rows[::4]):
        rows.append(dict(row, account="sup2", message_id=i + 1, forwarded_from="off1",
                         text=f"placeholder forward {i}"))  # fmt: skip
    for row in rows:
        row.setdefault("forwarded_from", None)
    rows.sort(key=lambda r: (r["account"] != "off1", r["account"]))  # the mapping reads row 0
    return rows


MIXED_OUTLETS = [("Outlet One", True, "off1"), ("Outlet Two", True, "off2")]

# explicit bidi embeddings, overrides and isolates (and the marks): they reorder text
BIDI_CONTROLS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
