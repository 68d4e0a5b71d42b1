"""A large RSS feed: peak memory and time of ``ingest``, old tree against new in one run.

Writes one synthetic RSS 2.0 feed of ``--entries`` entries (about 1 KB each, placeholder
text; ``--gzip``: as ``feed.xml.gz``), then ingests it into a fresh store with each tree's
code (``PYTHONPATH=<tree>/src`` in a child process that reads in-process,
``MUTEWATCH_INGEST_PROCESS=0``, so its peak RSS is the reader's and the writer's
together; ``--parse-only``: ``feeds.read`` alone, no store), alternating trees,
``--repeat`` times each (``--loose``: a bare ``&`` in the channel's title, so feedparser's
lenient parser reads it). Prints each tree's median wall and CPU seconds and peak RSS,
the new/old ratios, the load average, and checks that the two stores hold the same rows,
table by table (``benchmarks/ingest_many_files.py``'s comparison). Run it flocked on a
shared machine:

    flock /work/notes/bench.lock python benchmarks/ingest_feeds.py --old /tmp/wt-old
    python benchmarks/ingest_feeds.py --entries 20000 --json   # this tree alone
    python benchmarks/ingest_feeds.py --entries 10000 --entry-kb 20   # article-sized entries

Measured 2026-11-30 on 2 shared cores (load average in brackets), old = d255b50, which read
the whole file and handed it to ``feedparser.parse``; medians of 3 runs, alternating:

    run                                    peak RSS old -> new   new/old: RSS   CPU  wall [load]
    --parse-only, 60,000 entries (66 MB)        391 -> 105 MB           0.27  1.02  1.10 [5-7]
    ingest, the same .xml                       902 -> 683 MB           0.76  1.03  1.17 [7-10]
    ingest, the same as .xml.gz (1.4 MB)        902 -> 708 MB           0.79  1.07  1.20 [3-4]
    ingest, --loose, 20,000 entries (22 MB)     499 -> 394 MB           0.79  1.02  0.97 [3-4]

``--parse-only`` is the reader alone: about 100 MB is the interpreter and its imports, so
the new reader holds a few MB whatever the feed's size, where the old one held about four
times the file. A whole ingest also holds what the store side takes (new, 120,000 entries,
132 MB: 863 MB; 60,000: 683 MB). Every ingest run: ``differing_tables: []``. A feed that
is not well-formed is read a third time only when a tag stands outside its entries after
the first one (before that check, every such feed was: ``--loose`` took 1.73 the CPU).

Session 16, old = 8f20c0a: the keys of entries (``feeds._told_apart``, a dict of Python
ints, 124 bytes an entry) are the one part of reading that grows with the feed. Two arrays
of 64-bit values in a table of our own (6d7fc3a, reverted in e882617 as not worth its code)
took ``--parse-only``, 200,000 entries (221 MB), medians of 3: peak RSS 127 -> 109 MB, CPU
85.4 -> 82.1 s [load 4-8]. A whole ingest does not grow with the feed past the store's
batch (``BATCH_RECORDS`` records, about 800 MB of the peak at 1 KB an entry): old, 25,000 /
50,000 / 100,000 / 200,000 entries, 440 / 675 / 899 / 924 MB.

Session 16, old = 6d7fc3a, whose store batches ended by count alone (``BATCH_RECORDS``),
now also by weight (``BATCH_BYTES``, 16 MiB of text, links, media, Arrow tables);
``--entry-kb 20``: entries of about 20 KB, as full articles in content:encoded:

    run                                    peak RSS old -> new   new/old: RSS   CPU  wall [load]
    ingest, 10,000 entries of 20 KB (205 MB)   2027 -> 585 MB           0.29  1.02  1.08 [2-3]
    ingest, 60,000 entries of 1 KB (66 MB)      681 -> 479 MB           0.70  0.97  1.00 [2-3]

(medians of 2 and of 3.) The bound, at 20 KB an entry, peak RSS: 64 MiB 1105 MB, 16 MiB
563, 4 MiB 460, CPU within 7% of each other (16 MiB 23.4 s, 4 MiB 25.0 s): past 16 MiB
the peak is mostly what does not depend on the batch. Every run: ``differing_tables: []``.
``benchmarks/ingest.py --messages 300000 --skip-raw`` (Telegram, batches still cut by
count, 54,000 records weigh 13 MB), medians of 6 alternating: wall 7.05 -> 7.18 s, CPU
8.23 -> 8.53 s, peak 664 -> 666 MB [load 2.5-3.5], the same rows; ``ingest_many_files.py``
medians of 3: wall 6.75 -> 6.82 s, CPU 7.25 -> 7.30 s [load 3.8], ``differing_tables: []``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store
store = Store.open(Path(sys.argv[1]))
started, cpu = time.perf_counter(), time.process_time()
report = ingest(store, [Path(sys.argv[2])], IngestOptions(format="feed"))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
store.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "new": report.new}))
"""

_PARSE_CHILD = """
import json, resource, sys, time
from pathlib import Path
from mutewatch.ingest import feeds
from mutewatch.ingest.files import open_archive
path = Path(sys.argv[2])
started, cpu = time.perf_counter(), time.process_time()
with open_archive(path) as fh:
    new = sum(type(item).__name__ == "Post" for item in feeds.read(fh, path))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "new": new}))
"""


def write_feed(
    path: Path, entries: int, compressed: bool, loose: bool = False, entry_kb: int = 1
) -> int:
    """An RSS 2.0 feed of ``entries`` entries of placeholder text (about ``entry_kb`` KB
    each), written a block at a time; its size in bytes (as stored). ``loose``: its first
    title holds a bare ``&``, so it is not well-formed XML and feedparser's lenient parser
    reads it."""
    words = 70 + 85 * (entry_kb - 1)  # 12 characters each
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Sample &amp; Outlet</title><link>https://feed.example/</link>"
        "<description>placeholder</description>\n"
    )
    opener = gzip.open if compressed else open
    with opener(path, "wt", encoding="utf-8") as out:
        out.write(head.replace("&amp;", "&") if loose else head)
        for start in range(0, entries, 1000):
            out.write(
                "".join(
                    f"<item><title>Item {i} &amp; more</title>"
                    f"<link>https://feed.example/{i}</link><guid>item-{i}</guid>"
                    f"<pubDate>Wed, {1 + i % 28:02d} Jan 2020 {i % 24:02d}:{i % 60:02d}:00 "
                    f"+0000</pubDate><description>Placeholder body {i}: "
                    f"{'lorem ipsum ' * words}&lt;a href=&quot;/p/{i}&quot;&gt;link&lt;/a&gt;"
                    f"</description></item>\n"
                    for i in range(start, min(start + 1000, entries))
                )
            )
        out.write("</channel></rss>\n")
    return path.stat().st_size


def _run(tree: Path, store: Path, feed: Path, child: str = _CHILD) -> dict[str, float]:
    store.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "MUTEWATCH_INGEST_PROCESS": "0"}
    out = subprocess.check_output([sys.executable, "-c", child, str(store), str(feed)], env=env)
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="another worktree to compare against")
    parser.add_argument("--entries", type=int, default=60_000)
    parser.add_argument("--entry-kb", type=int, default=1, help="about this many KB an entry")
    parser.add_argument("--gzip", action="store_true", help="the feed as feed.xml.gz")
    parser.add_argument("--loose", action="store_true", help="not well-formed (a bare &)")
    parser.add_argument("--parse-only", action="store_true", help="feeds.read alone, no store")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    new = Path(__file__).resolve().parents[1]
    trees = {"new": new, **({"old": args.old.resolve()} if args.old else {})}
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from ingest_many_files import differing_tables

    with tempfile.TemporaryDirectory(prefix="mw-feed-bench-") as tmp:
        feed = Path(tmp) / ("feed.xml.gz" if args.gzip else "feed.xml")
        size = write_feed(feed, args.entries, args.gzip, args.loose, args.entry_kb)
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        loads = [os.getloadavg()[0]]
        for _ in range(args.repeat):
            for name, tree in reversed(trees.items()):  # old first, then new, alternating
                child = _PARSE_CHILD if args.parse_only else _CHILD
                runs[name].append(_run(tree, Path(tmp) / f"{name}.duckdb", feed, child))
                loads.append(os.getloadavg()[0])
        result: dict[str, Any] = {
            "entries": args.entries,
            "entry_kb": args.entry_kb,
            "file_mb": round(size / 1e6, 1),
            "gzip": args.gzip,
            "loose": args.loose,
            "parse_only": args.parse_only,
            "load_min_max": [min(loads), max(loads)],
        }
        for name, values in runs.items():
            result[name] = {
                "median_s": round(statistics.median(v["seconds"] for v in values), 2),
                "cpu_s": round(statistics.median(v["cpu"] for v in values), 2),
                "peak_rss_mb": round(statistics.median(v["peak_mb"] for v in values)),
                "posts": int(values[0]["new"]),
            }
        if args.old and not args.parse_only:
            result["differing_tables"] = differing_tables(
                Path(tmp) / "old.duckdb", Path(tmp) / "new.duckdb"
            )
        if args.old:
            old, now = result["old"], result["new"]
            result["ratio_new_old"] = {
                "peak_rss": round(now["peak_rss_mb"] / old["peak_rss_mb"], 3),
                "wall": round(now["median_s"] / old["median_s"], 3),
                "cpu": round(now["cpu_s"] / old["cpu_s"], 3),
            }
    lines = (f"{key}: {value}" for key, value in result.items())
    print(json.dumps(result) if args.json else "\n".join(lines))


if __name__ == "__main__":
    main()
