"""The scripts in scripts/ reproduce the shipped files (the fast ones here, bit for bit).

The slow ones (train_moderation.py about 2 min, train_language.py's n-gram models longer) are
compared by ``python scripts/check_reproduction.py``, not in the test run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from a12_helpers import MODERATION, PACKAGE_DATA, WEIGHTS, load_script

from mutewatch.moderate import datasets as ds


@pytest.fixture(autouse=True)
def _needs_data() -> None:
    if not MODERATION.is_dir():
        pytest.skip(f"research data not found at {MODERATION} (see ../shared/data/README.md)")


def test_build_truecase_reproduces_the_shipped_file(tmp_path: Path) -> None:
    """build_truecase.py --out writes elsewhere (it could only overwrite the shipped file)."""
    out = tmp_path / "truecase_words.npz"
    load_script("build_truecase").main(["--out", str(out)])
    assert out.read_bytes() == (PACKAGE_DATA / "truecase_words.npz").read_bytes()


def test_language_lexicon_reproduces_the_shipped_file(tmp_path: Path) -> None:
    tl = load_script("train_language")
    assert tl.main(["--lexicon-only", "--out", str(tmp_path)]) == 0
    name = "language_lexicon.npz"
    assert (tmp_path / name).read_bytes() == (PACKAGE_DATA / name).read_bytes()


@pytest.mark.slow
def test_threat_head_refits_to_the_shipped_one() -> None:
    """One head of heads.json refitted by train_moderation.py's own functions (the smallest:
    872 ETHOS and Jigsaw rows). LBFGS stops at a tolerance, so the weights are compared to
    1e-4, and every training row gets the same side of the policy's thresholds."""
    import json

    from mutewatch.moderate.evaluate import embed_cached

    tm = load_script("train_moderation")
    data = ds.default_data_dir()
    rows = tm.training_rows(data)
    items = tm.label_sets(rows, tm._ethos_violence(data))["threat"]
    texts = sorted({t for t, _, _, _ in items})
    vectors = dict(zip(texts, embed_cached(texts), strict=True))
    fitted = tm.fit_head("threat", items, vectors)
    shipped = json.loads((WEIGHTS / "heads.json").read_text(encoding="utf-8"))["heads"]["threat"]
    assert fitted["meta"] == shipped["meta"]
    w_new, w_old = np.array(fitted["weights"]), np.array(shipped["weights"])
    assert np.abs(w_new - w_old).max() < 1e-4
    assert abs(fitted["bias"] - shipped["bias"]) < 1e-4
    x = np.stack([vectors[t] for t in texts]).astype(np.float64)
    p_new = 1 / (1 + np.exp(-(x @ w_new + fitted["bias"])))
    p_old = 1 / (1 + np.exp(-(x @ w_old + shipped["bias"])))
    assert np.abs(p_new - p_old).max() < 1e-3
    for thr in (0.5, 0.75, 0.8, 0.9):
        assert ((p_new >= thr) == (p_old >= thr)).all(), thr
