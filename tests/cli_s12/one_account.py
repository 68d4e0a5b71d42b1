"""A store of one account (so one outlet) posting once a day on the days given, ingested
from JSON lines: the smallest store the outlet-count wording tests read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store


def one_account_store(folder: Path, days: Iterable[str]) -> Path:
    """``folder/store.duckdb`` holding account ``a``'s posts at 10:00 UTC on each of ``days``
    (``YYYY-MM-DD``)."""
    rows = [{"acc": "a", "t": f"{day}T10:00:00", "txt": "placeholder"} for day in days]
    (folder / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    with Store.open(folder / "store.duckdb") as opened:
        mapping = {"account": "acc", "time": "t", "text": "txt"}
        ingest(opened, [folder / "rows.jsonl"], IngestOptions(platform="web", mapping=mapping))
    return folder / "store.duckdb"
