"""Property tests: the Telegram importer survives mutated exports and its accounting adds up.

Exports from the demo generator are mutated (fields dropped or given wrong types, text as a
string or as an entity array, junk and duplicate records, truncation, other layouts) and
ingested into a fresh store. Whatever the mutation, the importer either reads the file or
refuses it with an ``InputError`` naming it; it never crashes, every record is accounted
for (read = new + duplicates + quarantined + skipped), the store agrees with the report,
and ingesting the same records again adds nothing.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from mutewatch.demo import DemoManifest, generate, write_export
from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, IngestReport, ingest
from mutewatch.store import Store

# Random examples beyond the explicit ones below (the cases this test found, each a bug): 10
# in CI, where each is three ingests; MUTEWATCH_PROPERTY_EXAMPLES=200 for a deeper search.
MAX_EXAMPLES = int(os.environ.get("MUTEWATCH_PROPERTY_EXAMPLES", "10"))
LAYOUTS = os.environ.get("MUTEWATCH_PROPERTY_LAYOUTS", "telegram,telegram,minified,indent2").split(
    ","
)
CHAT_RECORDS = 40  # records kept per chat: small files, fast examples

_counter = itertools.count()


@functools.cache
def _base_chats() -> list[dict[str, Any]]:
    """Three small chats cut from a demo export: an official, a supporter and a renamed one.

    Cached at module level (not a fixture argument) so Hypothesis reports stay short.
    """
    demo: DemoManifest = generate(Path(tempfile.mkdtemp(prefix="mw-props-")), seed=5, scale=0.05)
    chats = []
    for name in ("province_12_media_office", "supporter_channel_02", "supporter_channel_07"):
        doc = json.loads((demo.exports / name / "result.json").read_text(encoding="utf-8"))
        doc["messages"] = doc["messages"][:CHAT_RECORDS]
        chats.append(doc)
    shutil.rmtree(demo.root, ignore_errors=True)
    return chats


@pytest.fixture(scope="module")
def base_chats() -> list[dict[str, Any]]:
    return _base_chats()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


# -- mutations ----------------------------------------------------------------------------

_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
_json = st.recursive(
    _json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_wrong = st.one_of(
    st.sampled_from([None, 0, -1, 1.5, "", "abc", "17", [], {}, True, 2**63, "2016-13-45"]),
    _json,
)
_FIELDS = (
    "id", "type", "date", "date_unixtime", "edited", "edited_unixtime", "from", "from_id",
    "author", "forwarded_from", "reply_to_message_id", "text", "text_entities", "photo",
    "file", "file_size", "media_type", "mime_type", "duration_seconds", "width", "height",
    "poll", "action", "title",
)  # fmt: skip


def _as_entity_array(m: dict[str, Any]) -> None:
    if isinstance(m.get("text"), str):
        m["text"] = [m["text"], {"type": "bold", "text": "x"}, ""]
        m["text_entities"] = [{"type": "plain", "text": m["text"][0]}, m["text"][1]]


def _as_string(m: dict[str, Any]) -> None:
    if isinstance(m.get("text"), list):
        m["text"] = "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in m["text"])


@st.composite
def mutation(draw: st.DrawFn) -> tuple[Any, ...]:
    kind = draw(
        st.sampled_from(
            ["drop", "wrong", "junk", "duplicate", "entities", "string", "swap", "header"]
        )
    )
    where = draw(st.integers(min_value=0, max_value=10_000))
    if kind == "drop":
        return (kind, where, draw(st.sampled_from(_FIELDS)))
    if kind == "wrong":
        return (kind, where, draw(st.sampled_from(_FIELDS)), draw(_wrong))
    if kind == "junk":
        return (kind, where, draw(_json))
    if kind == "header":
        return (kind, where, draw(st.sampled_from(["name", "type", "id"])), draw(_wrong))
    return (kind, where)


def _apply(chats: list[dict[str, Any]], mut: tuple[Any, ...]) -> None:
    chat = chats[mut[1] % len(chats)]
    msgs = chat["messages"]
    i = mut[1] % max(1, len(msgs))
    kind = mut[0]
    if kind == "header":
        if isinstance(mut[3], dict):  # a dropped header field
            chat.pop(mut[2], None)
        else:
            chat[mut[2]] = mut[3]
        return
    if kind == "junk":
        msgs.insert(i, mut[2])
        return
    if not msgs:
        return
    m = msgs[i]
    if kind == "duplicate":
        msgs.insert(i, copy.deepcopy(m))
    elif kind == "swap" and i + 1 < len(msgs):
        msgs[i], msgs[i + 1] = msgs[i + 1], msgs[i]
    elif not isinstance(m, dict):
        return
    elif kind == "drop":
        m.pop(mut[2], None)
    elif kind == "wrong":
        m[mut[2]] = mut[3]
    elif kind == "entities":
        _as_entity_array(m)
    elif kind == "string":
        _as_string(m)


def _render(
    chats: list[dict[str, Any]], path: Path, layout: str, account: bool, truncate: float | None
) -> None:
    if layout == "telegram":
        write_export(path, chats[:1] if not account else chats, account=account)
    else:
        doc: Any = chats[0] if not account else {"chats": {"list": chats}}
        indent = 2 if layout == "indent2" else None
        text = json.dumps(doc, ensure_ascii=False, indent=indent)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if truncate is not None:
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * truncate)])


# -- checks -------------------------------------------------------------------------------


def _ingest(store_path: Path, path: Path) -> IngestReport | InputError:
    with Store.open(store_path) as store:
        try:
            return ingest(store, [path], IngestOptions(tz="Europe/Berlin"))
        except InputError as exc:
            assert str(path) in str(exc), f"the error must name the file: {exc}"
            return exc


def _adds_up(report: IngestReport) -> None:
    assert report.read == report.new + report.duplicates + report.quarantined + report.skipped
    for f in report.files:
        c = f.counts
        assert c.read == c.new + c.duplicates + c.quarantined + c.skipped, f.as_dict()
        assert min(c.read, c.new, c.duplicates, c.quarantined, c.skipped) >= 0


def _store_counts(store_path: Path) -> dict[str, int]:
    with Store.open(store_path, read_only=True) as store:
        return {
            t: int(store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in ("posts", "quarantine", "links")
        }


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # shrinking a failing ingest takes minutes; the examples are short enough to read as is
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mutations=st.lists(mutation(), min_size=0, max_size=6),
    layout=st.sampled_from(LAYOUTS),
    account=st.booleans(),
    truncate=st.one_of(st.none(), st.none(), st.floats(min_value=0.0, max_value=0.999)),
)
# Cases found by this test (kept as explicit examples):
# a re-indented export with one bad record must not collapse into one quarantined record;
@example(mutations=[("drop", 0, "id")], layout="indent2", account=False, truncate=None)
# an out-of-range number must be quarantined, not crash or end the chat early;
@example(
    mutations=[("wrong", 35, "edited_unixtime", 2**63)], layout="telegram", account=True,
    truncate=None,
)  # fmt: skip
@example(
    mutations=[("wrong", 35, "edited_unixtime", 2**63)], layout="minified", account=True,
    truncate=None,
)  # fmt: skip
# a chat header with a non-string name/type, or a null id, is an InputError or read, never a
# crash, and the same in both layouts.
@example(mutations=[("header", 0, "type", 0)], layout="telegram", account=False, truncate=None)
@example(mutations=[("header", 0, "name", [])], layout="minified", account=True, truncate=None)
@example(mutations=[("header", 0, "id", None)], layout="telegram", account=False, truncate=None)
def test_mutated_exports_never_crash_and_always_add_up(
    workdir: Path,
    mutations: list[tuple[Any, ...]],
    layout: str,
    account: bool,
    truncate: float | None,
) -> None:
    chats = copy.deepcopy(_base_chats())
    for mut in mutations:
        _apply(chats, mut)
    case = workdir / f"case{next(_counter)}"
    path = case / "export" / "result.json"
    _render(chats, path, layout, account, truncate)
    store_path = case / "store.duckdb"

    first = _ingest(store_path, path)
    if isinstance(first, InputError):
        assert first.exit_code == 3
        return
    _adds_up(first)
    counts = _store_counts(store_path)
    assert counts["posts"] == first.new
    assert counts["quarantine"] == first.quarantined

    again = _ingest(store_path, path)  # the same file again: nothing new
    assert not isinstance(again, InputError)
    _adds_up(again)
    assert again.new == 0
    assert _store_counts(store_path) == counts

    if truncate is None:  # the same records in another file and layout: nothing new either
        other = case / "other" / "result.json"
        _render(chats, other, "minified" if layout == "telegram" else "telegram", account, None)
        third = _ingest(store_path, other)
        assert not isinstance(third, InputError)
        _adds_up(third)
        assert third.new == 0, third.as_dict()
        assert third.read == first.read
        assert third.quarantined == first.quarantined
        assert _store_counts(store_path)["posts"] == counts["posts"]


def test_unmutated_sample_reads_cleanly(base_chats: list[dict[str, Any]], workdir: Path) -> None:
    """The base of the mutations is itself clean: the properties start from a known state."""
    path = workdir / "clean" / "result.json"
    write_export(path, base_chats, account=True)
    report = _ingest(workdir / "clean" / "store.duckdb", path)
    assert not isinstance(report, InputError)
    total = sum(len(c["messages"]) for c in base_chats)
    assert report.read == total
    assert report.new > 0.8 * total
    _adds_up(report)
