"""Small stores for the session-20 measurement tests: JSON Lines files of placeholder posts
read by the project's own ingest, optionally with a registry of official outlets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.outlets import load_registry
from mutewatch.store import Store

__all__ = ["build_store", "every"]

MAPPING = {"account": "acc", "time": "t", "text": "txt", "message_id": "mid"}


def every(first: datetime, last: datetime, hours: float) -> list[datetime]:
    """Times from ``first`` to ``last`` (inclusive) ``hours`` apart."""
    step = timedelta(hours=hours)
    return [first + step * i for i in range(int((last - first) / step) + 1)]


def build_store(
    folder: Path,
    channels: dict[str, list[datetime]],
    *,
    official: bool = True,
    platform: str = "telegram",
) -> Path:
    """A store of ``channels`` (name -> post times; message ids 1, 2, ... per channel, in
    time order), each channel its own outlet ``Outlet <name>``, official when ``official``."""
    store = folder / "store.duckdb"
    rows = [
        {"acc": name, "t": t.isoformat(), "mid": n, "txt": f"placeholder {name} {n}"}
        for name, times in channels.items()
        for n, t in enumerate(sorted(times), start=1)
    ]
    data = folder / "posts.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    registry = "outlets:\n" + "".join(
        f"  - name: Outlet {name}\n    official: {str(official).lower()}\n"
        f"    accounts: [{{platform: {platform}, name: {name}}}]\n"
        for name in channels
    )
    (folder / "outlets.yaml").write_text(registry)
    with Store.open(store) as opened:
        ingest(opened, [data], IngestOptions(platform=platform, mapping=MAPPING))
        load_registry(opened, folder / "outlets.yaml")
    return store
