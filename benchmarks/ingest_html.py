"""Telegram HTML export benchmark: the same synthetic chat ingested from JSON and from HTML.

Writes one single-chat export of ``--messages`` messages with
``mutewatch.demo.write_benchmark_export`` and the same chat as Telegram Desktop HTML pages
(1000 messages a page) with ``mutewatch.demo_html.write_html_export``, then times, best of
``--repeat``:

* ``parse``: ``telegram_html.read`` over the pages in this process (no store);
* ``html`` / ``json``: ``python -m mutewatch --store NEW ingest PATH --json`` into a fresh
  store, end to end (interpreter start, parse in the reader process, DuckDB writes).

It prints seconds, MB/s, pages/s and posts/s, and checks that both stores hold the same
number of posts. Run it under ``flock /work/notes/bench.lock`` on a shared machine.

    python benchmarks/ingest_html.py                    # 50,000 messages
    python benchmarks/ingest_html.py --messages 200000 --json
    python benchmarks/ingest_html.py --parse-only --repeat 3   # the reader alone, median

Old against new: run it with ``PYTHONPATH=<other worktree>/src`` in turn.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any, cast


def _ingest(store: Path, source: Path) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(store), "ingest", str(source), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, json.loads(done.stdout)


def _parse(first: Path) -> float:
    from mutewatch.ingest import telegram_html

    started = time.perf_counter()
    pages = telegram_html.ExportPages(first)
    for _ in telegram_html.read(cast(IO[bytes], pages), first):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--parse-only", action="store_true", help="time the reader alone")
    args = parser.parse_args()

    from mutewatch.demo import write_benchmark_export
    from mutewatch.demo_html import write_html_export

    with tempfile.TemporaryDirectory(prefix="mw-html-bench-") as tmp:
        root = Path(tmp)
        json_file = root / "json" / "result.json"
        write_benchmark_export(json_file, messages=args.messages, seed=7)
        chat = json.loads(json_file.read_text(encoding="utf-8"))
        pages = write_html_export(root / "html", chat)
        del chat
        html_bytes = sum(p.stat().st_size for p in pages)
        parses = sorted(_parse(pages[0]) for _ in range(args.repeat))
        parse = parses[0]
        runs: dict[str, list[tuple[float, dict[str, Any]]]] = {"html": [], "json": []}
        for n in range(0 if args.parse_only else args.repeat):
            runs["html"].append(_ingest(root / f"h{n}.duckdb", root / "html"))
            runs["json"].append(_ingest(root / f"j{n}.duckdb", json_file))
    result: dict[str, Any] = {
        "messages": args.messages,
        "pages": len(pages),
        "html_mb": round(html_bytes / 1e6, 1),
        "parse_seconds": round(parse, 2),
        "parse_median_seconds": round(parses[len(parses) // 2], 2),
        "parse_mb_per_s": round(html_bytes / 1e6 / parse, 2),
        "parse_pages_per_s": round(len(pages) / parse, 2),
    }
    if not args.parse_only:
        result.update(_ingested(runs))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")


def _ingested(runs: dict[str, list[tuple[float, dict[str, Any]]]]) -> dict[str, Any]:
    """The best end-to-end ingest of each format."""
    html_s, html_report = min(runs["html"], key=lambda r: r[0])
    json_s, json_report = min(runs["json"], key=lambda r: r[0])
    return {
        "html_ingest_seconds": round(html_s, 2),
        "html_posts_per_s": round(html_report["new"] / html_s),
        "json_ingest_seconds": round(json_s, 2),
        "json_posts_per_s": round(json_report["new"] / json_s),
        "posts": html_report["new"],
        "same_posts": html_report["new"] == json_report["new"],
    }


if __name__ == "__main__":
    main()
