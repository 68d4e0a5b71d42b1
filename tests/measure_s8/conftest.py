"""Small stores for the session-8 measurement tests: JSON Lines files of placeholder posts,
each file holding one or more channels, ingested in order into a real DuckDB store."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

__all__ = ["build", "every"]

MAPPING = {"account": "acc", "time": "t", "text": "txt", "message_id": "mid"}


def every(first: datetime, last: datetime, hours: float) -> list[datetime]:
    """Times from ``first`` to ``last`` (inclusive) ``hours`` apart."""
    step = timedelta(hours=hours)
    return [first + step * i for i in range(int((last - first) / step) + 1)]


def build(folder: Path, files: list[dict[str, list[Any]]], platform: str = "telegram") -> Path:
    """A store of ``files``: each maps channel names to their post times (ids 1, 2, ...
    per channel, counted across files), or to ``(time, id)`` pairs."""
    store = folder / "store.duckdb"
    next_id: dict[str, int] = {}
    with Store.open(store) as opened:
        for n, channels in enumerate(files):
            rows = []
            for channel, times in channels.items():
                for t in sorted(times):
                    if isinstance(t, tuple):
                        t, next_id[channel] = t
                    else:
                        next_id[channel] = next_id.get(channel, 0) + 1
                    rows.append(
                        {"acc": channel, "t": t.isoformat(), "mid": next_id[channel],
                         "txt": f"placeholder {channel} {next_id[channel]}"}
                    )  # fmt: skip
            path = folder / f"{n:02d}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows))
            ingest(opened, [path], IngestOptions(platform=platform, mapping=MAPPING))
    return store
