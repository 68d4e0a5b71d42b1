"""--retweets-as-forwards: tabular rows whose text begins "RT @handle" stored as forwards.

A tweet file without a retweet column (the Fifth Tribe CSV of ../shared/data) stored its
retweets as original posts: counted as output, invisible to --include-forwards and to the
supporters' amplification. Synthetic rows: made-up handles, placeholder text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.measure.registry import run_measurement
from mutewatch.store import Store

HEADER = "user,when,body,fwd\n"
ROWS = [
    # (account, time, text, mapped forwarded_from) -> forwarded_from expected with the flag
    ("office_one", "2024-03-01T10:00:00", "placeholder release one", "", None),
    ("office_one", "2024-03-02T10:00:00", "placeholder release two", "", None),
    ("fan_alpha", "2024-03-01T11:00:00", "RT @office_one: placeholder one", "", "office_one"),
    ("fan_alpha", "2024-03-02T11:00:00", "  RT @Office_One placeholder", "", "Office_One"),
    ("fan_beta", "2024-03-02T12:00:00", "RT @office_one: RT @fan_alpha: text", "", "office_one"),
    ("fan_beta", "2024-03-03T12:00:00", "RT @mapped_wins: placeholder", "other_name", "other_name"),
    ("fan_beta", "2024-03-03T13:00:00", "rt @office_one: lower case is no retweet", "", None),
    ("fan_beta", "2024-03-03T14:00:00", "RT @a_handle_much_too_long: placeholder", "", None),
    ("fan_beta", "2024-03-03T15:00:00", "placeholder RT @office_one: not at the start", "", None),
    ("fan_beta", "2024-03-03T16:00:00", "RT@office_one: no space", "", None),
]
MAPPING = {"account": "user", "time": "when", "text": "body", "forwarded_from": "fwd"}
REGISTRY = (
    "outlets:\n  - name: Office One\n    official: true\n    accounts:\n"
    "      - {platform: twitter, id: office_one}\n"
)


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "tweets.csv"
    lines = [f'{a},{t},"{x}",{f}\n' for a, t, x, f, _ in ROWS]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "tweets.jsonl"
    rows = [{"user": a, "when": t, "body": x, "fwd": f or None} for a, t, x, f, _ in ROWS]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _ingest(store: Path, path: Path, flag: bool, fmt: str = "auto") -> dict[str, Any]:
    args = ["--store", str(store), "ingest", str(path), "--platform", "twitter", "--json"]
    args += [f"--map={k}={v}" for k, v in MAPPING.items()]
    args += ["--format", fmt] + (["--retweets-as-forwards"] if flag else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    c = report
    assert c["read"] == c["new"] + c["duplicates"] + c["quarantined"] + c["skipped"]
    return report


def _forwarded(store: Path) -> dict[str, str | None]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("SELECT text, forwarded_from FROM posts").fetchall()
    finally:
        con.close()
    return dict(rows)


def test_retweeted_rules() -> None:
    from mutewatch.ingest.tabular import retweeted

    assert retweeted("RT @abc_1: x") == "abc_1"
    assert retweeted("RT @abc") == "abc"
    assert retweeted("\t RT  @AbC x") == "AbC"
    assert retweeted("RT @a RT @b: x") == "a"
    assert retweeted("RT @" + "a" * 15 + ":") == "a" * 15
    assert retweeted("RT @" + "a" * 16 + ":") is None
    for text in ("rt @abc: x", "Rt @abc", "RT@abc", "RT @ abc", "x RT @abc", "RT @-abc", ""):
        assert retweeted(text) is None, text


@pytest.mark.parametrize("writer", [_csv, _jsonl])
def test_stored_forwarded_from(tmp_path: Path, writer: Any) -> None:
    path = writer(tmp_path)
    store = tmp_path / "with.duckdb"
    report = _ingest(store, path, flag=True)
    assert report["new"] == report["read"] == len(ROWS)
    assert _forwarded(store) == {x: want for _, _, x, _, want in ROWS}
    # again with the flag: nothing new, nothing changed
    again = _ingest(store, path, flag=True)
    assert again["new"] == 0 and again["duplicates"] == len(ROWS)
    assert again["files"][0]["status"] == "already ingested"
    assert _forwarded(store) == {x: want for _, _, x, _, want in ROWS}
    # without the flag (the default) only the mapped column makes forwards
    plain = tmp_path / "without.duckdb"
    _ingest(plain, path, flag=False)
    assert _forwarded(plain) == {x: f or None for _, _, x, f, _ in ROWS}


def test_output_drops_and_supporters_amplify(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    counts = {}
    for flag in (False, True):
        store = tmp_path / f"{flag}.duckdb"
        registry = tmp_path / "outlets.yaml"
        registry.write_text(REGISTRY)
        args = ["--store", str(store), "outlets", "load", str(registry)]
        assert CliRunner().invoke(main, args).exit_code == 0
        _ingest(store, path, flag)
        out = run_measurement("output", store, of="all", every="month")
        fwd = run_measurement("output", store, of="all", every="month", include_forwards=True)
        sup = run_measurement("supporters", store, every="month")
        counts[flag] = (
            out["total"],
            fwd["total"],
            sup["total"]["amplification"],
        )
    retweets = sum(1 for *_, f, want in ROWS if want and not f)  # 3
    assert counts[False] == (len(ROWS) - 1, len(ROWS), 0)
    # the 3 retweets leave output and all forward the official account (by its name,
    # case aside: "@Office_One"), so all 3 amplify it
    assert counts[True] == (len(ROWS) - 1 - retweets, len(ROWS), 3)


def test_refused_with_a_format_that_is_not_tabular(tmp_path: Path) -> None:
    export = tmp_path / "result.json"
    export.write_text('{"name": "chan", "type": "public_channel", "id": 1, "messages": []}')
    store = tmp_path / "s.duckdb"
    for args in (
        [str(export), "--retweets-as-forwards"],
        [str(export), "--format", "telegram", "--retweets-as-forwards"],
        [str(tmp_path), "--retweets-as-forwards", "--platform", "twitter"],
    ):
        result = CliRunner().invoke(main, ["--store", str(store), "ingest", *args])
        assert result.exit_code == 2, result.output
        assert "--retweets-as-forwards reads tabular files only" in result.output
    assert not store.exists() or _count_posts(store) == 0


def _count_posts(store: Path) -> int:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM posts").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def test_without_then_with_the_flag_counts_once_and_says_so(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    store = tmp_path / "s.duckdb"
    _ingest(store, path, flag=False)
    args = ["--store", str(store), "ingest", str(path), "--platform", "twitter"]
    args += [f"--map={k}={v}" for k, v in MAPPING.items()] + ["--retweets-as-forwards"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert _count_posts(store) == len(ROWS)  # nothing doubled
    assert _forwarded(store) == {x: f or None for _, _, x, f, _ in ROWS}  # first reading kept
    assert "without --retweets-as-forwards" in result.stderr
    assert "new store" in result.stderr


def test_real_fifth_tribe_retweets(shared_data: Any, tmp_path: Path) -> None:
    options = IngestOptions(
        format="csv",
        mapping={"account": "username", "time": "time", "text": "tweets"},
        time_format="%m/%d/%Y %H:%M",
        platform="twitter",
        retweets_as_forwards=True,
    )
    store = tmp_path / "fifth.duckdb"
    with Store.open(store) as opened:
        report = ingest(opened, [shared_data("fifth_tribe_tweets.csv")], options)
    assert report.read == report.new == 17410
    con = duckdb.connect(str(store), read_only=True)
    try:
        forwards, texts = con.execute(
            "SELECT count(forwarded_from), count_if(starts_with(text, 'RT @')) FROM posts"
        ).fetchone()  # type: ignore[misc]
    finally:
        con.close()
    assert forwards == texts == 5824
