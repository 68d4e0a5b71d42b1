"""A small factory that writes stores row by row, with planted truth, for measuring tests.

Text is a neutral placeholder; no importer is involved, so the tests state exactly what the
store holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

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
            self.con.executemany(
                "INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
        if link_rows:
            self.con.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)", link_rows)
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
