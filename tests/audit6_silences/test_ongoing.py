"""A silence running to the end of the archive is listed (``ongoing``), with its p-value.

Before, a gap needed a post after it, so a dormant outlet's decisive silence was missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.measure.registry import run_measurement
from mutewatch.store import Store
from tests.audit6_silences.conftest import build, every

ACTIVE = every(2, 0, 70)  # every 2 hours for 70 days
DORMANT = every(2, 0, 20)  # every 2 hours for 20 days, then nothing


@pytest.fixture(scope="module")
def one_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both channels in one file (as a full-account export): collected to its last post."""
    folder = tmp_path_factory.mktemp("one")
    rows = [
        {"acc": acc, "t": t.isoformat(), "txt": "placeholder", "mid": i + 1}
        for acc, times in (("active", ACTIVE), ("dormant", DORMANT))
        for i, t in enumerate(times)
    ]
    path = folder / "export.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    mapping = {"account": "acc", "time": "t", "text": "txt", "message_id": "mid"}
    with Store.open(folder / "store.duckdb") as opened:
        ingest(opened, [path], IngestOptions(platform="telegram", mapping=mapping))
    return folder / "store.duckdb"


@pytest.fixture(scope="module")
def own_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each channel in its own file: the dormant one's ends at its last post."""
    return build(
        tmp_path_factory.mktemp("own"),
        {"active": ("telegram", ACTIVE, True), "dormant": ("telegram", DORMANT, True)},
    )


def _outlet(store: Path, name: str) -> list[dict[str, object]]:
    found = run_measurement(
        "silences", store, of="all", scope="outlet", with_coordinated=False, ongoing=True
    )
    return [s for s in found["silences"] if s["outlet"] == name]


def test_the_dormant_outlets_silence_is_listed_as_ongoing(one_export: Path) -> None:
    (s,) = _outlet(one_export, "dormant")
    assert s["ongoing"] is True
    assert (s["start"], s["end"]) == (DORMANT[-1].isoformat() + "Z", ACTIVE[-1].isoformat() + "Z")
    assert s["hours"] == pytest.approx(50 * 24)
    assert (s["coverage"], s["unprecedented"], s["rank"]) == ("full", True, 1)
    assert s["previous_longest_hours"] == pytest.approx(2.0)
    assert s["p_value"] is not None and s["p_value"] < 1e-6
    assert _outlet(one_export, "active") == []  # posting to the end: nothing ongoing


def test_network_silences_carry_the_flag(one_export: Path) -> None:
    found = run_measurement("silences", one_export, of="all", min_hours=1, ongoing=True)
    rows = found["silences"]  # 2-hour gaps; the active channel posts to the archive's end
    assert rows and all(s["ongoing"] is False for s in rows)


def test_a_single_chat_export_does_not_cover_its_own_tail(own_exports: Path) -> None:
    (s,) = _outlet(own_exports, "dormant")
    assert s["ongoing"] is True and s["coverage"] == "none"
    assert s["p_value"] is None and s["unprecedented"] is False


def test_without_the_option_nothing_changes(one_export: Path) -> None:
    found = run_measurement("silences", one_export, of="all", scope="outlet")
    assert found["silences"] == [] and found["parameters"]["ongoing"] is False


def test_the_cli_takes_ongoing_and_coordinated_alpha(one_export: Path) -> None:
    from click.testing import CliRunner

    from mutewatch.cli import main

    args = ["--store", str(one_export), "silences", "--of", "all", "--scope", "outlet", "--json"]
    result = CliRunner().invoke(main, [*args, "--ongoing", "--coordinated-alpha", "0.05"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [s["outlet"] for s in found["silences"] if s["ongoing"]] == ["dormant"]
    assert found["parameters"]["coordinated_alpha"] == 0.05
    bad = CliRunner().invoke(main, [*args, "--coordinated-alpha", "2"])
    assert bad.exit_code == 2 and (
        "coordinated-alpha must be a finite number above 0 and at most 1, not 2.0" in bad.output
    )
    assert "for what --coordinated-alpha means" in bad.output
