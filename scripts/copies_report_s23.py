"""How near 1 the cosine of two comments' embeddings is when one is a copy of the other, and
how near the closest two distinct comments come (session 23, the copies check of
``_relevance.COPY_SIMILARITY``). Non-evaluation rows of the Fox News and SFU comments only.

A copy is the same text but for case, runs of white space and invisible format characters
(``text_key`` below). Prints, per measurement, what the bound must separate:

- same-key pairs within an article, and synthetic variants of every text (upper/lower case,
  spacing, zero-width and no-break characters): do their token ids and embeddings equal the
  original's;
- distinct-key pairs: the highest cosine within an article and over all texts;
- a text and the text with " (1)" appended (the benchmark's numbered rounds, the tests'
  ``fresh_text``): the highest cosine.

    python scripts/copies_report_s23.py [--data DIR]
"""

from __future__ import annotations

import argparse
import copy
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import numpy as np

from mutewatch.moderate.datasets import default_data_dir, fox_news, is_evaluation, sfu
from mutewatch.moderate.models import embedder

_SPACE = re.compile(r"\s+")


def text_key(text: str) -> str:
    """The text but for case, white space runs and Unicode format characters."""
    kept = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _SPACE.sub(" ", kept).strip().casefold()


def variants(text: str) -> list[str]:
    """Copies of ``text`` as a reader or a spammer might send them again."""
    return [
        text.upper(),
        text.lower(),
        "  " + text.replace(" ", "  \n") + "\t",
        text.replace(" ", " \u200b"),
        text.replace(" ", "\u00a0"),
    ]


def _diff(a: str, b: str) -> str:
    """Where two texts part: the first differing characters of each, with a little before."""
    k = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"{a[max(0, k - 25) : k + 25]!r} | {b[max(0, k - 25) : k + 25]!r}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    data = args.data or default_data_dir()
    rows = [r for r in fox_news(data) + sfu(data) if not is_evaluation(r.text)]
    by_article: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_article[r.group].append(r.text)
    texts = sorted({r.text for r in rows})
    print(f"{len(rows)} non-evaluation comments, {len(texts)} distinct, {len(by_article)} articles")
    emb = embedder()
    tok = emb._tokenizer  # noqa: SLF001 - the embedder's own tokenizer
    vectors = dict(zip(texts, emb.embed(texts), strict=True))

    whole = copy.deepcopy(tok)
    whole.no_truncation()

    def ids(t: str) -> list[int]:
        return list(tok.encode(t).ids)

    def past_cut(a: str, b: str) -> bool:
        """Whether two texts of the same first word pieces differ only past the cut."""
        return list(whole.encode(a).ids) != list(whole.encode(b).ids)

    # 1. synthetic variants: token ids (all texts), embeddings (a sample, new batches)
    differ = [(t, v) for t in texts for v in variants(t) if ids(v) != ids(t)]
    print(f"variants with other token ids than their text: {len(differ)} of {5 * len(texts)}")
    for t, v in differ[:5]:
        print(f"   {t[:60]!r} vs {v[:60]!r}")
    sample = texts[::10]
    emb.forget()
    vs = [v for t in sample for v in variants(t)]
    got = emb.embed(vs)
    cos = [float(got[5 * i + k] @ vectors[t]) for i, t in enumerate(sample) for k in range(5)]
    equal = sum(
        bool(np.array_equal(got[5 * i + k], vectors[t]))
        for i, t in enumerate(sample)
        for k in range(5)
    )
    print(f"embedded variants: {len(vs)}, bitwise equal {equal}, min cosine {min(cos):.9f}")

    # 2. pairs within an article, and all distinct texts
    same, distinct = [], []
    for texts_of in by_article.values():
        for i, a in enumerate(texts_of):
            for b in texts_of[i + 1 :]:
                c = float(vectors[a] @ vectors[b])
                (same if text_key(a) == text_key(b) else distinct).append((c, a, b))
    print(f"same-key pairs within an article: {len(same)}, min cosine "
          f"{min(c for c, _, _ in same):.9f}" if same else "no same-key pairs")  # fmt: skip
    distinct.sort(reverse=True)
    pieces = [(c, a, b) for c, a, b in distinct if ids(a) == ids(b)]
    other = [(c, a, b) for c, a, b in distinct if ids(a) != ids(b)]
    least = min((c for c, _, _ in pieces), default=1.0)
    print(f"distinct-key pairs within an article: {len(distinct)}; {len(pieces)} of the same"
          f" word pieces (min cosine {least:.9f}):")  # fmt: skip
    for c, a, b in pieces:
        cut = past_cut(a, b)
        print(f"   {c:.9f} {'past the cut' if cut else 'same pieces'} {len(a)}/{len(b)}"
              f" chars: {_diff(a, b)}")  # fmt: skip
    print("the closest pairs of other word pieces:")
    for c, a, b in other[:5]:
        print(f"   {c:.6f}  {_diff(a, b)}")
    keys: dict[tuple[int, ...], str] = {}
    for t in texts:
        keys.setdefault(tuple(ids(t)), t)
    uniq = list(keys.values())
    print("over all articles, texts of other word pieces:", end=" ")
    m = np.stack([vectors[t] for t in uniq])
    sims = m @ m.T
    np.fill_diagonal(sims, -1)
    i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
    print(f"{len(uniq)}; closest {sims[i, j]:.6f}")
    print(f"   {uniq[i][:90]!r}\n   {uniq[j][:90]!r}")

    # 3. a text and the text numbered
    emb.forget()
    numbered = emb.embed([f"{t} (1)" for t in sample])
    c1 = [float(numbered[k] @ vectors[t]) for k, t in enumerate(sample)]
    cut = [len(ids(t)) >= 128 for t in sample]
    print(
        f"text vs text + ' (1)' ({len(sample)}): {sum(cut)} texts of 128+ word pieces, the"
        f" ' (1)' cut off (cosine {min(c for c, k in zip(c1, cut, strict=True) if k):.6f}+);"
        f" the others' max cosine {max(c for c, k in zip(c1, cut, strict=True) if not k):.6f}"
    )


if __name__ == "__main__":
    main()
