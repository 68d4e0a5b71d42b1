"""A store without official outlets says so under the default --of official, instead of
answering zeros that read as an ecosystem gone quiet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.measure.registry import run_measurement
from mutewatch.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("noreg")
    path = folder / "rows.jsonl"
    rows = [{"acc": "a", "t": f"2016-01-{d:02d}T10:00:00", "txt": "placeholder"} for d in (1, 3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with Store.open(folder / "store.duckdb") as opened:
        mapping = {"account": "acc", "time": "t", "text": "txt"}
        ingest(opened, [path], IngestOptions(platform="web", mapping=mapping))
    return folder / "store.duckdb"


@pytest.mark.parametrize("name", ["output", "silences", "trend", "platforms", "findings"])
def test_official_without_official_outlets_warns(store: Path, name: str) -> None:
    options = {"baseline": "2016-01-01..2016-01-01", "period": "2016-01-03..2016-01-03"}
    result = run_measurement(name, store, **(options if name == "findings" else {}))
    assert any("no official outlet" in w for w in result["warnings"])


def test_outlet_status_warns_too(store: Path) -> None:
    result = run_measurement(
        "outlets_status", store, baseline="2016-01-01..2016-01-01", period="2016-01-03..2016-01-03"
    )
    assert result["outlets"] == [] and "no official outlet" in result["warnings"][0]


def test_counting_all_does_not_warn(store: Path) -> None:
    result = run_measurement("output", store, of="all")
    assert "warnings" not in result and result["total"] == 2
