"""Time the moderation queue page on a store of many comments.

Builds a store (bulk SQL, no models: neutral placeholder text) of ``--comments`` comments
by about 20k authors (half with an e-mail address): 80% published, 10% held, 10% rejected;
a machine decision and an audit entry each (with fired clauses), a moderator's decision on
every 20th rejected one, an appeal on every 50th held one. Then times
``ModerationService.queue`` (the library function behind ``GET /api/v1/moderation/queue``)
unfiltered, with the clause filter and with the appeal filter, at the first page and deep in
the queue, and prints one JSON object.

Compare with another tree (say the one before a change, checked out with ``git worktree
add /work/mw_base <commit>``: under /work, beside ../shared) side by side in one process:
each tree's service on its own copy of the same store, their calls alternating, so that
both see the same load; a moderator's approve is then timed the same way::

    flock /work/notes/bench.lock python benchmarks/moderation_queue.py --comments 300000 \\
        --against /work/mw_base/src

Without ``--against`` it times this tree alone.

The store is written in a fresh temporary folder each run (removed afterwards) as by the
release before the author counts (six moderation migrations), then opened through the
service of the tree that runs the script, which migrates it as it would an upgraded store.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

import mutewatch.moderate.service as this_service
from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import MIGRATIONS, ModerationService
from mutewatch.store.schema import migrate

RELEASE_6 = 6
"""The store is written as by the release with six moderation migrations (that of the
tree before the queue's author counts), then opened by the tree under test, which brings it
up to date: the figures include what an upgraded store gives."""

FIRED = (
    '[{"clause": "personal", "fired": true, "score": 0.9, "threshold": 0.5,'
    ' "evidence": {"action": "reject"}},'
    ' {"clause": "irrelevant", "fired": false, "score": 0.1, "threshold": 0.5,'
    ' "evidence": {"action": "hold"}}]'
)

COMMENTS_SQL = """
INSERT INTO mod_comments
SELECT 'c' || i, 'a' || (i % 50), NULL, 'Author ' || (i % $2),
       CASE WHEN i % 4 < 2 THEN 'User' || (i % $2) || '@Example.org' END,
       'Placeholder comment text number ' || i, 1,
       CASE i % 10 WHEN 0 THEN 'held' WHEN 1 THEN 'rejected' ELSE 'published' END,
       CASE i % 10 WHEN 0 THEN 'hold' WHEN 1 THEN 'reject' ELSE 'publish' END,
       NULL, TIMESTAMP '2026-01-01' + to_seconds(i), TIMESTAMP '2026-01-01' + to_seconds(i)
FROM range(1, $1 + 1) t(i)
"""
DECISIONS_SQL = """
INSERT INTO mod_decisions
SELECT row_number() OVER (ORDER BY created_at, who DESC), comment_id, 1, who, decision,
       'reason', $1, 'v1', '{}', created_at
FROM (SELECT comment_id, 'machine' AS who, decision, created_at FROM mod_comments
      UNION ALL
      SELECT comment_id, 'mod1', 'reject', created_at FROM mod_comments
      WHERE status = 'rejected' AND hash(comment_id) % 20 = 0)
"""

AUDIT_SQL = """
INSERT INTO mod_audit (audit_id, logged_at, actor, action, comment_id, article_id, clause,
                       note, submitted_by, prev_hash, hash)
SELECT row_number() OVER (ORDER BY created_at, comment_id), created_at, 'machine',
       'submitted:' || decision, comment_id, article_id, NULL, 'reason', 'viewer1',
       sha256(comment_id || 'prev'), sha256(comment_id)
FROM mod_comments
"""
"""An audit entry per comment, as its submission appends (the hashes are placeholders: the
chain is not verified here, but the entries are as many and as wide as a real log's)."""


def build(path: Path, comments: int, authors: int = 19_997) -> float:
    """Write the store; returns the seconds it took."""
    start = time.perf_counter()
    con = duckdb.connect(str(path))
    try:
        migrate(con, component="moderate", migrations=MIGRATIONS[:RELEASE_6])
        con.execute(
            "INSERT INTO mod_articles SELECT 'a' || i, 'Title ' || i, 'Placeholder body', NULL,"
            " TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01' FROM range(50) t(i)"
        )
        con.execute(COMMENTS_SQL, [comments, authors])
        con.execute(DECISIONS_SQL, [FIRED])
        con.execute(
            "INSERT INTO mod_fired SELECT comment_id, 'personal' FROM mod_decisions"
            " WHERE decided_by = 'machine' AND decision <> 'publish'"
        )
        con.execute(
            "INSERT INTO mod_appeals SELECT comment_id, 'a note', 'viewer1', 'held', created_at"
            " FROM mod_comments WHERE status = 'held' AND hash(comment_id) % 50 = 0"
        )
        con.execute(AUDIT_SQL)
        con.execute("UPDATE mod_audit_head SET audit_id = (SELECT max(audit_id) FROM mod_audit)")
        for sequence, table in SEQUENCES:  # past the rows written here: a service can add
            con.execute(f"DROP SEQUENCE {sequence}")  # comments to this store
            con.execute(f"CREATE SEQUENCE {sequence} START {next_id(con, table)}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return time.perf_counter() - start


SEQUENCES = (
    ("mod_comment_ids", "mod_comments"),
    ("mod_decision_ids", "mod_decisions"),
    ("mod_audit_ids", "mod_audit"),
)
ID_OF = {
    "mod_comments": "max(comment_id[2:]::BIGINT)",
    "mod_decisions": "max(decision_id)",
    "mod_audit": "max(audit_id)",
}


def next_id(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """The number after the highest id of ``table`` (comments: ``c<n>``)."""
    row = con.execute(f"SELECT coalesce({ID_OF[table]}, 0) + 1 FROM {table}").fetchone()
    return int(row[0]) if row else 1


CASES: dict[str, dict[str, Any]] = {
    "plain": {},
    "clause": {"clause": "personal"},
    "appeal": {"appeal": True},
    "deep": {"offset": 20_000},
}


def time_pages(service: ModerationService, repeats: int) -> dict[str, dict[str, Any]]:
    """Median and min ms of each case's page, the cases interleaved round by round."""
    times: dict[str, list[float]] = {name: [] for name in CASES}
    totals: dict[str, int] = {}
    for name, kw in CASES.items():  # warm: first reads load the columns from the file
        totals[name] = service.queue(**kw)["total"]
    for _ in range(repeats):
        for name, kw in CASES.items():
            start = time.perf_counter()
            service.queue(**kw)
            times[name].append((time.perf_counter() - start) * 1000)
    return {
        name: {
            "median_ms": round(statistics.median(t), 1),
            "min_ms": round(min(t), 1),
            "total": totals[name],
        }  # fmt: skip
        for name, t in times.items()
    }


def other_service_module(src: Path) -> Any:
    """``mutewatch/moderate/service.py`` of another tree (``src``), loaded beside this one's
    under its own name (the rest of mutewatch is this tree's)."""
    path = src / "mutewatch" / "moderate" / "service.py"
    spec = importlib.util.spec_from_file_location("other_moderation_service", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def open_with(module: Any, path: Path) -> tuple[ModerationService, float]:
    """A service of ``module`` over the store at ``path`` (migrated by that module), and
    the seconds opening and migrating took."""
    started = time.perf_counter()
    access = module.DirectAccess(duckdb.connect(str(path)))
    service: ModerationService = module.ModerationService(access, load_policy())
    return service, time.perf_counter() - started


def side_by_side(services: dict[str, ModerationService], repeats: int) -> dict[str, Any]:
    """Each case's page from each service, alternating call by call: wall and CPU ms (median
    and min) per tree and case, and the ratio of the medians (new / old)."""
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    totals: dict[tuple[str, str], int] = {}
    for tree, service in services.items():  # warm: the first reads load columns from disk
        for case, kw in CASES.items():
            totals[tree, case] = service.queue(**kw)["total"]
    for _ in range(repeats):
        for case, kw in CASES.items():
            for tree, service in services.items():
                c0, t0 = time.process_time(), time.perf_counter()
                service.queue(**kw)
                wall.setdefault((tree, case), []).append((time.perf_counter() - t0) * 1000)
                cpu.setdefault((tree, case), []).append((time.process_time() - c0) * 1000)
    out: dict[str, Any] = {}
    for case in CASES:
        row: dict[str, Any] = {}
        for tree in services:
            w, c = wall[tree, case], cpu[tree, case]
            row[tree] = {"median_ms": round(statistics.median(w), 1), "min_ms": round(min(w), 1),
                         "cpu_median_ms": round(statistics.median(c), 1),
                         "total": totals[tree, case]}  # fmt: skip
        if {"old", "new"} <= set(row):
            row["new_over_old"] = round(row["new"]["median_ms"] / row["old"]["median_ms"], 2)
        out[case] = row
    return out


def time_actions(services: dict[str, ModerationService], repeats: int) -> dict[str, Any]:
    """A moderator's approve (``ModerationService.act``, behind POST
    /api/v1/comments/{id}/actions) from each service, alternating: each round approves the
    same held comment in each tree's store (the newest held ones, off the first page).
    Median and min wall ms per tree, and the ratio of the medians (new / old)."""
    first = next(iter(services.values()))
    held = first.access.read(
        lambda con: [r[0] for r in con.execute(
            "SELECT comment_id FROM mod_comments WHERE status = 'held'"
            " ORDER BY created_at DESC LIMIT ?", [repeats + 1]).fetchall()]
    )  # fmt: skip
    wall: dict[str, list[float]] = {tree: [] for tree in services}
    for i, comment_id in enumerate(held):
        for tree, service in services.items():
            t0 = time.perf_counter()
            service.act(comment_id, {"action": "approve", "note": "benchmark"}, "mod1")
            if i:  # the first round warms the columns an action reads
                wall[tree].append((time.perf_counter() - t0) * 1000)
    row: dict[str, Any] = {
        tree: {"median_ms": round(statistics.median(w), 1), "min_ms": round(min(w), 1)}
        for tree, w in wall.items()
    }
    if {"old", "new"} <= set(row):
        row["new_over_old"] = round(row["new"]["median_ms"] / row["old"]["median_ms"], 2)
    return row


def compare(comments: int, repeats: int, against: Path) -> dict[str, Any]:
    """This tree ("new") and the tree at ``against`` ("old") side by side, in one process,
    each on its own copy of the same store written as release 6 (migrated by each tree)."""
    tmp = Path(tempfile.mkdtemp(prefix="mutewatch-queue-bench-"))
    try:
        build(tmp / "old.duckdb", comments)
        shutil.copy(tmp / "old.duckdb", tmp / "new.duckdb")
        old, old_s = open_with(other_service_module(against), tmp / "old.duckdb")
        new, new_s = open_with(this_service, tmp / "new.duckdb")
        try:
            pages = side_by_side({"old": old, "new": new}, repeats)
            approve = time_actions({"old": old, "new": new}, repeats)
        finally:
            old.close()
            new.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"comments": comments, "open_and_migrate_s": {"old": round(old_s, 2),
            "new": round(new_s, 2)}, "pages": pages, "approve": approve}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="moderation queue page timing")
    parser.add_argument("--comments", type=int, default=300_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument(
        "--against",
        type=Path,
        help="the src folder of another tree (e.g. /work/mw_base/src): time its queue and this"
        " tree's side by side, alternating call by call, in this one process",
    )
    args = parser.parse_args()
    if args.against is not None:
        print(json.dumps(compare(args.comments, args.repeats, args.against)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="mutewatch-queue-bench-"))
    try:
        built = build(tmp / "store.duckdb", args.comments)
        service, opened = open_with(this_service, tmp / "store.duckdb")  # migrated here
        try:
            started = time.perf_counter()
            first = service.queue()  # opens and migrates, as a server's first read
            first_ms = (time.perf_counter() - started) * 1000
            report = {
                "label": args.label,
                "comments": args.comments,
                "build_s": round(built, 1),
                "open_and_migrate_s": round(opened, 2),
                "first_page_ms": round(first_ms, 1),
                "items": len(first["items"]),
                "pages": time_pages(service, args.repeats),
            }
        finally:
            service.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
