"""Small stores built from JSON Lines rows (placeholder text), shared per module."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store
from tests.audit6_silences.conftest import FIRST, every

__all__ = ["FIRST", "Part", "build", "every"]


@dataclass
class Part:
    """One JSON Lines file of one channel: its times, and its first message id (None: the
    file has no id column, so ingest derives ids from content)."""

    channel: str
    platform: str
    times: list[datetime]
    first_id: int | None = 1
    tag: str = field(default="")
    step: int = 1  # ids count up by this much per row


def build(folder: Path, parts: list[Part]) -> Path:
    """A store holding every part, ingested in order."""
    store = folder / "store.duckdb"
    with Store.open(store) as opened:
        for n, part in enumerate(parts):
            rows = [
                {"acc": part.channel, "t": t.isoformat(), "txt": f"placeholder {part.tag}{i}"}
                | ({"mid": part.first_id + i * part.step} if part.first_id is not None else {})
                for i, t in enumerate(sorted(part.times))
            ]
            path = folder / f"{n:02d}-{part.channel}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows))
            mapping = {"account": "acc", "time": "t", "text": "txt"}
            if part.first_id is not None:
                mapping["message_id"] = "mid"
            ingest(opened, [path], IngestOptions(platform=part.platform, mapping=mapping))
    return store
