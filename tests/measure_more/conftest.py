"""A store with planted truth for trend, supporters, platforms and findings.

Rows go straight into the schema tables (no importer), so each planted number is known:

* 10 official outlets (one Telegram channel each), 3 releases a day each from 2015-01-01.
  From 2016-03-01 (the planted change point) 8 of them fall to 0.05 a day (silenced), the
  other 2 keep 3 a day: the network rate drops from about 30 to about 6.4 a day.
* A network silence: no official release from 2015-11-08 09:00 to 2015-11-09 21:00 UTC
  (36 hours); supporters keep posting and forwarding during it.
* 20 supporter channels (unregistered, official FALSE): original posts rise linearly from
  4 a day (network) in January 2015 to 40 a day in June 2016; besides, 10 forwards a day of
  official releases (forwarded_account_id set) until the change point, 3 a day after; in
  May 2016 also 40 forwards naming an official channel only by its name, and 40 forwarding
  an unrelated channel (not amplification).
* Links in official releases: hosts ``files-1..4.example`` (file_host) until 2015-09-30
  only, ``paste.example`` (paste), ``video-1..2.example`` (video) throughout, ``t.me``
  (telegram) throughout, plus ``social-1..3.example`` (social) until 2015-12-31.
* Data from 2015-01-01 to 2016-06-30: default baseline 2015, default period June 2016.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mutewatch.store import Store

START = datetime(2015, 1, 1)
END = datetime(2016, 7, 1)  # exclusive
CHANGE = datetime(2016, 3, 1)
SILENCE = (datetime(2015, 11, 8, 9, 0), datetime(2015, 11, 9, 21, 0))
FILE_HOSTS_UNTIL = datetime(2015, 10, 1)
SOCIAL_UNTIL = datetime(2016, 1, 1)
NAME_ONLY = 40


@dataclass(frozen=True)
class Planted:
    """The store file and the truth planted in it."""

    path: Path
    official_outlets: int = 10
    silenced_outlets: int = 8
    change_day: str = "2016-03-01"
    silence_start: str = "2015-11-08T09:00:00Z"
    silence_hours: float = 36.0


def _poisson_times(
    rng: np.random.Generator, lo: datetime, hi: datetime, per_day: float
) -> list[datetime]:
    seconds = (hi - lo).total_seconds()
    n = int(rng.poisson(per_day * seconds / 86400.0))
    offsets = np.sort(rng.uniform(0, seconds, size=n))
    return [lo + timedelta(seconds=float(s)) for s in offsets]


def _ramp_times(
    rng: np.random.Generator, lo: datetime, hi: datetime, a: float, b: float
) -> list[datetime]:
    """Inhomogeneous Poisson with a rate going linearly from a to b a day (thinning)."""
    cand = _poisson_times(rng, lo, hi, max(a, b))
    span = (hi - lo).total_seconds()
    keep = []
    for t in cand:
        rate = a + (b - a) * (t - lo).total_seconds() / span
        if rng.uniform() < rate / max(a, b):
            keep.append(t)
    return keep


def _in_silence(t: datetime) -> bool:
    return SILENCE[0] < t < SILENCE[1]


def build_planted(path: Path, seed: int = 11) -> None:
    """Write the planted store at ``path`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    outlets: list[tuple[object, ...]] = []
    accounts: list[tuple[object, ...]] = []
    posts: list[tuple[object, ...]] = []
    for i in range(10):
        outlets.append((i + 1, f"Office {i + 1:02d}", True, "region", True))
        accounts.append(("telegram", f"off{i + 1}", f"Office channel {i + 1}", "channel", i + 1))
    for j in range(20):
        outlets.append((101 + j, f"supporter{j + 1}", False, None, False))
        accounts.append(("telegram", f"sup{j + 1}", f"supporter{j + 1}", "channel", 101 + j))

    official_times: list[tuple[str, datetime]] = []
    for i in range(10):
        acc = f"off{i + 1}"
        times = _poisson_times(rng, START, CHANGE, 3.0)
        times += _poisson_times(rng, CHANGE, END, 0.05 if i < 8 else 3.0)
        times = [t for t in times if not _in_silence(t)]
        official_times += [(acc, t) for t in times]
    # a release exactly at each end of the silence, from the two surviving outlets
    official_times += [("off9", SILENCE[0]), ("off10", SILENCE[1])]

    host_pool = [("t.me", "telegram"), ("paste.example", "paste")]
    host_pool += [(f"video-{k}.example", "video") for k in (1, 2)]
    for acc, t in official_times:
        pool = list(host_pool)
        if t < FILE_HOSTS_UNTIL:
            pool += [(f"files-{k}.example", "file_host") for k in (1, 2, 3, 4)]
        if t < SOCIAL_UNTIL:
            pool += [(f"social-{k}.example", "social") for k in (1, 2, 3)]
        host, cls = pool[int(rng.integers(len(pool)))]
        posts.append((acc, t, None, None, host, cls))

    for t in _ramp_times(rng, START, END, 4.0, 40.0):
        posts.append((f"sup{int(rng.integers(20)) + 1}", t, None, None, None, None))
    for lo, hi, rate in ((START, CHANGE, 10.0), (CHANGE, END, 3.0)):
        for t in _poisson_times(rng, lo, hi, rate):
            src = f"off{int(rng.integers(10)) + 1}"
            sup = f"sup{int(rng.integers(20)) + 1}"
            posts.append((sup, t, f"Office channel {src[3:]}", src, None, None))
    for k in range(NAME_ONLY):  # forwards known by name only, in May 2016
        t = datetime(2016, 5, 2) + timedelta(hours=17 * k)
        posts.append((f"sup{k % 20 + 1}", t, "Office channel 3", None, None, None))
        posts.append((f"sup{k % 20 + 1}", t, "Unrelated channel", None, None, None))
    for k in range(6):  # supporters busy during the silence
        t = SILENCE[0] + timedelta(hours=3 + 5 * k)
        posts.append((f"sup{k + 1}", t, "Office channel 1", "off1", None, None))
        posts.append((f"sup{k + 2}", t + timedelta(minutes=7), None, None, None, None))

    _write(path, outlets, accounts, posts)


Rows = list[tuple[object, ...]]


def _write(path: Path, outlets: Rows, accounts: Rows, posts: Rows) -> None:
    outlet_official = {o[0]: o[2] for o in outlets}
    account_outlet = {a[1]: a[4] for a in accounts}
    columns = ["account_id", "ts", "forwarded_from", "forwarded_account_id", "host", "host_class"]
    df = pd.DataFrame(posts, columns=columns)
    df = df.sort_values(["account_id", "ts"], kind="stable").reset_index(drop=True)
    df["message_id"] = df.groupby("account_id").cumcount() + 1
    df["platform"] = "telegram"
    df["ts"] = pd.to_datetime(df["ts"]).dt.floor("s")
    df["kind"] = "text"
    df["text"] = "placeholder"
    df["outlet_id"] = df["account_id"].map(account_outlet).astype("int32")
    df["official"] = df["outlet_id"].map(outlet_official).astype(bool)
    ldf = df[df["host"].notna()].copy()
    ldf["url"] = "https://" + ldf["host"] + "/item"
    with Store.open(path) as store:
        con = store.con
        con.execute(
            "INSERT INTO sources VALUES (1, 'planted.json', 'telegram_json', 'x', 0, 'done', 0, 0,"
            " 0, 0, 0, 0, ?, ?, now(), now())",
            [START, END - timedelta(seconds=1)],
        )
        con.executemany("INSERT INTO outlets VALUES (?, ?, ?, ?, ?)", outlets)
        con.executemany("INSERT INTO accounts VALUES (?, ?, ?, ?, NULL, NULL, ?)", accounts)
        con.executemany(
            "INSERT INTO account_names VALUES (?, ?, ?, NULL, NULL)",
            [(a[0], a[1], a[2]) for a in accounts],
        )
        con.executemany(
            "INSERT INTO outlet_accounts VALUES (?, ?, ?, ?)",
            [(a[4], a[0], a[1], a[2]) for a in accounts if a[1].startswith("off")],
        )
        con.register("df_posts", df)
        con.execute(
            "INSERT INTO posts SELECT platform, account_id, message_id, ts, NULL, FALSE, kind,"
            " text,"
            " forwarded_from, forwarded_account_id, NULL, NULL, NULL, 1, outlet_id, official"
            " FROM df_posts"
        )
        con.register("df_links", ldf)
        con.execute(
            "INSERT INTO links SELECT platform, account_id, message_id, url, host, host_class, ts"
            " FROM df_links"
        )
        con.execute(
            "INSERT INTO coverage SELECT 1, platform, account_id, min(ts), max(ts),"
            " min(message_id), max(message_id), count(*) FROM posts GROUP BY ALL"
        )


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    """The planted store (built once per test session)."""
    path = tmp_path_factory.mktemp("planted") / "planted.duckdb"
    build_planted(path)
    return Planted(path)
