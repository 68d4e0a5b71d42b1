"""The report's supporter chart kept only buckets holding a post that is not a forward
(HAVING ... > 0): a week of supporter forwards alone lost its amplification, and a week
without posts its row, where `supporters` gives every period (share null, amplification
counted). On the real Fifth Tribe tweets its table held 51 of the 71 weeks `supporters
--every week` lists. Every bucket from the first to the last now has its row."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.measure.registry import run_measurement
from mutewatch.outlets import load_registry
from mutewatch.show import charts
from mutewatch.show.report import chart_rows
from mutewatch.store import Store

MAPPING = {
    "account": "acc",
    "time": "t",
    "text": "txt",
    "message_id": "mid",
    "forwarded_from": "fwd",
}
REGISTRY = """outlets:
  - name: Outlet Alpha
    official: true
    accounts: [{platform: telegram, name: Alpha}]
"""


def test_a_week_of_forwards_alone_keeps_its_amplification(tmp_path: Path) -> None:
    """Alpha (official) posts every 12 hours in the weeks of 2016-01-04, -11 and -25;
    Fan forwards Alpha's posts 5 times in the week of 2016-01-18 and posts nothing else;
    nobody posts in the week of 2016-02-01; Alpha posts once on 2016-02-08."""
    rows = []
    start = datetime(2016, 1, 4)
    alpha = [start + timedelta(hours=12 * n) for n in range(28)]
    alpha += [datetime(2016, 1, 25) + timedelta(hours=12 * n) for n in range(14)]
    alpha.append(datetime(2016, 2, 8, 9))
    for n, t in enumerate(alpha, start=1):
        rows.append({"acc": "Alpha", "t": t.isoformat(), "mid": n, "txt": f"placeholder {n}"})
    for n in range(1, 6):
        t = datetime(2016, 1, 19, 10) + timedelta(hours=n)
        rows.append(
            {"acc": "Fan", "t": t.isoformat(), "mid": n, "txt": "placeholder", "fwd": "Alpha"}
        )
    data = tmp_path / "posts.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "outlets.yaml").write_text(REGISTRY)
    path = tmp_path / "store.duckdb"
    with Store.open(path) as opened:
        ingest(opened, [data], IngestOptions(platform="telegram", mapping=MAPPING))
        load_registry(opened, tmp_path / "outlets.yaml")
        built = charts.build(opened)
    assert built.bucket == "day" or built.bucket == "week"
    columns, table = chart_rows(built.figures["supporters"], "supporters")
    share, amplification = columns[1], columns[2]
    measured = run_measurement("supporters", path, every=built.bucket)["rows"]
    assert [r["period"] for r in table] == [r["period"] for r in measured]
    by_period = {r["period"]: r for r in table}
    fan_day = "2016-01-18" if built.bucket == "week" else "2016-01-19"
    assert by_period[fan_day][amplification] == 5
    assert by_period[fan_day][share] is None
    assert sum(r[amplification] for r in table) == 5
