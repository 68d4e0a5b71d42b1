"""The server and other processes: current measurement tables, and the store handed over."""

from __future__ import annotations

import shutil
import subprocess
import sys
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


WAITER = """
import sys, time, duckdb
from pathlib import Path
from mutewatch.store import clear_waiting, note_waiting
path, start = Path(sys.argv[1]), time.monotonic()
while True:
    try:
        duckdb.connect(str(path), read_only=True).close()
        break
    except duckdb.IOException:
        note_waiting(path)
        time.sleep(0.1)
clear_waiting(path)
print(round(time.monotonic() - start, 2))
"""


def test_the_server_lets_go_when_another_process_waits(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    Store.open(path).close()
    gateway = StoreGateway(path, cache_dir=tmp_path / "cache", linger=30.0, max_hold=60.0)
    gateway.start()
    try:
        gateway.write(lambda store: store.con.execute("CREATE TABLE held (x INTEGER)"))
        # the writer now lingers with the store open for up to 30 s, for more writes
        waited = subprocess.run(
            [sys.executable, "-c", WAITER, str(path)],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        assert float(waited.stdout) < 20, waited.stdout  # not the 30 s it lingers
        assert not Path(f"{path}.waiting").exists()
    finally:
        gateway.stop()
