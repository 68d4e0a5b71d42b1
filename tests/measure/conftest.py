"""A small factory that writes stores row by row, with planted truth, for measuring tests.

Text is a neutral placeholder; no importer is involved, so the tests state exactly what the
store holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from mutewatch.store import Store


class StoreFactory:
    """Build a store: outlets, channels, posts, coverage windows and id gaps."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = Store.open(path)
        self.con = self.store.con
        self._outlet = 0
        self._source = 0
        self._msg: dict[tuple[str, str], int] = {}

    def outlet(self, name: str, official: bool = True, registered: bool = True) -> int:
        self._outlet += 1
        self.con.execute(
            "INSERT INTO outlets VALUES (?, ?, ?, ?, ?)",
            [self._outlet, name, official, "region", registered],
        )
        return self._outlet

    def channel(
        self, account_id: str, outlet_id: int, name: str | None = None, platform: str = "telegram"
    ) -> tuple[str, str]:
        official = self.con.execute(
            "SELECT official FROM outlets WHERE outlet_id = ?", [outlet_id]
        ).fetchone()[0]  # type: ignore[index]
        self.con.execute(
            "INSERT INTO accounts VALUES (?, ?, ?, 'channel', NULL, NULL, ?)",
            [platform, account_id, name or account_id, outlet_id],
        )
        self.con.execute(
            "INSERT INTO account_names VALUES (?, ?, ?, NULL, NULL)",
            [platform, account_id, name or account_id],
        )
        self._official = getattr(self, "_official", {})
        self._official[(platform, account_id)] = (outlet_id, official)
        return (platform, account_id)

    def source(self, first: datetime | None = None, last: datetime | None = None) -> int:
        self._source += 1
        self.con.execute(
            "INSERT INTO sources (source_id, path, format, sha256, size_bytes, status, "
            "first_time, last_time, started_at) VALUES (?, ?, 'test', ?, 0, 'done', ?, ?, ?)",
            [self._source, f"src{self._source}", f"sha{self._source}", first, last, datetime.now()],
        )
        return self._source

    def posts(
        self,
        channel: tuple[str, str],
        times: Iterable[datetime],
        *,
        kind: str = "text",
        forwarded_from: str | None = None,
        source_id: int = 1,
        links: Iterable[str] = (),
    ) -> list[int]:
        platform, account_id = channel
        outlet_id, official = self._official[channel]
        rows = []
        link_rows = []
        ids = []
        for ts in times:
            mid = self._msg.get(channel, 0) + 1
            self._msg[channel] = mid
            ids.append(mid)
            rows.append(
                (
                    platform,
                    account_id,
                    mid,
                    ts,
                    None,
                    False,
                    kind,
                    "placeholder text",
                    forwarded_from,
                    None,
                    None,
                    None,
                    None,
                    source_id,
                    outlet_id,
                    official,
                )
            )
            for url in links:
                host = url.split("/")[2]
                link_rows.append((platform, account_id, mid, url, host, "other", ts))
        if rows:
            cols = [
                "platform",
                "account_id",
                "message_id",
                "ts",
                "edited",
                "time_from_local",
                "kind",
                "text",
                "forwarded_from",
                "forwarded_account_id",
                "reply_to",
                "author",
                "media",
                "source_id",
                "outlet_id",
                "official",
            ]
            frame = pd.DataFrame(rows, columns=cols)
            frame["ts"] = frame["ts"].astype("datetime64[us]")
            self.con.register("new_posts", frame)
            self.con.execute("INSERT INTO posts BY NAME SELECT * FROM new_posts")
            self.con.unregister("new_posts")
        if link_rows:
            cols = ["platform", "account_id", "message_id", "url", "host", "host_class", "ts"]
            frame = pd.DataFrame(link_rows, columns=cols)
            frame["ts"] = frame["ts"].astype("datetime64[us]")
            self.con.register("new_links", frame)
            self.con.execute("INSERT INTO links BY NAME SELECT * FROM new_links")
            self.con.unregister("new_links")
        return ids

    def skip_ids(self, channel: tuple[str, str], n: int) -> None:
        """Leave a hole of n message ids (deleted/uncollected) before the next post."""
        self._msg[channel] = self._msg.get(channel, 0) + n

    def coverage(
        self, source_id: int, channel: tuple[str, str], first: datetime, last: datetime
    ) -> None:
        self.con.execute(
            "INSERT INTO coverage VALUES (?, ?, ?, ?, ?, NULL, NULL, 0)",
            [source_id, channel[0], channel[1], first, last],
        )

    def id_gap(
        self, channel: tuple[str, str], after_ts: datetime, before_ts: datetime, missing: int = 5
    ) -> None:
        self.con.execute(
            "INSERT INTO id_gaps VALUES (?, ?, 0, 0, ?, ?, ?)",
            [channel[0], channel[1], missing, after_ts, before_ts],
        )

    def close(self) -> Path:
        self.store.close()
        return self.path


def every(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    """Times from start (inclusive) to end (exclusive) every step."""
    out = []
    t = start
    while t < end:
        out.append(t)
        t += step
    return out


@pytest.fixture
def factory(tmp_path: Path) -> StoreFactory:
    return StoreFactory(tmp_path / "t.duckdb")


# --- the planted scenario shared by the measuring and parity tests ---------------------------

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
START = datetime(2017, 3, 1)
END = datetime(2017, 12, 1)  # exclusive
SILENCE = (datetime(2017, 11, 8, 9, 0), datetime(2017, 11, 9, 9, 30))  # 24.5 h, network
SHORT = (datetime(2017, 7, 10, 10, 0), datetime(2017, 7, 10, 18, 12))  # 8.2 h, network
F_HOLE = (datetime(2017, 6, 30, 12, 0), datetime(2017, 8, 1, 0, 0))  # F not collected
B_IDGAP = (datetime(2017, 9, 20, 0, 0), datetime(2017, 9, 21, 12, 0))  # B: ids missing


def _quiet(times: list[datetime], *windows: tuple[datetime, datetime]) -> list[datetime]:
    """Drop times strictly inside any window (its ends stay)."""
    return [t for t in times if not any(a < t < b for a, b in windows)]


def build_scenario(path: Path) -> dict[str, object]:
    """Write the planted store; return the truth (counted official posts by outlet, ...).

    Official outlets A (steady, every 2 h, renamed channel), B (every 3 h, a 36 h gap with
    missing ids), C (new: starts 2017-06-01), D (dormant: stops 2017-05-15), E (silenced:
    10/day until 2017-08-31, then one post every 2 days), F (two exports with an uncollected
    month between them); S: an unregistered supporter account posting every 5 h throughout,
    including during the network silence, and B forwarding A's posts during it.
    """
    f = StoreFactory(path)
    ids = {name: f.outlet(name) for name in "ABCDEF"}
    ids["S"] = f.outlet("S", official=False, registered=False)
    main = f.source(START, END)
    f_first = f.source(START, F_HOLE[0])
    f_second = f.source(F_HOLE[1], END)
    ch = {name: f.channel(f"10{i}", ids[name]) for i, name in enumerate("ABCDEFS")}
    f.con.execute("INSERT INTO account_names VALUES ('telegram', '100', 'A old name', NULL, NULL)")
    net = (SILENCE, SHORT)
    plan: dict[str, list[datetime]] = {
        "A": _quiet(every(START, END, 2 * HOUR), *net) + [SILENCE[0], SILENCE[1]],
        "B": _quiet(every(START, END, 3 * HOUR), *net, B_IDGAP) + [B_IDGAP[0], B_IDGAP[1]],
        "C": _quiet(every(datetime(2017, 6, 1), END, 4 * HOUR), *net),
        "D": _quiet(every(START, datetime(2017, 5, 15), 6 * HOUR), *net),
        "E": _quiet(
            every(START, datetime(2017, 9, 1), 2.4 * HOUR)
            + every(datetime(2017, 9, 1, 1), END, 2 * DAY),
            *net,
        ),
        "F": _quiet(every(START, END, 3 * HOUR), *net, F_HOLE) + [F_HOLE[0], F_HOLE[1]],
    }
    plan["A"].append(SHORT[0])
    plan["B"].append(SHORT[1])
    plan = {k: sorted(set(v)) for k, v in plan.items()}
    # the 8.2 h gap must run exactly from SHORT[0] to SHORT[1]: nothing else inside
    for name, times in plan.items():
        source = main
        if name == "F":
            f.posts(ch[name], [t for t in times if t <= F_HOLE[0]], source_id=f_first)
            f.posts(ch[name], [t for t in times if t >= F_HOLE[1]], source_id=f_second)
            continue
        if name == "B":
            before = [t for t in times if t <= B_IDGAP[0]]
            f.posts(ch[name], before, source_id=source, kind="photo")
            f.skip_ids(ch[name], 7)
            f.posts(ch[name], [t for t in times if t > B_IDGAP[0]], source_id=source, kind="photo")
            continue
        links = ("https://files.example.org/x",) if name == "C" else ()
        f.posts(ch[name], times, source_id=source, links=links)
    supporter = every(START + HOUR, END, 5 * HOUR)
    f.posts(ch["S"], supporter, source_id=main, links=("https://t.me/placeholder",))
    forwards = every(SILENCE[0] + HOUR, SILENCE[1], 3 * HOUR)
    f.posts(ch["B"], forwards, source_id=main, forwarded_from="A")
    for name in "ABCDES":
        f.coverage(main, ch[name], min(plan.get(name, supporter)), max(plan.get(name, supporter)))
    f.coverage(f_first, ch["F"], START, F_HOLE[0])
    f.coverage(f_second, ch["F"], F_HOLE[1], max(plan["F"]))
    f.id_gap(ch["B"], B_IDGAP[0], B_IDGAP[1], missing=7)
    f.close()
    return {"plan": plan, "supporter": supporter, "forwards": forwards, "ids": ids}


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    path = tmp_path_factory.mktemp("scenario") / "scenario.duckdb"
    truth = build_scenario(path)
    return path, truth
