"""Small stores built from JSON Lines rows (placeholder text), shared per module."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

FIRST = datetime(2016, 1, 1)


def every(step_hours: float, first_day: float, last_day: float) -> list[datetime]:
    """Times every ``step_hours`` from day ``first_day`` (after FIRST) up to ``last_day``."""
    out, t = [], FIRST + timedelta(days=first_day)
    while t < FIRST + timedelta(days=last_day):
        out.append(t)
        t += timedelta(hours=step_hours)
    return out


def build(
    folder: Path,
    channels: dict[str, tuple[str, Iterable[datetime], bool]],
) -> Path:
    """A store with one JSON Lines file per channel: name -> (platform, times, with_ids)."""
    store = folder / "store.duckdb"
    with Store.open(store) as opened:
        for name, (platform, times, with_ids) in channels.items():
            rows = [
                {"acc": name, "t": t.isoformat(), "txt": f"placeholder {i}", "mid": i + 1}
                for i, t in enumerate(sorted(times))
            ]
            path = folder / f"{name}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows))
            mapping = {"account": "acc", "time": "t", "text": "txt"}
            if with_ids:
                mapping["message_id"] = "mid"
            ingest(opened, [path], IngestOptions(platform=platform, mapping=mapping))
    return store
