"""A forward's origin name shared by accounts of different outlets is not silently resolved.

Telegram Desktop exports give a forward's origin as a name only. When two channels of
different outlets had that name, the forward was resolved to the lower account id, so it
counted (or not) as amplification of an official outlet by the order of two ids. Now it is
resolved to no account, is not counted as amplification, and the ingest (and ``outlets
load``) warns naming the file, the record and the candidate accounts. Accounts of one
outlet sharing a name (a renamed or successor channel) still resolve: the outlet is
certain. Synthetic exports: made-up names, placeholder text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.measure.registry import run_measurement
from mutewatch.outlets import ambiguous_forwards, load_registry
from mutewatch.store import Store

T = 1709287200  # 2024-03-01T10:00:00Z
OFFICIAL, OTHER, RELAY = 2400000001, 2400000002, 2400000003
SHARED = "Sample News"


def _message(ident: int, sender: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "message",
        "date": "2024-03-01T10:00:00",
        "date_unixtime": str(T + 60 * ident),
        "from": sender,
        "text": f"placeholder {ident}",
        "text_entities": [],
        **extra,
    }


def _export(root: Path) -> Path:
    chats = [
        {
            "name": SHARED,
            "type": "public_channel",
            "id": OFFICIAL,
            "messages": [_message(1, SHARED)],
        },
        {"name": SHARED, "type": "public_channel", "id": OTHER, "messages": [_message(2, SHARED)]},
        {
            "name": "Sample Relay",
            "type": "public_channel",
            "id": RELAY,
            "messages": [_message(7, "Sample Relay", forwarded_from=SHARED)],
        },
    ]
    path = root / "DataExport" / "result.json"
    path.parent.mkdir(parents=True)
    export = {"about": "placeholder", "chats": {"about": "placeholder", "list": chats}}
    path.write_text(json.dumps(export, indent=1), encoding="utf-8")
    return path


def _registry(root: Path, one_outlet: bool) -> Path:
    path = root / "outlets.yaml"
    accounts = f'[{{platform: telegram, id: "{OFFICIAL}"}}'
    if one_outlet:
        accounts += f', {{platform: telegram, id: "{OTHER}"}}'
    text = f'outlets:\n  - {{name: "Outlet A", official: true, accounts: {accounts}]}}\n'
    if not one_outlet:
        text += (
            '  - {name: "Outlet B", official: false, accounts: '
            f'[{{platform: telegram, id: "{OTHER}"}}]}}\n'
        )
    path.write_text(text, encoding="utf-8")
    return path


def _resolved(store: Store) -> list[Any]:
    rows = store.rows("SELECT forwarded_account_id FROM posts WHERE forwarded_from IS NOT NULL")
    return [r["forwarded_account_id"] for r in rows]


def test_a_name_two_outlets_share_leaves_the_forward_unattributed(tmp_path: Path) -> None:
    export = _export(tmp_path)
    with Store.open(tmp_path / "s.duckdb") as store:
        load_registry(store, _registry(tmp_path, one_outlet=False))
        report = ingest(store, [export], IngestOptions(tz="UTC"))
        assert _resolved(store) == [None]  # old code: the lower id, str(OFFICIAL)
        assert report.warnings == ambiguous_forwards(store)
    [warning] = report.warnings
    assert str(export) in warning
    assert f"{RELAY} #7" in warning
    assert f"telegram:{OFFICIAL}, telegram:{OTHER}" in warning
    assert report.as_dict()["warnings"] == [warning]
    total = run_measurement("supporters", tmp_path / "s.duckdb", every="month")["total"]
    assert total["amplification"] == 0  # old code: 1 (the official account's id was lower)


def test_accounts_of_one_outlet_resolve_the_forward(tmp_path: Path) -> None:
    export = _export(tmp_path)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [export], IngestOptions(tz="UTC"))
        # no registry: two own outlets share the name
        assert _resolved(store) == [None]
        assert len(report.warnings) == 1
        load_registry(store, _registry(tmp_path, one_outlet=True))
        assert _resolved(store) == [str(OFFICIAL)]
        assert ambiguous_forwards(store) == []
    total = run_measurement("supporters", tmp_path / "s.duckdb", every="month")["total"]
    assert total["amplification"] == 1
