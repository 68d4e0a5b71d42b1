"""Moderation performance, in-process and over HTTP, side by side.

    python benchmarks/moderate.py [--comments 400] [--json]

Measures on this machine (issue 5 targets in brackets):
- batch throughput of ``Moderator.check`` over real news comments [>= 100 comments/s];
- per-comment latency p50/p99 in process (one comment per call) and over HTTP
  (``POST /api/v1/comments`` against a real uvicorn server on 127.0.0.1) [p99 <= 100 ms];
- the server's resident memory after the run [<= 1.5 GB];
- the server's startup: process start to the first answered request, models loaded [<= 10 s];
- where a comment's time goes (``stages``): CPU ms per comment of each stage run alone over
  the batch (embedding, language, name, lexicon, the clause checks), the p50/p99 of
  ``prepare`` (outside the service's write transaction) and ``decide`` (inside it) for one
  comment at a time, and ``submit_comment`` of the moderation service on a store file in
  this process, split into prepare, decide and the rest (store reads and writes).

With ``--store-against SRC`` (the src folder of another tree, e.g. the one before a change
checked out by ``git worktree add``) it also runs that tree's moderation service beside
this one's in this process, each on its own store file, submitting the same comments
alternately with one shared moderator: the store part of a submission (``submit_comment``
less prepare and decide) of both, under the same load, and their ratio; ``--store-comments
N`` writes N comments to both stores first (as ``benchmarks/moderation_queue.py`` does).

The service parts (HTTP, the service in process, the store side by side) send each comment
to the article it was written on (its title, and its lead as the body), the articles in turn,
after a thread of up to 50 of that article's other comments has been published (sent, and the
held ones approved by a moderator; not timed, never measured themselves): a live article's
path (``_workload``). Until 2026-12-02 they sent every comment to one article, the Texas
article's title with a made-up one-line body, on an empty thread; 122 of the first 200
comments were written on another article, and 178 of 200 were held as ``irrelevant``
(off-topic), the thread never above 16 comments, so the figures were those of the hold path
on a short thread. Now 140 of the first 200 are published, 57 held (32 of them
``irrelevant``), 3 rejected. The batch throughput in process has no article, as before,
and its ``--comments`` texts are taken evenly across the whole file (``batch_texts``): in
the service's order they were the articles' first comments, nearly twice as long (39.0
words against 25.7 for the whole file) and so 45% slower to embed.

Comments come from the Fox News data of the shared data folder: ``$MUTEWATCH_DATA``, else
../shared/data beside the checkout of the ``mutewatch`` imported (as the product looks; set
MUTEWATCH_DATA when running a git worktree elsewhere). Without them it stops, naming the file
looked for, unless ``--placeholder-texts`` (neutral placeholders, said on stderr and in the
report's ``texts``). The default policy is used when the language and name modules are installed;
otherwise the text clauses only (the report says which).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import yaml

from mutewatch.errors import MutewatchError
from mutewatch.moderate import datasets as ds
from mutewatch.moderate.checks import CommentInput, Moderator, lexicon_findings
from mutewatch.moderate.models import embedder
from mutewatch.moderate.policy import DEFAULT_POLICY_FILE, Policy, load_policy
from mutewatch.store import Store
from mutewatch.web.auth import add_user

ARTICLE = {
    "id": "bench",
    "title": "Texas, 12 states to ask judge to stall Obama transgender bathroom order",
    "body": "A coalition of states asked a federal judge to block a directive on school restrooms.",
}
# argv: store, port file, linger, max_hold. The server first binds port 0 itself (the system
# picks a free port, kept from then on) and writes it to the port file atomically, as
# `mutewatch serve --port 0 --port-file` does; a port picked by the client, released and
# handed over could be taken by another socket in between. Bound before the app is built,
# the socket holds the client's first requests until the app answers (startup_s).
SERVER = """
import os, socket, sys
from pathlib import Path
sock = socket.create_server(("127.0.0.1", 0))
Path(sys.argv[2] + ".tmp").write_text(str(sock.getsockname()[1]), encoding="utf-8")
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
import uvicorn
from mutewatch.web.app import create_app
settings = {"linger": float(sys.argv[3])} if sys.argv[3] != "-" else {}
app = create_app(Path(sys.argv[1]), **settings)
if sys.argv[4] != "-":
    app.state.gateway.max_hold = float(sys.argv[4])
if os.environ.get("MUTEWATCH_BENCH_TRACE"):
    sys.path.insert(0, os.environ["MUTEWATCH_BENCH_DIR"])
    from moderate import traced_app
    app = traced_app(app, Path(os.environ["MUTEWATCH_BENCH_TRACE"]))
uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
"""


def _policy() -> tuple[Policy, str, Path | None]:
    """The default policy if all its checks run here; else the text clauses (as a file too)."""
    policy = load_policy()
    try:
        Moderator(policy).check([CommentInput("w", "Warm up.", "Ana Silva")])
        return policy, "default (8 clauses)", None
    except MutewatchError as exc:
        print(f"note: the full policy cannot run here ({exc}); using the text clauses")
    keep = {"defamatory", "racist", "personal", "irrelevant"}
    doc = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    doc["clauses"] = [c for c in doc["clauses"] if c["clause"] in keep]
    path = Path(tempfile.mkdtemp(prefix="mutewatch-bench-policy-")) / "text.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    clauses = tuple(c for c in policy.clauses if c.clause in keep)
    return replace(policy, clauses=clauses), "text clauses only (4 of 8)", path


def _texts(
    n: int, placeholders: bool = False, spread: bool = False
) -> tuple[list[str], dict[str, str]]:
    """``n`` comments (cycling: a text's second round ends " (1)", its third " (2)": each
    submission to the benchmark's one article a new text, as the service holds a copy of an
    earlier comment there; with ``spread``, fewer than the file holds are taken evenly across
    it, every k-th, see ``batch_texts``) and where they come from (the report's ``texts``): the Fox
    News comments of the shared data folder, found as the product finds it
    (``datasets.default_data_dir``: ``$MUTEWATCH_DATA``, else ../shared/data beside the
    checkout of the ``mutewatch`` imported, which a git worktree elsewhere does not have).
    Without them: SystemExit naming the file looked for, or with ``placeholders`` neutral
    placeholder texts, said on stderr and in ``texts``."""
    folder = ds.default_data_dir()
    path = folder / "moderation" / "fox_news_comments.json"
    if path.is_file():
        texts = [r.text for r in ds.fox_news(folder) if r.text.strip()]
        if not texts:
            raise SystemExit(f"error: {path} holds no comment text")
        source = {"source": "fox_news", "path": str(path)}
    elif placeholders:
        print(
            f"WARNING: no moderation data at {path}: measuring neutral PLACEHOLDER texts,"
            " not real comments (--placeholder-texts)",
            file=sys.stderr,
        )
        texts = [f"Placeholder comment number {i} about the council budget." for i in range(50)]
        source = {"source": "placeholder", "path": str(path)}
    else:
        where = (
            "from $MUTEWATCH_DATA"
            if os.environ.get("MUTEWATCH_DATA")
            else f"../shared/data beside {Path(ds.__file__).resolve().parents[3]}, the checkout"
            " of the mutewatch imported; MUTEWATCH_DATA is not set"
        )
        raise SystemExit(
            f"error: no moderation data at {path} ({where}). Set MUTEWATCH_DATA to the shared"
            " data folder (the one holding moderation/), or pass --placeholder-texts to"
            " measure neutral placeholder texts instead of real comments."
        )
    if spread and n < len(texts):
        return [texts[i * len(texts) // n] for i in range(n)], source
    return [_round(texts[i % len(texts)], i // len(texts)) for i in range(n)], source


def batch_texts(n: int, placeholders: bool = False) -> list[str]:
    """The in-process batch's ``n`` texts, taken evenly across the whole file so that their
    lengths are the file's (an embedding's cost grows with its length): the file's first
    comments and the first comments of each article (``_workload``'s order) run longer than
    its comments on average (Fox News: 20.7 and 39.0 words a comment for 200, 25.7 for all
    1,528; batch throughput 186 and 103 comments/s against 166 for all, measured 2026-12-02)."""
    return _texts(n, placeholders, spread=True)[0]


def _round(text: str, again: int) -> str:
    return f"{text} ({again})" if again else text


SEED_THREAD = 50
"""The most comments of an article published before the measured ones (the service's
``THREAD_SIZE``: the thread a submission is judged against)."""


class Workload(NamedTuple):
    """What the service parts measure: each comment on its own article, whose published
    thread holds some of the article's other comments first (``seeds``). (A NamedTuple: the
    tests load this file as a module that ``sys.modules`` does not name, as dataclass needs.)
    """

    texts: list[str]
    """The measured comments, in order (``_texts``' numbering when they cycle)."""
    article_of: list[str]
    """The article id of each of ``texts``."""
    articles: list[dict[str, str]]
    """The articles ``{id, title, body}``."""
    seeds: list[tuple[str, str]]
    """``(article id, text)``: published (a moderator approving the held ones) before the
    measured comments, as the thread of a live article; none of ``texts``."""
    source: dict[str, str]


def _workload(n: int, placeholders: bool = False) -> Workload:
    """``n`` comments and their articles. The Fox News comments each go to the article they
    were written on (its title, and its lead as the body: as ``evaluate`` judges relevance),
    taken in turn from each article (a site's comments arrive on several articles); the last
    ``SEED_THREAD`` of an article's comments (at most half of them) are its ``seeds``, never
    measured. Placeholders (``--placeholder-texts``) go to ``ARTICLE``, no seeds.

    Until 2026-12-02 every comment went to ``ARTICLE`` alone (the Texas article's title with a
    made-up one-line body) on an empty thread: 122 of the first 200 are comments on another
    article, and with no published thread to compare with, 178 of 200 were held as
    ``irrelevant`` and the thread never passed 16 comments, so the service's figures were
    those of the hold path on a short thread, not those of a live article's comments."""
    texts, source = _texts(n, placeholders)
    if source["source"] != "fox_news":
        return Workload(texts, [str(ARTICLE["id"])] * n, [ARTICLE], [], source)
    by_title: dict[str, list[ds.Row]] = {}
    for row in ds.fox_news(Path(source["path"]).parents[1]):
        if row.text.strip():
            by_title.setdefault(row.group, []).append(row)
    articles, measured, seeds = [], [], []
    for k, (title, rows) in enumerate(by_title.items()):
        article_id = f"fox-{k}"
        lead = next((r.context for r in rows if r.context.strip()), "") or title
        articles.append({"id": article_id, "title": title, "body": lead})
        keep = min(SEED_THREAD, len(rows) // 2)
        seeds += [(article_id, r.text) for r in rows[len(rows) - keep :]]
        measured.append([(article_id, r.text) for r in rows[: len(rows) - keep]])
    pool = [turn[i] for i in range(max(map(len, measured))) for turn in measured if i < len(turn)]
    chosen = [pool[i % len(pool)] for i in range(n)]
    return Workload(
        [_round(text, i // len(pool)) for i, (_, text) in enumerate(chosen)],
        [article_id for article_id, _ in chosen],
        articles,
        seeds,
        source,
    )


SEED_NOTE = "benchmark seed: an earlier comment of the article's thread"


def _seed(work: Workload, submit: Any, approve: Any) -> dict[str, int]:
    """Publish ``work.seeds``: ``submit(body)`` each (its answer), ``approve(comment_id)``
    the held ones; how many ended published and how many not (rejected: left out)."""
    published = 0
    for article_id, text in work.seeds:
        answer = submit({"article_id": article_id, "author_name": "Ana Silva", "text": text})
        if answer["decision"] == "hold":
            approve(answer["id"])
        published += answer["decision"] in ("hold", "publish")
    return {"published": published, "left_out": len(work.seeds) - published}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def in_process(policy: Policy, texts: list[str]) -> dict[str, Any]:
    moderator = Moderator(policy)
    moderator.check([CommentInput("w", "warm up", "Ana Silva")])
    comments = [CommentInput(str(i), t, "Ana Silva") for i, t in enumerate(texts)]
    cpu0 = time.process_time()
    start = time.perf_counter()
    decided = moderator.check(comments)
    batch = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    embedder().forget()  # the latencies below embed every text afresh, as a server would
    single, single_cpu = [], []
    for c in comments[:200]:
        c0 = time.process_time()
        t0 = time.perf_counter()
        moderator.check([c])
        single.append((time.perf_counter() - t0) * 1000)
        single_cpu.append((time.process_time() - c0) * 1000)
    return {
        "throughput_per_s": round(len(comments) / batch, 1),
        "cpu_ms_per_comment": round(1000 * cpu / len(comments), 2),
        "batch_cores_used": round(cpu / batch, 2),
        "p50_ms": round(_pct(single, 0.5), 1),
        "p99_ms": round(_pct(single, 0.99), 1),
        # CPU of one comment at a time (every thread): what other processes' load leaves alone
        "single_cpu_p50_ms": round(_pct(single_cpu, 0.5), 1),
        "single_cpu_p99_ms": round(_pct(single_cpu, 0.99), 1),
        "single_cpu_max_ms": round(max(single_cpu), 1),
        "decisions": _decisions_digest([_decision_key(d.as_dict()) for d in decided]),
    }


def _cpu_ms(n: int, run: Any) -> float:
    """CPU ms per item of ``run()`` over ``n`` items (every thread of this process)."""
    cpu0 = time.process_time()
    run()
    return round(1000 * (time.process_time() - cpu0) / max(n, 1), 3)


def stages(policy: Policy, texts: list[str]) -> dict[str, Any]:
    """CPU ms per comment of each stage of ``Moderator.check``, run alone over the batch."""
    from mutewatch.moderate import language, names

    moderator = Moderator(policy)
    comments = [CommentInput(str(i), t, "Ana Silva") for i, t in enumerate(texts)]
    n = len(texts)
    embedder().forget()
    out: dict[str, Any] = {"embed_batch": _cpu_ms(n, lambda: embedder().embed(texts))}
    out["language"] = _cpu_ms(n, lambda: [language.detect(t) for t in texts])
    out["names"] = _cpu_ms(n, lambda: [names.assess(c.author_name) for c in comments])
    out["lexicon"] = _cpu_ms(n, lambda: [lexicon_findings(t) for t in texts])
    vectors = embedder().embed(texts)  # remembered: prepare below embeds nothing

    def all_but_embedding() -> None:
        prepared = moderator.prepare(comments, vectors=vectors)
        [moderator.decide(f) for f in prepared]

    out["all_but_embedding"] = _cpu_ms(n, all_but_embedding)
    out["note"] = (
        "CPU ms per comment, each stage alone over the batch; all_but_embedding = prepare and"
        " decide given the vectors: language, names, lexicon, the clause checks and the"
        " sentence embeddings of fired clauses' evidence spans"
    )
    return out


def one_at_a_time(policy: Policy, texts: list[str]) -> dict[str, Any]:
    """p50/p99 ms of prepare and decide for one comment at a time (as the service runs them)."""
    moderator = Moderator(policy)
    embedder().forget()
    prepare_ms, decide_ms = [], []
    for i, text in enumerate(texts[:200]):
        t0 = time.perf_counter()
        [f] = moderator.prepare([CommentInput(str(i), text, "Ana Silva")])
        t1 = time.perf_counter()
        moderator.decide(f)
        prepare_ms.append((t1 - t0) * 1000)
        decide_ms.append((time.perf_counter() - t1) * 1000)
    return {
        "prepare_p50_ms": round(_pct(prepare_ms, 0.5), 2),
        "prepare_p99_ms": round(_pct(prepare_ms, 0.99), 2),
        "decide_p50_ms": round(_pct(decide_ms, 0.5), 2),
        "decide_p99_ms": round(_pct(decide_ms, 0.99), 2),
    }


def _timed(obj: Any, name: str, times: list[float]) -> None:
    """Make ``obj.name(...)`` note how long each call took (ms) in ``times``."""
    method = getattr(obj, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            times.append((time.perf_counter() - t0) * 1000)

    setattr(obj, name, timed)


def service_in_process(policy: Policy, work: Workload) -> dict[str, Any]:
    """``submit_comment`` on a store file in this process: total, and where the time goes
    (after ``work``'s articles and seeds, not timed)."""
    from mutewatch.moderate.service import ModerationService

    tmp = Path(tempfile.mkdtemp(prefix="mutewatch-bench-svc-"))
    service = ModerationService.open(tmp / "svc.duckdb", policy)
    moderator = Moderator(policy)
    times: dict[str, list[float]] = {"prepare": [], "decide": []}
    for name, noted in times.items():
        _timed(moderator, name, noted)
    try:
        _prepare_service(service, work)
        service._moderator = moderator
        embedder().forget()
        total = []
        for text, article_id in zip(work.texts[:200], work.article_of, strict=False):
            body = {"article_id": article_id, "author_name": "Ana Silva", "text": text}
            t0 = time.perf_counter()
            service.submit_comment(body)
            total.append((time.perf_counter() - t0) * 1000)
    finally:
        service.close()
    rest = [t - p - d for t, p, d in zip(total, times["prepare"], times["decide"], strict=True)]
    out: dict[str, Any] = {}
    for key, values in (("", total), ("prepare_", times["prepare"]),
                        ("decide_", times["decide"]), ("store_", rest)):  # fmt: skip
        out[f"{key}p50_ms"] = round(_pct(values, 0.5), 2)
        out[f"{key}p99_ms"] = round(_pct(values, 0.99), 2)
    return out


def _prepare_service(service: Any, work: Workload) -> dict[str, int]:
    """``work``'s articles added to a ModerationService and its seeds published."""
    for article in work.articles:
        service.add_article(article, "bench")
    return _seed(
        work,
        service.submit_comment,
        lambda cid: service.act(cid, {"action": "approve", "note": SEED_NOTE}, "bench"),
    )


def _service_module(src: Path) -> Any:
    """``mutewatch/moderate/service.py`` of the tree at ``src``, loaded under its own name."""
    spec = importlib.util.spec_from_file_location(
        "other_moderation_service", src / "mutewatch" / "moderate" / "service.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def store_side_by_side(
    policy: Policy, work: Workload, against: Path, prefill: int = 0
) -> dict[str, Any]:
    """The store part of ``submit_comment`` (total less prepare and decide) of this tree
    ("new") and the tree at ``against`` ("old"), submissions alternating one by one; each
    store first holds ``prefill`` comments written in bulk (``moderation_queue.build``), then
    ``work``'s articles and seeds. The author is "Ana Silva", as in the other parts: the
    "Reader N" names used until 2026-12-02 made every comment a ``fantasy_name`` reject."""
    from mutewatch.moderate import service as this

    tmp = Path(tempfile.mkdtemp(prefix="mutewatch-bench-store-"))
    if prefill:
        from moderation_queue import build  # benchmarks/, the folder of this script

        build(tmp / "old.duckdb", prefill)
        shutil.copy(tmp / "old.duckdb", tmp / "new.duckdb")
    moderator = Moderator(policy)
    parts: dict[str, list[float]] = {"prepare": [], "decide": []}
    for name, noted in parts.items():
        _timed(moderator, name, noted)
    services = {}
    for tree, module in (("old", _service_module(against)), ("new", this)):
        service = module.ModerationService.open(tmp / f"{tree}.duckdb", policy)
        _prepare_service(service, work)
        service._moderator = moderator
        services[tree] = service
    store: dict[str, list[float]] = {tree: [] for tree in services}
    try:
        for text, article_id in zip(work.texts[:300], work.article_of, strict=False):
            for tree, service in services.items():
                body = {"article_id": article_id, "author_name": "Ana Silva", "text": text}
                embedder().forget()  # each tree embeds afresh, as a server would
                before = sum(len(v) for v in parts.values())
                t0 = time.perf_counter()
                service.submit_comment(body)
                total = (time.perf_counter() - t0) * 1000
                assert sum(len(v) for v in parts.values()) == before + 2
                store[tree].append(total - parts["prepare"][-1] - parts["decide"][-1])
    finally:
        for service in services.values():
            service.close()
    out: dict[str, Any] = {
        tree: {"store_p50_ms": round(_pct(v, 0.5), 2), "store_p99_ms": round(_pct(v, 0.99), 2)}
        for tree, v in store.items()
    }
    out["new_over_old_p50"] = round(out["new"]["store_p50_ms"] / out["old"]["store_p50_ms"], 2)
    out["prefilled_comments"] = prefill
    return out


class _Trace:
    """Timestamps of a traced server (``time.monotonic``: one clock for every process on
    Linux, so they line up with the client's): per request, garbage collections, event
    loop stalls and what the store's writer did besides the comments."""

    def __init__(self) -> None:
        self.requests: dict[str, dict[str, float]] = {}
        self.current: dict[str, float] = {}
        self.gc: list[tuple[float, float, int, str]] = []
        self.lags: list[tuple[float, float]] = []
        self.events: list[tuple[str, float, float, str]] = []
        self._gc_start = 0.0

    def mark(self, key: str) -> None:
        self.current[key] = time.monotonic()

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.monotonic()
        else:
            name = threading.current_thread().name
            self.gc.append((self._gc_start, time.monotonic(), int(info["generation"]), name))

    def timed(self, obj: Any, name: str, label: str, keep_ms: float = 0.0) -> None:
        """Note each call of ``obj.name`` lasting over ``keep_ms`` as an event."""
        method = getattr(obj, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.monotonic()
            try:
                return method(*args, **kwargs)
            finally:
                t1 = time.monotonic()
                if (t1 - t0) * 1000 >= keep_ms:
                    self.events.append((label, t0, t1, threading.current_thread().name))

        setattr(obj, name, timed)

    def staged(self, obj: Any, name: str, stage: str) -> None:
        """Note the start and end of each call of ``obj.name`` in the current request."""
        method = getattr(obj, name)

        def staged(*args: Any, **kwargs: Any) -> Any:
            self.mark(stage + "0")
            try:
                return method(*args, **kwargs)
            finally:
                self.mark(stage + "1")

        setattr(obj, name, staged)

    def dump(self, path: Path) -> None:
        doc = {"requests": self.requests, "gc": self.gc, "lags": self.lags,
               "events": self.events}  # fmt: skip
        path.write_text(json.dumps(doc), encoding="utf-8")


def traced_app(app: Any, out: Path) -> Any:
    """``app`` with every comment's stages timed (``--trace``); written to ``out`` at exit.

    Stages: arrival, the thread's start of ``submit_comment``, ``prepare``, the write
    transaction in the store's writer (start, ``decide``, the statements, COMMIT), the
    answer's start and end; the process CPU time over ``submit_comment``. Beside them:
    every garbage collection, every stall of the event loop over 5 ms, token lookups,
    the writer's store opens, snapshots and data-version queries. The client asks for the
    file with a request carrying ``x-bench-dump``.
    """
    import asyncio
    import gc

    from mutewatch.moderate import service as svc_mod
    from mutewatch.web import access

    trace = _Trace()
    gc.callbacks.append(trace.on_gc)
    service = app.state.moderation_service
    trace.staged(service.moderator, "prepare", "prep")
    trace.staged(service.moderator, "decide", "decide")
    submit = service.submit_comment

    def submit_comment(*args: Any, **kwargs: Any) -> Any:
        cur = trace.current
        cur["sub0"], cur["cpu0"] = time.monotonic(), time.process_time()
        try:
            return submit(*args, **kwargs)
        finally:
            cur["sub1"], cur["cpu1"] = time.monotonic(), time.process_time()

    service.submit_comment = submit_comment

    original = svc_mod._transaction

    def transaction(con: Any, fn: Any) -> Any:
        trace.mark("tx0")

        def statements(c: Any) -> Any:
            try:
                return fn(c)
            finally:
                trace.mark("commit0")  # COMMIT follows

        result = original(con, statements)
        trace.mark("tx1")
        return result

    svc_mod._transaction = transaction  # type: ignore[assignment]
    gateway = app.state.gateway
    for name in ("_snapshot_from_writer", "_open_writer", "_maybe_refresh"):
        trace.timed(gateway, name, name, keep_ms=1.0)
    trace.timed(access, "data_version", "data_version", keep_ms=1.0)
    trace.timed(app.state.auth, "user_for_token", "user_for_token", keep_ms=1.0)

    async def watch_loop() -> None:
        while True:
            t0 = time.monotonic()
            await asyncio.sleep(0.002)
            lag = time.monotonic() - t0 - 0.002
            if lag > 0.005:
                trace.lags.append((t0, lag))

    watching: list[Any] = []

    async def traced(scope: Any, receive: Any, send: Any) -> None:
        if not watching:
            watching.append(asyncio.get_running_loop().create_task(watch_loop()))
        headers = dict(scope.get("headers") or [])
        if b"x-bench-dump" in headers:  # uvicorn ends on SIGTERM without running atexit
            trace.dump(out)
        seq = headers.get(b"x-bench-seq")
        if scope["type"] != "http" or seq is None:
            await app(scope, receive, send)
            return
        trace.current = trace.requests[seq.decode()] = {"arrive": time.monotonic()}
        cur = trace.current

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                cur["answer0"] = time.monotonic()
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                cur["answer1"] = time.monotonic()

        await app(scope, receive, timed_send)

    return traced


STAGES = (
    ("to_server", "c0", "arrive"),
    ("to_thread", "arrive", "sub0"),
    ("prepare", "prep0", "prep1"),
    ("to_writer", "prep1", "tx0"),
    ("decide", "decide0", "decide1"),
    ("statements", "decide1", "commit0"),
    ("commit", "commit0", "tx1"),
    ("from_writer", "tx1", "sub1"),
    ("to_answer", "sub1", "answer0"),
    ("to_client", "answer1", "c1"),
)


def _overlapping(items: list[Any], label: str, window: tuple[float, float]) -> list[str]:
    """Those of ``items`` ``(start, end[, what])`` overlapping ``window``, in words."""
    return [f"{label}{x[2] if len(x) > 2 else ''} {1000 * (x[1] - x[0]):.1f}ms"
            for x in items if x[0] < window[1] and x[1] > window[0]]  # fmt: skip


def tail_report(
    server: dict[str, Any], client: dict[str, dict[str, float]], client_gc: list[Any],
    slowest: int = 12,
) -> dict[str, Any]:  # fmt: skip
    """The stages of the ``slowest`` requests, with what overlapped them, and the stages'
    p50 over every request (ms)."""
    rows = []
    for seq, c in client.items():
        r = dict(server["requests"].get(seq, {}), **c)
        ms = {n: round((r[b] - r[a]) * 1000, 1) for n, a, b in STAGES if a in r and b in r}
        ms["total"] = round((r["c1"] - r["c0"]) * 1000, 1)
        if "cpu0" in r:
            ms["cpu"] = round((r["cpu1"] - r["cpu0"]) * 1000, 1)
        lags = [(t, t + lag) for t, lag in server["lags"]]
        events = [(a, b, n) for n, a, b, _ in server["events"]]
        window = (r["c0"], r["c1"])
        ms_over = _overlapping([g[:3] for g in server["gc"]], "server gc", window)
        ms_over += _overlapping(client_gc, "client gc", window)
        ms_over += _overlapping(lags, "loop stall", window) + _overlapping(events, "", window)
        rows.append({"seq": int(seq), "ms": ms, "overlaps": ms_over})
    rows.sort(key=lambda x: -x["ms"]["total"])
    p50 = {}
    for name in [n for n, _, _ in STAGES] + ["total", "cpu"]:
        values = [x["ms"][name] for x in rows if name in x["ms"]]
        if values:
            p50[name] = round(_pct(values, 0.5), 1)
    gens = [g[2] for g in server["gc"]]
    return {
        "slowest": rows[:slowest],
        "p50": p50,
        "server_gc": {f"gen{g}": gens.count(g) for g in sorted(set(gens))},
        "server_gc_max_ms": round(max((1000 * (g[1] - g[0]) for g in server["gc"]), default=0), 1),
        "client_gc": len(client_gc),
        "loop_stalls": len(server["lags"]),
    }


def _decision_key(answer: dict[str, Any]) -> str:
    """A decision as compared between trees: the decision and each clause's score and outcome."""
    clauses = [f"{c['clause']}:{c['score']}:{c['fired']}" for c in answer.get("clauses", [])]
    return f"{answer.get('decision')}|{','.join(clauses)}"


def _decisions_digest(keys: list[str]) -> dict[str, Any]:
    """How many of each decision, and a digest of every decision in order (equal digests:
    the same decisions, clause scores and outcomes for the same comments)."""
    counts: dict[str, int] = {}
    for key in keys:
        decision = key.split("|", 1)[0]
        counts[decision] = counts.get(decision, 0) + 1
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
    return {"counts": counts, "sha256_16": digest}


def _cpu_s(pid: int) -> float:
    """CPU seconds (user and system, every thread) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(
    store: Path,
    port_file: Path,
    env: dict[str, str],
    linger: float | None = None,
    max_hold: float | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """The moderation server (``SERVER``) on ``store`` and the port it bound itself, read
    from ``port_file`` once its socket listens (the app is still starting: its first answer
    says it is up)."""
    knobs = [str(v) if v is not None else "-" for v in (linger, max_hold)]
    argv = [sys.executable, "-c", SERVER, str(store), str(port_file), *knobs]
    proc = subprocess.Popen(argv, env=env)
    deadline = time.monotonic() + 120
    while not port_file.exists():
        code = proc.poll()
        if code is not None:
            raise RuntimeError(f"the server exited with {code} before it listened")
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("the server did not listen in 120 s")
        time.sleep(0.02)
    return proc, int(port_file.read_text(encoding="utf-8"))


def _posted(client: httpx.Client, body: dict[str, str]) -> dict[str, Any]:
    r = client.post("/api/v1/comments", json=body)
    r.raise_for_status()
    answer: dict[str, Any] = r.json()
    return answer


def _approved(client: httpx.Client, comment_id: str) -> None:
    action = {"action": "approve", "note": SEED_NOTE}
    client.post(f"/api/v1/comments/{comment_id}/actions", json=action).raise_for_status()


def over_http(
    work: Workload,
    policy_file: Path | None,
    linger: float | None,
    max_hold: float | None = None,
    paced: int = 40,
    trace: bool = False,
) -> dict[str, Any]:
    """Startup, back-to-back comments, then ``paced`` comments 0.4 s apart, RSS at the
    end (``work``'s articles and seeds sent first, not timed).

    Back to back, the server's single writer keeps the store open between comments and lets
    it go every ``max_hold`` seconds (2 s by default) for 0.3 s, so that another process
    (an ingest) can write; paced comments arrive after the writer let go (linger 0.2 s), so
    each one opens the store again. ``trace``: the server times every back-to-back
    comment's stages (``traced_app``) and the report's ``tail`` shows the slowest ones.
    """
    tmp = Path(tempfile.mkdtemp(prefix="mutewatch-bench-"))
    store_path = tmp / "bench.duckdb"
    with Store.open(store_path) as store:
        _, token = add_user(store, "bench", "moderator")
    started = time.perf_counter()
    env = dict(os.environ)
    if policy_file is not None:
        env["MUTEWATCH_MODERATION_POLICY"] = str(policy_file)
    trace_file = tmp / "trace.json"
    if trace:
        env["MUTEWATCH_BENCH_TRACE"] = str(trace_file)
        env["MUTEWATCH_BENCH_DIR"] = str(Path(__file__).resolve().parent)
    client_times: dict[str, dict[str, float]] = {}
    client_gc: list[tuple[float, float, int]] = []
    gc_start = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_start[0] = time.monotonic()
        else:
            client_gc.append((gc_start[0], time.monotonic(), int(info["generation"])))

    proc, port = start_server(store_path, tmp / "server.port", env, linger, max_hold)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while True:
                try:
                    if client.get("/api/v1/moderation/queue").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError("the server did not start")
                time.sleep(0.05)
            startup = time.perf_counter() - started
            for article in work.articles:
                client.post("/api/v1/articles", json=article).raise_for_status()
            seeded = _seed(
                work, lambda body: _posted(client, body), lambda cid: _approved(client, cid)
            )
            texts = work.texts
            latencies = []
            decisions: list[str] = []
            statuses: dict[int, int] = {}
            t_all = time.perf_counter()
            cpu_before = _cpu_s(proc.pid)
            if trace:
                gc.callbacks.append(on_gc)
            for i, (text, article_id) in enumerate(zip(texts, work.article_of, strict=True)):
                body = {"article_id": article_id, "author_name": "Ana Silva", "text": text}
                seq = {"x-bench-seq": str(i)} if trace else None
                c0 = time.monotonic()
                t0 = time.perf_counter()
                r = client.post("/api/v1/comments", json=body, headers=seq)
                latencies.append((time.perf_counter() - t0) * 1000)
                client_times[str(i)] = {"c0": c0, "c1": time.monotonic()}
                decisions.append(_decision_key(r.json()))
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                if i == 0 and r.status_code != 201:
                    raise RuntimeError(f"comment refused: {r.status_code} {r.text}")
            total = time.perf_counter() - t_all
            server_cpu = _cpu_s(proc.pid) - cpu_before
            if trace:
                gc.callbacks.remove(on_gc)
            slow = []
            for text, article_id in zip(texts[:paced], work.article_of, strict=False):
                time.sleep(0.4)
                paced_text = f"{text} (paced)"  # not a copy of the text sent above
                body = {"article_id": article_id, "author_name": "Ana Silva", "text": paced_text}
                t0 = time.perf_counter()
                r = client.post("/api/v1/comments", json=body)
                slow.append((time.perf_counter() - t0) * 1000)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            rss = _rss_mb(proc.pid)
            if trace:
                client.get("/api/v1/moderation/queue", headers={"x-bench-dump": "1"})
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    out: dict[str, Any] = {
        "throughput_per_s": round(len(texts) / total, 1),
        "p50_ms": round(_pct(latencies, 0.5), 1),
        "p99_ms": round(_pct(latencies, 0.99), 1),
        "slowest_ms": [round(v, 1) for v in sorted(latencies)[-6:][::-1]],
        "over_100_ms": sum(v > 100 for v in latencies),
        "paced_p50_ms": round(_pct(slow, 0.5), 1) if slow else None,
        "paced_p99_ms": round(_pct(slow, 0.99), 1) if slow else None,
        "rss_mb": round(rss, 1),
        "server_cpu_ms_per_comment": round(1000 * server_cpu / len(texts), 2),
        "startup_s": round(startup, 2),
        "statuses": statuses,
        "decisions": _decisions_digest(decisions),
        "seeded": seeded,
    }
    if trace:
        server = json.loads(trace_file.read_text(encoding="utf-8"))
        out["tail"] = tail_report(server, client_times, client_gc)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="moderation benchmark")
    parser.add_argument("--comments", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--linger", type=float, default=None, help="the server's writer linger (s) [app default]"
    )
    parser.add_argument(
        "--max-hold",
        type=float,
        default=None,
        help="what-if: the server writer's longest hold of the store (s) [gateway default 2]",
    )
    parser.add_argument("--paced", type=int, default=40, help="comments sent 0.4 s apart")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="time the stages of every HTTP comment in the server; show the slowest",
    )
    parser.add_argument("--no-in-process", action="store_true", help="skip the in-process figures")
    parser.add_argument(
        "--no-stages", action="store_true", help="skip the per-stage breakdown (about 15 s)"
    )
    parser.add_argument(
        "--store-against",
        type=Path,
        help="the src folder of another tree: its store part of a submission beside this one's",
    )
    parser.add_argument(
        "--store-comments",
        type=int,
        default=0,
        help="with --store-against: comments written in bulk to both stores first",
    )
    parser.add_argument(
        "--placeholder-texts",
        action="store_true",
        help="without the shared data's Fox News comments, measure neutral placeholder texts"
        " (said in the report's texts) instead of stopping",
    )
    args = parser.parse_args()
    work = _workload(args.comments, args.placeholder_texts)
    texts, source = work.texts, work.source
    policy, which, policy_file = _policy()
    load_before = os.getloadavg()[0]
    report: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "policy": which,
        "comments": len(texts),
        "texts": source,
        "in_process": (
            None
            if args.no_in_process
            else in_process(policy, batch_texts(args.comments, args.placeholder_texts))
        ),
        "http": over_http(
            work, policy_file, args.linger, args.max_hold, args.paced, trace=args.trace
        ),
        "server_settings": {"linger": args.linger, "max_hold": args.max_hold},
    }
    if not args.no_stages:
        report["stages"] = stages(policy, texts)
        report["stages"]["one_at_a_time"] = one_at_a_time(policy, texts)
        report["stages"]["service_in_process"] = service_in_process(policy, work)
    if args.store_against is not None:
        report["store_side_by_side"] = store_side_by_side(
            policy, work, args.store_against, args.store_comments
        )
    report["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    if args.json:
        print(json.dumps(report))
        return
    _print(report)


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _print(report: dict[str, Any]) -> None:
    """The figures side by side, with the targets and whether each is met."""
    ip, web = report["in_process"], report["http"]
    if ip is None:  # --no-in-process
        keys = ("throughput_per_s", "p50_ms", "p99_ms", "cpu_ms_per_comment", "batch_cores_used")
        ip = dict.fromkeys(keys, float("nan"))
    print(
        f"moderation benchmark: {report['comments']} comments, {report['cpus']} CPUs,"
        f" policy {report['policy']}"
    )
    texts = report["texts"]
    if texts["source"] == "placeholder":
        print(f"WARNING: PLACEHOLDER texts, not real comments (no {texts['path']})")
    else:
        print(f"texts: {texts['source']} ({texts['path']})")
    print(f"{'':24}{'in-process':>12}{'HTTP':>12}{'HTTP/in-proc':>14}   target")
    rows = [
        ("throughput (/s)", "throughput_per_s", ">= 100 (batch, in-process)"),
        ("p50 latency (ms)", "p50_ms", ""),
        ("p99 latency (ms)", "p99_ms", "<= 100 (HTTP)"),
    ]
    for label, key, target in rows:
        ratio = web[key] / ip[key] if ip[key] else float("nan")
        print(f"{label:24}{ip[key]:>12}{web[key]:>12}{ratio:>14.2f}   {target}")
    print(f"{'server RSS (MB)':24}{'':>12}{web['rss_mb']:>12}{'':>14}   <= 1536")
    print(f"{'server startup (s)':24}{'':>12}{web['startup_s']:>12}{'':>14}   <= 10")
    print(
        f"{'CPU ms per comment':24}{ip['cpu_ms_per_comment']:>12}   batch used"
        f" {ip['batch_cores_used']} of {report['cpus']} cores (less: other processes had the rest)"
    )
    print(
        "targets: batch "
        + _verdict(ip["throughput_per_s"] >= 100)
        + ", HTTP p99 "
        + _verdict(web["p99_ms"] <= 100)
        + ", RSS "
        + _verdict(web["rss_mb"] <= 1536)
        + ", startup "
        + _verdict(web["startup_s"] <= 10)
    )
    print(
        f"HTTP, comments 0.4 s apart: p50 {web['paced_p50_ms']} ms, p99 {web['paced_p99_ms']} ms"
        f" (server settings {report['server_settings']}, None = app default)"
    )
    print(
        f"HTTP statuses: {web['statuses']}; over 100 ms: {web['over_100_ms']};"
        f" slowest (ms): {web['slowest_ms']}"
    )
    print(
        f"1-min load average before/after: {report['load_average']} on {report['cpus']} CPUs"
        " (figures are wall-clock: other processes on the machine slow them down)"
    )
    if "stages" in report:
        _print_stages(report["stages"])
    if "tail" in web:
        _print_tail(web["tail"])
    if "store_side_by_side" in report:
        side = report["store_side_by_side"]
        print(
            f"store part of a submission, side by side: old p50/p99"
            f" {side['old']['store_p50_ms']}/{side['old']['store_p99_ms']} ms, new"
            f" {side['new']['store_p50_ms']}/{side['new']['store_p99_ms']} ms"
            f" (new/old p50 {side['new_over_old_p50']})"
        )


def _print_tail(tail: dict[str, Any]) -> None:
    """The traced stages of the slowest comments over HTTP, and what overlapped them."""
    print(f"traced stages, p50 over every comment (ms): {tail['p50']}")
    print(
        f"server collections {tail['server_gc']} (longest {tail['server_gc_max_ms']} ms),"
        f" client collections {tail['client_gc']}, event loop stalls > 5 ms {tail['loop_stalls']}"
    )
    for row in tail["slowest"]:
        overlaps = f" | {row['overlaps']}" if row["overlaps"] else ""
        print(f"  #{row['seq']}: {row['ms']}{overlaps}")


def _print_stages(st: dict[str, Any]) -> None:
    """Where a comment's time goes."""
    cpu = {k: v for k, v in st.items() if isinstance(v, float)}
    print(
        "CPU ms per comment by stage (each alone): " + ", ".join(f"{k} {v}" for k, v in cpu.items())
    )
    one, svc = st["one_at_a_time"], st["service_in_process"]
    print(
        f"one comment at a time: prepare p50/p99 {one['prepare_p50_ms']}/{one['prepare_p99_ms']}"
        f" ms, decide p50/p99 {one['decide_p50_ms']}/{one['decide_p99_ms']} ms"
    )
    print(
        f"service in process (store file): submit p50/p99 {svc['p50_ms']}/{svc['p99_ms']} ms ="
        f" prepare {svc['prepare_p50_ms']}/{svc['prepare_p99_ms']} + decide"
        f" {svc['decide_p50_ms']}/{svc['decide_p99_ms']} + store {svc['store_p50_ms']}/"
        f"{svc['store_p99_ms']} (p50/p99 of each part)"
    )


if __name__ == "__main__":
    main()
