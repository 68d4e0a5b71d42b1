"""A Telegram Desktop message whose ``forwarded_from`` is ``null`` is a forward.

Telegram Desktop writes ``"forwarded_from": null`` when the origin's name is unknown (hidden
by its sender, a deleted channel; tdesktop's ``wrapPeerName``). The key still says the
message was forwarded, so it is distribution, not the channel's own release. Before the fix
the reader decoded ``null`` like a missing key and stored such forwards as official
releases (the synthetic chats below: 3 releases instead of 2, 2 forwards instead of 4).
Synthetic chats: made-up names, placeholder text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.outlets import load_registry
from mutewatch.store import Store

OFFICIAL_ID, SUPPORTER_ID = 2100000001, 2100000002


def _message(ident: int, unix: int, sender: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "message",
        "date": "2024-03-01T10:00:00",
        "date_unixtime": str(unix),
        "from": sender,
        "from_id": "channel0",
        "text": f"placeholder {ident}",
        "text_entities": [{"type": "plain", "text": f"placeholder {ident}"}],
        **extra,
    }


def _chats() -> dict[str, dict[str, Any]]:
    a, b = "Sample Outlet One", "Sample Fan Page"
    t = 1709287200  # 2024-03-01T10:00:00Z
    official = [
        _message(1, t, a),  # own release
        _message(2, t + 3600, a, forwarded_from=None),  # forward, origin not named
        _message(3, t + 7200, a, forwarded_from=b),  # forward, named
        _message(4, t + 10800, a),  # own release
    ]
    supporter = [
        _message(1, t + 600, b, forwarded_from=a),  # amplifies the official outlet
        _message(2, t + 1200, b, forwarded_from=None),  # forward, origin not named
        _message(3, t + 1800, b),  # own post
    ]
    return {
        "one": {"name": a, "type": "public_channel", "id": OFFICIAL_ID, "messages": official},
        "fan": {"name": b, "type": "public_channel", "id": SUPPORTER_ID, "messages": supporter},
    }


def _write(root: Path, minified: bool) -> list[Path]:
    paths = []
    for folder, chat in _chats().items():
        path = root / folder / "result.json"
        path.parent.mkdir(parents=True)
        # Telegram Desktop's own layout (one-space indent: the fast reader) or minified
        # (the streaming reader)
        text = json.dumps(chat, separators=(",", ":")) if minified else json.dumps(chat, indent=1)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    registry = root / "outlets.yaml"
    registry.write_text(
        "outlets:\n"
        '  - {name: "Outlet One", official: true, accounts: '
        f'[{{platform: telegram, id: "{OFFICIAL_ID}"}}]}}\n'
        '  - {name: "Fan Page", official: false, accounts: '
        f'[{{platform: telegram, id: "{SUPPORTER_ID}"}}]}}\n',
        encoding="utf-8",
    )
    return paths


@pytest.mark.parametrize("minified", [False, True], ids=["fast", "streaming"])
def test_null_forwarded_from_is_a_forward(tmp_path: Path, minified: bool) -> None:
    paths = _write(tmp_path, minified)
    with Store.open(tmp_path / "s.duckdb") as store:
        load_registry(store, tmp_path / "outlets.yaml")
        report = ingest(store, paths, IngestOptions(tz="UTC"))
        assert (report.read, report.new, report.quarantined, report.skipped) == (7, 7, 0, 0)
        status = store.status()
        assert status["official_posts"] == 4
        assert status["official_releases"] == 2  # ids 1 and 4; old code: 3
        assert status["forwards"] == 4  # old code: 2
        rows = store.rows(
            "SELECT account_id, message_id, forwarded_from, forwarded_account_id FROM posts "
            "WHERE forwarded_from IS NOT NULL ORDER BY account_id, message_id"
        )
        assert [(r["account_id"], r["message_id"], r["forwarded_from"]) for r in rows] == [
            (str(OFFICIAL_ID), 2, ""),
            (str(OFFICIAL_ID), 3, "Sample Fan Page"),
            (str(SUPPORTER_ID), 1, "Sample Outlet One"),
            (str(SUPPORTER_ID), 2, ""),
        ]
        # an unnamed origin resolves to no account, so it amplifies no outlet
        unnamed = [r["forwarded_account_id"] for r in rows if r["forwarded_from"] == ""]
        assert unnamed == [None, None]


def test_null_forward_left_out_of_measured_output(tmp_path: Path) -> None:
    """The measurements count it as a forward: output, supporters' share and amplification."""
    from mutewatch.measure.registry import run_measurement

    paths = _write(tmp_path, minified=False)
    with Store.open(tmp_path / "s.duckdb") as store:
        load_registry(store, tmp_path / "outlets.yaml")
        ingest(store, paths, IngestOptions(tz="UTC"))
    store_path = tmp_path / "s.duckdb"
    total = run_measurement("supporters", store_path, every="month")["total"]
    # old code: 3 releases, 2 supporter posts
    assert (total["official_releases"], total["supporter"], total["amplification"]) == (2, 1, 1)
    assert run_measurement("output", store_path, every="month")["total"] == 2
