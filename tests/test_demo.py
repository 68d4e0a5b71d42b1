"""The demo generator: deterministic, valid Telegram Desktop JSON, and a manifest that is true."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from mutewatch.demo import PLACEHOLDER, DemoManifest, generate, write_benchmark_export

SCALE = 0.2


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate(tmp_path_factory.mktemp("demo"), seed=11, scale=SCALE)


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _chats(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "messages" in doc:
        yield doc
        return
    for section in ("chats", "left_chats"):
        yield from doc[section]["list"]


_PARSED: dict[Path, list[tuple[str, dict[str, Any], Any]]] = {}


def _all_messages(demo: DemoManifest) -> list[tuple[str, dict[str, Any], Any]]:
    """Every record of every export file as (file, chat, record), parsed once per demo."""
    if demo.root not in _PARSED:
        out = []
        for f in demo.truth["files"]:
            doc = json.loads((demo.root / f["path"]).read_text(encoding="utf-8"))
            out += [(f["path"], chat, m) for chat in _chats(doc) for m in chat["messages"]]
        _PARSED[demo.root] = out
    return _PARSED[demo.root]


def _utc(m: dict[str, Any], tz: str) -> datetime | None:
    if "date_unixtime" in m:
        return datetime.fromtimestamp(int(m["date_unixtime"]), UTC).replace(tzinfo=None)
    try:
        local = datetime.fromisoformat(m["date"]).replace(tzinfo=ZoneInfo(tz))
    except (KeyError, ValueError):
        return None
    return local.astimezone(UTC).replace(tzinfo=None)


def test_same_seed_gives_byte_identical_files(tmp_path: Path, sample: DemoManifest) -> None:
    again = generate(tmp_path / "again", seed=11, scale=SCALE)
    assert _digests(again.root) == _digests(sample.root)


def test_files_are_telegram_desktop_shaped(sample: DemoManifest) -> None:
    single = sample.root / sample.truth["files"][0]["path"]
    head = single.read_text(encoding="utf-8")[:200]
    assert head.startswith('{\n "name": "Province 01 Media Office",\n "type": ')
    assert '\n "messages": [\n  {\n   "id": 1,\n   "type": "service",' in head
    account = json.loads((sample.exports / "DataExport_2018-01-05" / "result.json").read_text())
    assert {"about", "personal_information", "chats", "left_chats"} <= set(account)
    assert account["chats"]["list"] and account["left_chats"]["list"]
    for chat in _chats(account):
        assert {"name", "type", "id", "messages"} <= set(chat)


def test_field_variants_are_all_present(sample: DemoManifest) -> None:
    seen: set[str] = set()
    actions: set[str] = set()
    for _, chat, m in _all_messages(sample):
        if not isinstance(m, dict):
            seen.add("junk")
            continue
        if m.get("type") == "service":
            actions.add(m["action"])
            assert m["text"] == "" and m["text_entities"] == []
            continue
        if m.get("type") == "unsupported":
            assert set(m) == {"id", "type"}
            seen.add("unsupported")
            continue
        assert m["from_id"] == f"channel{chat['id']}"
        if "date_unixtime" in m:
            assert isinstance(m["date_unixtime"], str)
        else:
            seen.add("date_only")
        if isinstance(m.get("text"), list):
            seen.add("entity_array")
            plain = "".join(p if isinstance(p, str) else p["text"] for p in m["text"])
            assert plain == "".join(e["text"] for e in m["text_entities"])
        elif m.get("text"):
            seen.add("string_text")
        for e in m.get("text_entities", []):
            seen.add(e["type"])
        for key in ("media_type", "poll", "photo", "forwarded_from", "reply_to_message_id",
                    "edited", "author"):  # fmt: skip
            if key in m:
                seen.add(key if key != "media_type" else m["media_type"])
        if m.get("file") == PLACEHOLDER or m.get("photo") == PLACEHOLDER:
            seen.add("placeholder")
    assert {"create_channel", "edit_group_title", "pin_message", "edit_group_photo"} <= actions
    assert {
        "junk", "unsupported", "date_only", "entity_array", "string_text", "text_link", "link",
        "hashtag", "bold", "poll", "photo", "forwarded_from", "reply_to_message_id", "edited",
        "author", "placeholder", "video_file", "audio_file", "voice_message", "animation",
        "sticker",
    } <= seen  # fmt: skip


def test_links_use_fake_hosts_only(sample: DemoManifest) -> None:
    hosts = {h["host"] for h in sample.truth["hosts"]}
    for _, _, m in _all_messages(sample):
        if not isinstance(m, dict):
            continue
        for e in m.get("text_entities", []):
            url = e.get("href") or (e["text"] if e["type"] == "link" else None)
            if url:
                host = url.split("/")[2]
                assert host in hosts
                assert host == "t.me" or host.endswith((".example", ".onion"))


def test_expected_totals_match_the_files(sample: DemoManifest) -> None:
    read = quarantined = skipped = posts_read = 0
    keys: set[tuple[int, int]] = set()
    for _, chat, m in _all_messages(sample):
        read += 1
        if not isinstance(m, dict) or not isinstance(m.get("id"), int):
            quarantined += 1
        elif m["type"] in ("service", "unsupported"):
            skipped += 1
        elif _utc(m, sample.tz) is None:
            quarantined += 1
        else:
            posts_read += 1
            keys.add((chat["id"], m["id"]))
    exp = sample.truth["expected"]
    assert exp["read"] == read
    assert exp["quarantined"] == quarantined == len(sample.truth["malformed"]) == 6
    assert exp["skipped"] == skipped
    assert exp["new"] == len(keys)
    assert exp["duplicates"] == posts_read - len(keys) > 0
    assert exp["read"] == exp["new"] + exp["duplicates"] + exp["quarantined"] + exp["skipped"]


def test_malformed_positions_point_at_the_bad_records(sample: DemoManifest) -> None:
    for bad in sample.truth["malformed"]:
        doc = json.loads((sample.root / bad["file"]).read_text(encoding="utf-8"))
        flat = [m for chat in _chats(doc) for m in chat["messages"]]
        rec = flat[bad["position"]]
        if bad["reason"] == "not_an_object":
            assert not isinstance(rec, dict)
        elif bad["reason"] == "id_not_integer":
            assert rec["id"] == "abc"
        else:
            assert rec["id"] == bad["id"] and _utc(rec, sample.tz) is None


def test_planted_silence_holds(sample: DemoManifest) -> None:
    s = sample.truth["silence"]
    start = datetime.fromisoformat(s["start"]).replace(tzinfo=None)
    end = datetime.fromisoformat(s["end"]).replace(tzinfo=None)
    assert s["hours"] == 24.5 and start == datetime(2017, 11, 8, 9, 0)
    official = {int(c) for o in sample.truth["outlets"] if o["official"] for c in o["channel_ids"]}
    releases: list[datetime] = []
    forwards_inside = supporter_inside = 0
    for _, chat, m in _all_messages(sample):
        if not isinstance(m, dict) or m.get("type") != "message":
            continue
        ts = _utc(m, sample.tz)
        if ts is None or not isinstance(m["id"], int):
            continue
        inside = start < ts < end
        if chat["id"] in official and "forwarded_from" not in m:
            releases.append(ts)
        elif inside and "forwarded_from" in m:
            forwards_inside += 1
        elif inside:
            supporter_inside += 1
    releases = sorted(set(releases))
    assert not [t for t in releases if start < t < end]
    assert start in releases and end in releases
    gaps = [(b - a).total_seconds() / 3600 for a, b in zip(releases, releases[1:], strict=False)]
    assert max(gaps) == 24.5
    assert sorted(gaps)[-2] == pytest.approx(s["longest_other_hours"], abs=1e-3)
    assert s["previous_longest_hours"] <= s["longest_other_hours"] < 24.5
    assert forwards_inside == s["forwards_inside"] > 0
    assert supporter_inside > 0


def test_declines_and_outlets(sample: DemoManifest) -> None:
    summary = sample.truth["outlet_summary"]
    assert summary["active_in_baseline"] == 38
    assert 0.6 <= summary["share_silenced"] <= 0.9
    statuses = {o["status_2015_vs_2017_12"] for o in sample.truth["outlets"] if o["official"]}
    assert {"active", "silenced", "dormant", "new"} <= statuses


def test_registry_loads_and_names_every_registered_channel(sample: DemoManifest) -> None:
    reg = yaml.safe_load(sample.registry.read_text(encoding="utf-8"))
    ids = {a["id"] for o in reg["outlets"] for a in o["accounts"] if a["platform"] == "telegram"}
    for o in reg["outlets"]:
        assert isinstance(o["name"], str) and isinstance(o["official"], bool)
        assert all(isinstance(a.get("id", a.get("name")), str) for a in o["accounts"])
    chans = sample.truth["channels"]
    assert ids == {c["channel_id"] for c in chans if c["registered"]}
    assert len([o for o in reg["outlets"] if o["official"]]) == 40
    successor = [o for o in reg["outlets"] if o["name"] == "Province 05 Media Office"][0]
    assert len([a for a in successor["accounts"] if a["platform"] == "telegram"]) == 2
    assert sample.truth["unregistered_channels"] == ["1300000010"]


def test_renamed_channel_shows_old_and_new_titles(sample: DemoManifest) -> None:
    renamed = {r["channel_id"]: r for r in sample.truth["renamed"]}
    assert len(renamed) == 2
    seen_old_forward = False
    for _, chat, m in _all_messages(sample):
        if not isinstance(m, dict):
            continue
        r = renamed.get(str(chat["id"]))
        if r and m.get("action") == "create_channel":
            assert m["title"] == r["old_name"]
        if r and m.get("action") == "edit_group_title":
            assert m["title"] == r["new_name"] == chat["name"]
        if m.get("forwarded_from") == "Province 12 News":
            seen_old_forward = True
    assert seen_old_forward


def test_manifest_round_trips(sample: DemoManifest) -> None:
    loaded = DemoManifest.load(sample.root)
    assert loaded.truth == sample.truth and loaded.tz == "Europe/Berlin"


def test_benchmark_export_streams_exact_counts(tmp_path: Path) -> None:
    path = tmp_path / "big" / "result.json"
    info = write_benchmark_export(path, messages=3000, seed=3)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert len(doc["messages"]) == info["messages"] == 3000
    assert info["posts"] + info["skipped"] == 3000
    assert path.stat().st_size == info["bytes"]
    ids = [m["id"] for m in doc["messages"]]
    assert ids == sorted(ids) and len(set(ids)) == 3000


def test_host_classes_agree_with_the_importer(sample: DemoManifest) -> None:
    from mutewatch.ingest.links import classify_host

    for h in sample.truth["hosts"]:
        assert classify_host(h["host"]) == h["class"], h


def test_ingest_of_the_demo_reports_the_planted_truth(
    demo: DemoManifest, demo_ingest: tuple[Path, Any]
) -> None:
    """The importer finds exactly what the generator planted (the shared ingested demo)."""
    from mutewatch.store import Store

    store_path, report = demo_ingest
    exp = demo.truth["expected"]
    got = {k: getattr(report, k) for k in ("read", "new", "duplicates", "quarantined", "skipped")}
    assert got == {k: exp[k] for k in got}
    with Store.open(store_path, read_only=True) as store:
        status = store.status()
        keys = (
            "posts",
            "official_posts",
            "supporter_posts",
            "official_releases",
            "forwards",
            "links",
            "outlets",
            "official_outlets",
            "accounts",
            "sources",
            "first",
            "last",
        )
        assert {k: status[k] for k in keys} == {k: exp[k] for k in keys}
        quarantined = {
            (Path(q["file"]).relative_to(demo.root).as_posix(), q["position"])
            for q in store.quarantine()
        }
        assert quarantined == {(m["file"], m["position"]) for m in demo.truth["malformed"]}
        s = demo.truth["silence"]
        inside = store.con.execute(
            "SELECT count(*) FILTER (WHERE official AND forwarded_from IS NULL), "
            "count(*) FILTER (WHERE forwarded_from IS NOT NULL) FROM posts "
            "WHERE ts > ?::TIMESTAMP AND ts < ?::TIMESTAMP",
            [s["start"].rstrip("Z"), s["end"].rstrip("Z")],
        ).fetchone()
        assert inside == (0, s["forwards_inside"])
