"""The server keeps the measurement tables of its snapshots current after outside changes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from mutewatch.measure import derived
from mutewatch.store import Store
from mutewatch.web.access import StoreGateway


def _snapshot_fresh(gateway: StoreGateway) -> bool:
    with gateway.reading() as lease:
        return derived.fresh(lease.cursor())


def test_snapshots_get_current_measurement_tables(demo_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    shutil.copyfile(demo_store, path)
    with Store.open(path) as store:  # a change made elsewhere, as by a CLI ingest
        store.con.execute(
            "INSERT INTO posts (platform, account_id, message_id, ts, time_from_local, kind, "
            "text, source_id, outlet_id, official) SELECT platform, account_id, "
            "max(message_id) + 1, max(ts), FALSE, 'text', 'placeholder', min(source_id), "
            "min(outlet_id), bool_or(official) FROM posts GROUP BY ALL LIMIT 1"
        )
        assert not derived.fresh(store.con)
    gateway = StoreGateway(path, cache_dir=tmp_path / "cache", refresh_interval=0.1)
    gateway.start()
    try:
        assert gateway.wait_ready(30)
        deadline = time.monotonic() + 60
        while not _snapshot_fresh(gateway):
            assert time.monotonic() < deadline, gateway.last_refresh_error
            time.sleep(0.2)
        sessions = gateway.stats["write_sessions"]
        time.sleep(1.0)  # once current, the server does not keep asking for the writer
        assert gateway.stats["write_sessions"] == sessions
    finally:
        gateway.stop()
    with Store.open(path, read_only=True) as store:
        assert derived.fresh(store.con)
