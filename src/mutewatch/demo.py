"""A seeded synthetic ecosystem written as real Telegram Desktop JSON exports.

``generate(out_dir)`` writes, deterministically for a given ``seed`` and ``scale``:

- ``out_dir/exports/<channel>/result.json``: one single-chat export per channel;
- ``out_dir/exports/DataExport_<date>/result.json``: one full-account export whose
  ``chats.list`` and ``left_chats.list`` hold a few more chats (one of them overlaps a
  single-chat export, so a full ingest sees duplicates);
- ``out_dir/outlets.yaml``: the outlet registry;
- ``out_dir/manifest.json``: the planted truth (outlets and their declines, the network-wide
  silence, renamed and successor channels, deleted-id blocks, malformed records and the
  exact totals an ingest of ``exports/`` must report).

The ecosystem: 38 official "Province NN Media Office" outlets active from 2015 (plus two
that start in 2016), supporter channels that post and forward official releases, staggered
declines so that by December 2017 about three quarters of the 2015 outlets are at most 10%
of their 2015 rate, and one network-wide official silence of 24.5 hours from
2017-11-08 09:00 UTC, longer than any earlier official gap, during which supporters keep
posting and forwarding. Daily counts are negative binomial (gamma-Poisson) with weekly and
time-of-day seasonality. All text is neutral placeholder text; all link hosts are fake
(``*.example``, ``t.me/<made-up>``, ``xyz*.onion``).

Files are written with a streaming writer, so ``write_benchmark_export`` can produce a
single export of millions of messages (or a given size in bytes) in bounded memory.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import msgspec
import numpy as np
import yaml

__all__ = [
    "PLACEHOLDER",
    "DemoManifest",
    "check_ingest_totals",
    "generate",
    "write_benchmark_export",
    "write_export",
]

PLACEHOLDER = "(File not included. Change data exporting settings to download.)"
DAY = 86_400
HOUR = 3_600

SILENCE_START = "2017-11-08T09:00:00"
SILENCE_HOURS = 24.5
MAX_OTHER_GAP_HOURS = 12.0  # every other official network gap is kept below this

# Hour-of-day (UTC) profile and day-of-week (Mon..Sun) multipliers.
_DIURNAL = np.array(
    [1, 0.6, 0.4, 0.3, 0.4, 0.8, 1.6, 2.4, 3.0, 3.2, 3.0, 2.6,
     2.4, 2.2, 2.2, 2.4, 2.8, 3.0, 3.0, 2.6, 2.2, 1.8, 1.4, 1.2],
    dtype=float,
)  # fmt: skip
_DIURNAL /= _DIURNAL.sum()
_WEEKLY = np.array([1.0, 1.05, 1.0, 1.1, 0.75, 0.9, 1.05])
_DISPERSION = 3.0  # negative-binomial size: variance = mean + mean^2 / size

KINDS = (
    "text",
    "photo",
    "video_file",
    "audio_file",
    "voice_message",
    "video_message",
    "animation",
    "sticker",
    "document",
    "poll",
)
# Medium each kind maps to in the canonical post model.
KIND_MEDIUM = {
    "text": "text",
    "photo": "photo",
    "video_file": "video",
    "audio_file": "audio",
    "voice_message": "voice",
    "video_message": "video_message",
    "animation": "animation",
    "sticker": "sticker",
    "document": "document",
    "poll": "poll",
}
_OFFICIAL_KIND_P = np.array([0.11, 0.64, 0.08, 0.04, 0.02, 0.01, 0.02, 0.01, 0.04, 0.03])
_SUPPORTER_KIND_P = np.array([0.45, 0.28, 0.05, 0.02, 0.03, 0.01, 0.05, 0.05, 0.04, 0.02])

# (host, class, live from, live until): fake hosts only. Fewer places to upload over time.
# Classes follow mutewatch.ingest.links (telegram, onion, file_host, paste, video, social,
# shortener, other); the fake hosts sit under the suffixes that module lists (files.example, ...).
HOSTS: tuple[tuple[str, str, str, str], ...] = (
    ("t.me", "telegram", "2015-01-01", "2018-01-01"),
    ("archive.files.example", "file_host", "2015-01-01", "2016-03-01"),
    ("upload-box.files.example", "file_host", "2015-01-01", "2016-08-01"),
    ("drop.files.example", "file_host", "2015-01-01", "2016-12-01"),
    ("share.files.example", "file_host", "2015-03-01", "2017-04-01"),
    ("cloud.example-files.example", "file_host", "2015-01-01", "2018-01-01"),
    ("paste.example", "paste", "2015-01-01", "2018-01-01"),
    ("notes.paste.example", "paste", "2015-01-01", "2016-06-01"),
    ("video.example", "video", "2015-01-01", "2018-01-01"),
    ("clips.video.example", "video", "2015-01-01", "2016-10-01"),
    ("social.example", "social", "2015-01-01", "2016-02-01"),
    ("xyzdemo2aaaaaaaa.onion", "onion", "2016-06-01", "2018-01-01"),
    ("xyzdemo3bbbbbbbb.onion", "onion", "2017-02-01", "2018-01-01"),
    ("news-portal.example", "other", "2015-01-01", "2018-01-01"),
)
_HOST_WEIGHT = {
    "telegram": 3.0,
    "file_host": 2.0,
    "paste": 1.0,
    "video": 1.5,
    "social": 1.0,
    "onion": 2.5,
    "other": 0.5,
}
_LOREM = (
    "Lorem ipsum dolor sit amet.",
    "Consectetur adipiscing elit.",
    "Sed do eiusmod tempor incididunt.",
    "Ut enim ad minim veniam.",
    "Duis aute irure dolor in reprehenderit.",
)
_REGIONS = ("North", "South", "East", "West", "Central")


def _epoch(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


_HOST_SPANS = [(_epoch(a), _epoch(b), _HOST_WEIGHT[c]) for _, c, a, b in HOSTS]


def _iso_utc(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------
# Channel plan
# --------------------------------------------------------------------------------------


@dataclass
class Channel:
    """One Telegram channel of the synthetic ecosystem and its posting plan."""

    index: int
    chat_id: int
    name: str  # the name at export time (the export header)
    outlet: str
    official: bool
    handle: str
    chat_type: str = "public_channel"
    live_from: int = 0  # first possible post (epoch s)
    live_to: int = 0  # posting stops before this
    base_rate: float = 0.0  # posts per day at scale 1 before any decline
    decline_at: int | None = None
    decline_factor: float = 1.0
    plan: str = "active"  # active | silenced | dormant | new | supporter
    old_name: str | None = None
    renamed_at: int | None = None
    export_from: int | None = None  # single-chat export limited to a date range
    single_export: bool = True
    account_list: str | None = None  # "chats" or "left_chats" in the full-account export
    account_from: int | None = None  # date range of the full-account copy
    author: str | None = None
    fwd_p: float = 0.0  # probability of forwarding each official release
    registered: bool = True

    def name_at(self, ts: int) -> str:
        """The channel's name at a time (before a rename it had its old name)."""
        if self.old_name is not None and self.renamed_at is not None and ts < self.renamed_at:
            return self.old_name
        return self.name

    def rate(self, ts: np.ndarray, scale: float) -> np.ndarray:
        """Planned posts per day at the given times."""
        level = np.ones_like(ts, dtype=float)
        if self.decline_at is not None:
            z = np.clip((ts - self.decline_at) / (20 * DAY), -50, 50)
            level = 1.0 - (1.0 - self.decline_factor) / (1.0 + np.exp(-z))
        live = (ts >= self.live_from) & (ts < self.live_to)
        return np.where(live, self.base_rate * scale * level, 0.0)


def _plan_channels(rng: np.random.Generator, start: int, end: int) -> list[Channel]:
    """38 official outlets active from the start, 2 new ones, supporters and one unlisted."""
    span = end - start
    chans: list[Channel] = []
    plans = ["dormant"] * 8 + ["silenced"] * 21 + ["active"] * 9
    rng.shuffle(plans)
    # the successor outlet and the renamed outlet must stay visible to the end
    for pos, want in ((4, "active"), (11, "silenced")):
        other = next(k for k in range(38) if plans[k] == want and k not in (4, 11))
        if plans[pos] != want:
            plans[pos], plans[other] = plans[other], plans[pos]
    for i in range(1, 41):
        plan = plans[i - 1] if i <= 38 else "new"
        ch = Channel(
            index=len(chans),
            chat_id=1_100_000_000 + 10 * i,
            name=f"Province {i:02d} Media Office",
            outlet=f"Province {i:02d} Media Office",
            official=True,
            handle=f"province{i:02d}media",
            live_from=start,
            live_to=end,
            base_rate=float(rng.lognormal(math.log(2.0), 0.35)),
            plan=plan,
        )
        frac = float(rng.uniform(0.30, 0.88))
        ch.decline_at = start + int(frac * span)
        if plan == "dormant":
            ch.decline_factor = 0.0
            ch.live_to = ch.decline_at + int(rng.integers(20, 60)) * DAY
        elif plan == "silenced":
            ch.decline_factor = float(rng.uniform(0.01, 0.04))
        elif plan == "active":
            ch.decline_factor = float(rng.uniform(0.45, 1.0))
        else:  # new in 2016
            ch.live_from = _epoch("2016-03-01") if i == 39 else _epoch("2016-09-15")
            ch.decline_at = None
        if i % 7 == 3:
            ch.author = "Desk"
        if i % 9 == 0:
            ch.chat_type = "private_channel"
        chans.append(ch)
    _plant_successor_and_rename(chans, rng)
    chans.extend(_plan_supporters(rng, start, end, len(chans)))
    for ch in chans:
        if ch.official and ch.plan != "new":
            ch.fwd_p = 0.01
    # the full-account export: two official chats in left_chats, one of them overlapping
    # a single-chat export
    by_name = {c.name: c for c in chans}
    by_name["Province 40 Media Office"].single_export = False
    by_name["Province 40 Media Office"].account_list = "left_chats"
    overlap = next(c for c in chans if c.plan == "active" and c.index != 4)
    overlap.account_list, overlap.account_from = "left_chats", _epoch("2017-10-01")
    return chans


def _plant_successor_and_rename(chans: list[Channel], rng: np.random.Generator) -> None:
    """Province 05 moves to a successor channel; Province 12 is renamed."""
    p05 = chans[4]
    switch = _epoch("2016-05-20")
    p05.live_to = switch
    succ = Channel(
        index=len(chans),
        chat_id=p05.chat_id + 1,
        name="Province 05 Media Office (new)",
        outlet=p05.outlet,
        official=True,
        handle="province05media_new",
        live_from=switch + 5 * DAY,
        live_to=chans[-1].live_to,
        base_rate=p05.base_rate,
        decline_at=p05.decline_at,
        decline_factor=p05.decline_factor,
        plan=p05.plan,
    )
    chans.append(succ)
    p12 = chans[11]
    p12.old_name, p12.renamed_at = "Province 12 News", _epoch("2016-04-01") + 11 * HOUR


def _plan_supporters(
    rng: np.random.Generator, start: int, end: int, first_index: int
) -> list[Channel]:
    out: list[Channel] = []
    for j in range(1, 12):
        unlisted = j == 11
        name = "Relay Channel 01" if unlisted else f"Supporter Channel {j:02d}"
        ch = Channel(
            index=first_index + len(out),
            chat_id=(1_300_000_010 if unlisted else 1_200_000_000 + 10 * j),
            name=name,
            outlet=name,
            official=False,
            handle=f"relay{j:02d}" if unlisted else f"supporter{j:02d}ch",
            live_from=start + int(rng.integers(0, 150)) * DAY,
            live_to=end,
            base_rate=float(rng.uniform(1.2, 3.0)),
            plan="supporter",
            fwd_p=float(rng.uniform(0.04, 0.07)),
            registered=not unlisted,
        )
        if j == 6:
            ch.live_to = _epoch("2017-06-15")  # banned mid-2017
        if j == 4:
            ch.export_from = _epoch("2016-06-01")  # collected late: coverage starts here
        if j == 7:
            ch.old_name, ch.renamed_at = "Channel Seven Digest", _epoch("2016-10-10") + 15 * HOUR
        if j in (9, 10, 11):
            ch.single_export, ch.account_list = False, "chats"
        out.append(ch)
    return out


# --------------------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------------------


def _nb_times(
    rng: np.random.Generator, ch: Channel, start: int, end: int, scale: float
) -> np.ndarray:
    """Negative-binomial daily counts with weekly and diurnal seasonality, as epoch seconds."""
    days = np.arange(start, end, DAY, dtype=np.int64)
    mean = ch.rate(days + DAY // 2, scale) * _WEEKLY[((days // DAY) + 3) % 7]
    lam = rng.gamma(_DISPERSION, np.maximum(mean, 1e-12) / _DISPERSION)
    counts = rng.poisson(np.where(mean > 0, lam, 0.0))
    day_idx = np.repeat(np.arange(len(days)), counts)
    hours = rng.choice(24, size=day_idx.size, p=_DIURNAL)
    secs = rng.integers(0, HOUR, size=day_idx.size)
    ts = days[day_idx] + hours * HOUR + secs
    ts = ts[(ts >= ch.live_from) & (ts < ch.live_to)]
    return np.sort(ts)


@dataclass
class _Own:
    """One channel's own posts (not forwards), as parallel arrays."""

    ts: np.ndarray
    deleted: np.ndarray  # bool: the post was deleted (its id is consumed, never exported)


def _official_posts(
    rng: np.random.Generator, chans: list[Channel], start: int, end: int, scale: float
) -> dict[int, _Own]:
    out: dict[int, _Own] = {}
    for ch in chans:
        if not ch.official:
            continue
        ts = _nb_times(rng, ch, start, end, scale)
        out[ch.index] = _Own(ts, rng.random(ts.size) < 0.015)
    return out


def _plant_deleted_block(own: dict[int, _Own], chans: list[Channel]) -> dict[str, Any]:
    """Province 03 deletes everything it posted over three days in September 2016."""
    ch = chans[2]
    a, b = _epoch("2016-09-14"), _epoch("2016-09-17")
    o = own[ch.index]
    inside = (o.ts >= a) & (o.ts < b)
    o.deleted |= inside
    return {"channel_id": str(ch.chat_id), "from": _iso_utc(a), "to": _iso_utc(b)}


def _plant_silence(own: dict[int, _Own], chans: list[Channel], scale: float) -> tuple[int, int]:
    """Clear every official post inside the silence and pin posts at both of its edges."""
    s = _epoch(SILENCE_START)
    e = s + int(SILENCE_HOURS * HOUR)
    for o in own.values():
        keep = (o.ts < s) | (o.ts > e)
        o.ts, o.deleted = o.ts[keep], o.deleted[keep]
    for t in (s, e):
        ch = _busiest(chans, t, scale)
        _insert(own[ch.index], t)
    return s, e


def _busiest(chans: list[Channel], t: int, scale: float) -> Channel:
    """The official channel with the highest planned rate at time t."""
    best, best_rate = None, -1.0
    for ch in chans:
        if ch.official:
            r = float(ch.rate(np.array([t]), scale)[0])
            if r > best_rate:
                best, best_rate = ch, r
    assert best is not None
    return best


def _insert(o: _Own, t: int) -> None:
    pos = int(np.searchsorted(o.ts, t))
    o.ts = np.insert(o.ts, pos, t)
    o.deleted = np.insert(o.deleted, pos, False)


def _visible_official(own: dict[int, _Own]) -> np.ndarray:
    parts = [o.ts[~o.deleted] for o in own.values()]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)


def _filler_weight(ch: Channel, t: np.ndarray, scale: float) -> np.ndarray:
    """Gap fillers go to channels not (yet) in decline, so planted declines stay intact."""
    r = ch.rate(t, scale)
    if ch.plan in ("active", "new") or ch.decline_at is None:
        return r
    return np.where(t < ch.decline_at - 60 * DAY, r, 0.0)


def _cap_gaps(
    own: dict[int, _Own],
    chans: list[Channel],
    silence: tuple[int, int],
    scale: float,
    rng: np.random.Generator,
) -> int:
    """Add releases inside any official network gap of MAX_OTHER_GAP_HOURS or more.

    Each added release goes to an official channel drawn in proportion to its planned rate
    at that time. Returns the number added. The planted silence is left alone, so it stays
    the longest gap on record at any scale (small scales need many such releases).
    """
    cap = int(MAX_OTHER_GAP_HOURS * HOUR)
    ts = _visible_official(own)
    gaps = np.diff(ts)
    idx = np.nonzero(gaps >= cap)[0]
    idx = idx[~((ts[idx] == silence[0]) & (ts[idx + 1] == silence[1]))]
    times: list[int] = []
    for k in idx.tolist():
        a, b = int(ts[k]), int(ts[k + 1])
        n = math.ceil((b - a) / (cap * 0.6)) - 1
        times += [a + (b - a) * m // (n + 1) for m in range(1, n + 1)]
    if not times:
        return 0
    official = [c for c in chans if c.official]
    t = np.array(times, dtype=np.int64)
    rates = np.stack([_filler_weight(c, t, scale) for c in official])  # (channels, fillers)
    rates[:, rates.sum(axis=0) == 0] = 1.0
    cum = np.cumsum(rates / rates.sum(axis=0), axis=0)
    owner = (rng.random(t.size) > cum).sum(axis=0).clip(0, len(official) - 1)
    for j, ch in enumerate(official):
        extra = t[owner == j]
        if extra.size:
            o = own[ch.index]
            order = np.argsort(np.concatenate([o.ts, extra]), kind="stable")
            o.ts = np.concatenate([o.ts, extra])[order]
            o.deleted = np.concatenate([o.deleted, np.zeros(extra.size, bool)])[order]
    return int(t.size)


# --------------------------------------------------------------------------------------
# Events per channel
# --------------------------------------------------------------------------------------

# event kinds
POST, FWD, SERVICE, UNSUPPORTED, MALFORMED, DELETED = range(6)


@dataclass(slots=True)
class _Event:
    ts: int
    order: int  # tie-breaker, keeps sorting deterministic
    etype: int
    data: dict[str, Any] = field(default_factory=dict)


def _post_attrs(rng: np.random.Generator, n: int, official: bool) -> dict[str, np.ndarray]:
    """Kind, link host and link style of n own posts."""
    p = _OFFICIAL_KIND_P if official else _SUPPORTER_KIND_P
    return {
        "kind": rng.choice(len(KINDS), size=n, p=p / p.sum()),
        "link": rng.random(n) < (0.15 if official else 0.25),
        "host_u": rng.random(n),
        "style": rng.random(n) < 0.6,  # True: text_link, False: plain link entity
        "edited": rng.random(n) < 0.07,
        "edit_delay": rng.integers(60, 3 * DAY, size=n),
        "reply": rng.random(n) < 0.03,
    }


def _pick_host(ts: int, u: float) -> int:
    live = [(i, w) for i, (a, b, w) in enumerate(_HOST_SPANS) if a <= ts < b]
    if not live:  # outside every host's life: the hosts that last longest
        live = [(i, w) for i, (_, b, w) in enumerate(_HOST_SPANS) if b == _HOST_SPANS[0][1]]
    total = sum(w for _, w in live)
    acc = 0.0
    for i, w in live:
        acc += w / total
        if u < acc:
            return i
    return live[-1][0]


@dataclass
class _Release:
    """Everything needed to write one own post, and to copy it into a forward."""

    channel: int
    seq: int
    ts: int
    kind: str
    host: int  # -1: no link
    text_link: bool


def _releases(
    rng: np.random.Generator, ch: Channel, ts: np.ndarray, deleted: np.ndarray
) -> tuple[list[_Release], list[bool], dict[str, np.ndarray]]:
    at = _post_attrs(rng, ts.size, ch.official)
    kind, link, host_u, style = (at[k].tolist() for k in ("kind", "link", "host_u", "style"))
    rel = [
        _Release(
            ch.index,
            i + 1,
            t,
            KINDS[kind[i]],
            _pick_host(t, host_u[i]) if link[i] else -1,
            style[i],
        )
        for i, t in enumerate(ts.tolist())
    ]
    return rel, [not bool(d) for d in deleted], at


def _forwards(
    rng: np.random.Generator,
    chans: list[Channel],
    official: dict[int, list[_Release]],
    visible: dict[int, list[bool]],
    silence: tuple[int, int],
) -> dict[int, list[tuple[int, _Release]]]:
    """Forwards of official releases, by supporters and (rarely) other official channels."""
    pool = [r for c, rs in official.items() for r, v in zip(rs, visible[c], strict=True) if v]
    pool.sort(key=lambda r: (r.ts, r.channel, r.seq))
    pool_ts = np.array([r.ts for r in pool], dtype=np.int64)
    out: dict[int, list[tuple[int, _Release]]] = {}
    for ch in chans:
        if ch.fwd_p <= 0:
            continue
        pick = np.nonzero(rng.random(len(pool)) < ch.fwd_p)[0]
        delay = rng.exponential(2 * HOUR, size=pick.size).astype(np.int64) + 60
        fw = [
            (int(pool_ts[k] + d), pool[k])
            for k, d in zip(pick, delay, strict=True)
            if pool[k].channel != ch.index
        ]
        out[ch.index] = [(t, r) for t, r in fw if ch.live_from <= t < ch.live_to]
    # forwards of older releases inside the silence: they must not break it
    s, e = silence
    before = np.nonzero(pool_ts < s)[0][-200:]
    fwd_chans = [c for c in chans if c.fwd_p > 0 and c.live_from <= s and c.live_to > e]
    for n, ch in enumerate(fwd_chans[-8:]):
        t = s + (n + 1) * (e - s) // 10
        out.setdefault(ch.index, []).append((t, pool[int(before[(n * 17) % before.size])]))
    return out


# --------------------------------------------------------------------------------------
# Message dicts in Telegram Desktop's shape
# --------------------------------------------------------------------------------------


def _hash(a: int, b: int, c: int) -> int:
    """A cheap deterministic mix of three small integers (content of a release)."""
    h = (a * 0x9E3779B1 + b * 0x85EBCA77 + c * 0xC2B2AE3D) & 0xFFFFFFFFFFFF
    return ((h ^ (h >> 17)) * 0x27D4EB2F165667C5) >> 13 & 0xFFFFFFFFFFFF


def _url(rel: _Release, chans: list[Channel]) -> str:
    host, cls, _, _ = HOSTS[rel.host]
    h = _hash(rel.channel, rel.seq, rel.host)
    token = f"{h % 16**10:010x}"
    if cls == "telegram":
        target = chans[h % len(chans)]
        return f"https://t.me/{target.handle}/{1 + h % 5000}"
    if cls == "onion":
        return f"http://{host}/release/{token}"
    if cls == "file_host":
        return f"https://{host}/d/{token}"
    if cls == "paste":
        return f"https://{host}/raw/{token[:8]}"
    if cls == "video":
        return f"https://{host}/watch?v={token}"
    if cls == "social":
        return f"https://{host}/user{h % 1000:03d}"
    return f"https://{host}/item/{token}"


def _text(rel: _Release, chans: list[Channel]) -> tuple[str | list[Any], list[dict[str, Any]]]:
    """``text`` (string or entity array) and ``text_entities`` of a release."""
    ch = chans[rel.channel]
    h = _hash(rel.channel, rel.seq, 99)
    if rel.kind in ("sticker", "poll", "video_message", "voice_message") or (
        rel.kind != "text" and rel.host < 0 and h % 4 == 0
    ):
        return "", []
    if ch.official:
        body = f"Release {rel.seq} of {ch.outlet}. {_LOREM[h % len(_LOREM)]}"
    else:
        body = f"Digest {rel.seq} from {ch.outlet}. {_LOREM[h % len(_LOREM)]}"
    parts: list[dict[str, Any]] = [{"type": "plain", "text": body}]
    if h % 5 == 1:
        parts += [{"type": "plain", "text": " "}, {"type": "hashtag", "text": f"#{ch.handle}"}]
    if h % 11 == 2:
        parts = [{"type": "bold", "text": "Update"}, {"type": "plain", "text": " "}, *parts]
    if rel.host >= 0:
        url = _url(rel, chans)
        parts.append({"type": "plain", "text": " "})
        if rel.text_link:
            parts.append({"type": "text_link", "text": "Download", "href": url})
        else:
            parts.append({"type": "link", "text": url})
    if len(parts) == 1:
        return body, parts
    text: list[Any] = [p["text"] if p["type"] == "plain" else p for p in parts]
    if h % 13 == 0:
        text.append("")  # Telegram sometimes ends an entity array with ""
    return text, parts


def _media(rel: _Release) -> dict[str, Any]:
    """Media fields of a release, with the not-downloaded placeholder."""
    h = _hash(rel.channel, rel.seq, 7)
    size = 10_000 + h % 5_000_000
    dur = 5 + h % 900
    k = rel.kind
    if k == "photo":
        return {"photo": PLACEHOLDER, "photo_file_size": 20_000 + h % 300_000,
                "width": 1280, "height": 720 + h % 3 * 100}  # fmt: skip
    if k == "poll":
        votes = [h % 50, (h >> 8) % 50, (h >> 16) % 50]
        return {"poll": {
            "question": f"Poll {rel.seq}: lorem ipsum?", "closed": True,
            "total_voters": sum(votes),
            "answers": [{"text": f"Option {c}", "voters": v, "chosen": False}
                        for c, v in zip("ABC", votes, strict=True)],
        }}  # fmt: skip
    if k == "text":
        return {}
    m: dict[str, Any] = {"file": PLACEHOLDER}
    if k == "document":
        m.update({"file_name": f"release_{rel.seq}.pdf", "file_size": size,
                  "mime_type": "application/pdf"})  # fmt: skip
        return m
    if k == "video_file":
        m["file_name"] = f"video_{rel.seq}.mp4"
    m["file_size"] = size
    if k in ("video_file", "video_message", "animation", "sticker"):
        m["thumbnail"] = PLACEHOLDER
        m["thumbnail_file_size"] = 2_000 + h % 20_000
    m["media_type"] = k
    if k == "sticker":
        m.update({"sticker_emoji": "\u2b50", "width": 512, "height": 512})
        return m
    m["mime_type"] = {
        "video_file": "video/mp4", "audio_file": "audio/mpeg", "voice_message": "audio/ogg",
        "video_message": "video/mp4", "animation": "video/mp4",
    }[k]  # fmt: skip
    if k == "audio_file":
        m.update({"performer": "Placeholder Studio", "title": f"Track {rel.seq}"})
    m["duration_seconds"] = dur
    if k in ("video_file", "video_message", "animation"):
        side = 384 if k == "video_message" else 0
        m.update({"width": side or 640, "height": side or 360})
    return m


class _Clock:
    """Formats epoch seconds as the exporting machine's local time, without an offset."""

    def __init__(self, tz: str) -> None:
        self.zone = ZoneInfo(tz)
        self._offset: dict[int, int] = {}
        self._day: dict[int, str] = {}

    def local(self, ts: int) -> str:
        hour = ts // HOUR
        off = self._offset.get(hour)
        if off is None:
            delta = datetime.fromtimestamp(hour * HOUR, self.zone).utcoffset()
            off = self._offset[hour] = int(delta.total_seconds()) if delta else 0
        lt = ts + off
        d, sec = divmod(lt, DAY)
        day = self._day.get(d)
        if day is None:
            day = self._day[d] = datetime.fromtimestamp(d * DAY, UTC).strftime("%Y-%m-%dT")
        return f"{day}{sec // HOUR:02d}:{sec % HOUR // 60:02d}:{sec % 60:02d}"


def _head(mid: Any, mtype: str, ts: int | None, clock: _Clock, unix: bool = True) -> dict[str, Any]:
    d: dict[str, Any] = {"id": mid, "type": mtype}
    if ts is not None:
        d["date"] = clock.local(ts)
        if unix:
            d["date_unixtime"] = str(ts)
    return d


# --------------------------------------------------------------------------------------
# Streaming JSON writer (Telegram Desktop layout: one-space indentation)
# --------------------------------------------------------------------------------------


def _fmt(obj: Any, depth: int) -> bytes:
    raw = msgspec.json.format(msgspec.json.encode(obj), indent=1)
    return raw.replace(b"\n", b"\n" + b" " * depth) if depth else raw


class _ChatWriter:
    """Writes one chat object ``{"name", "type", "id", "messages": [...]}`` message by message."""

    def __init__(self, fh: IO[bytes], header: dict[str, Any], depth: int) -> None:
        self.fh, self.depth, self.count = fh, depth, 0
        pad = b" " * depth
        fh.write(b"{\n")
        for key, val in header.items():
            fh.write(pad + b" " + _fmt(key, 0) + b": " + _fmt(val, depth + 1) + b",\n")
        fh.write(pad + b' "messages": [')
        self._buf: list[Any] = []
        self._indent = b"\n" + b" " * (depth + 1)

    def write(self, message: Any) -> None:
        self._buf.append(message)
        self.count += 1
        if len(self._buf) >= 2000:
            self._flush()

    def _flush(self) -> None:
        """Encode buffered messages as one indented list, then splice it into the chat."""
        if not self._buf:
            return
        body = msgspec.json.format(msgspec.json.encode(self._buf), indent=1)
        # body is b"[\n {...},\n {...}\n]": keep the items, one level deeper
        lead = b"\n" if self.count == len(self._buf) else b",\n"
        self.fh.write(lead + b" " * (self.depth + 1) + body[2:-2].replace(b"\n", self._indent))
        self._buf.clear()

    def close(self) -> None:
        self._flush()
        pad = b" " * self.depth
        self.fh.write((b"\n" + pad + b" ]\n" if self.count else b"]\n") + pad + b"}")


# --------------------------------------------------------------------------------------
# Building each channel's records
# --------------------------------------------------------------------------------------


@dataclass
class _Built:
    """A channel's records in id order, with what each one is."""

    records: list[tuple[int, int, Any]] = field(default_factory=list)  # (ts, etype, message)
    malformed: list[dict[str, Any]] = field(default_factory=list)
    date_only: list[dict[str, Any]] = field(default_factory=list)
    release_ts: list[int] = field(default_factory=list)  # own visible non-forward posts
    deleted_ids: list[int] = field(default_factory=list)


_MALFORMED_PLAN: dict[str, list[tuple[str, str]]] = {
    "Province 03 Media Office": [
        ("id_not_integer", "2015-06-10"),
        ("no_parseable_time", "2017-02-02"),
    ],
    "Province 08 Media Office": [("no_parseable_time", "2016-01-20")],
    "Supporter Channel 02": [("no_time", "2016-07-04"), ("not_an_object", "2017-03-03")],
    "Supporter Channel 09": [("id_not_integer", "2016-11-11")],
}
_DATE_ONLY_CHANNEL = "Province 01 Media Office"
_DATE_ONLY_COUNT = 5


def _events_for(
    ch: Channel,
    rels: list[_Release],
    visible: list[bool],
    fwds: list[tuple[int, _Release]],
    rng: np.random.Generator,
    scale: float,
) -> list[_Event]:
    """Own posts, forwards, deletions, service, unsupported and malformed records of a channel."""
    ev: list[_Event] = []
    created = ch.live_from - int(rng.integers(1, 5)) * DAY + 8 * HOUR
    ev.append(_Event(created, 0, SERVICE, {"action": "create_channel"}))
    for r, v in zip(rels, visible, strict=True):
        ev.append(_Event(r.ts, 1, POST if v else DELETED, {"rel": r}))
    for t, r in fwds:
        ev.append(_Event(t, 2, FWD, {"rel": r}))
    if ch.renamed_at is not None:
        ev.append(_Event(ch.renamed_at, 3, SERVICE, {"action": "edit_group_title"}))
    span_days = max(1, (ch.live_to - ch.live_from) // DAY)
    for _ in range(max(1, int(span_days * scale * 0.004))):
        t = ch.live_from + int(rng.integers(0, span_days * DAY))
        ev.append(_Event(t, 4, SERVICE, {"action": "pin_message"}))
    t = ch.live_from + int(rng.integers(0, span_days * DAY))
    ev.append(_Event(t, 4, SERVICE, {"action": "edit_group_photo"}))
    for _ in range(max(1, int(len(ev) * 0.001))):
        t = ch.live_from + int(rng.integers(0, span_days * DAY))
        ev.append(_Event(t, 5, UNSUPPORTED))
    for reason, day in _MALFORMED_PLAN.get(ch.name, []):
        ev.append(_Event(_epoch(day) + 12 * HOUR + 17, 6, MALFORMED, {"reason": reason}))
    ev.sort(key=lambda e: (e.ts, e.order))
    return ev


def _build_channel(
    ch: Channel, events: list[_Event], chans: list[Channel], clock: _Clock, rng: np.random.Generator
) -> _Built:
    out = _Built()
    next_id = 1
    recent: list[int] = []
    date_only_left = _DATE_ONLY_COUNT if ch.name == _DATE_ONLY_CHANNEL else 0
    at = _post_attrs(rng, len(events), ch.official)
    edited, delay, reply = at["edited"].tolist(), at["edit_delay"].tolist(), at["reply"].tolist()
    date_only_before = _epoch("2015-07-01")
    for n, ev in enumerate(events):
        if ev.etype == MALFORMED and ev.data["reason"] in ("id_not_integer", "not_an_object"):
            msg = _malformed(ev, ch, clock, None)
            out.records.append((ev.ts, MALFORMED, msg))
            out.malformed.append({"reason": ev.data["reason"], "id": None, "ts": _iso_utc(ev.ts)})
            continue
        mid = next_id
        next_id += 1
        if ev.etype == DELETED:
            out.deleted_ids.append(mid)
            continue
        if ev.etype == MALFORMED:
            out.records.append((ev.ts, MALFORMED, _malformed(ev, ch, clock, mid)))
            out.malformed.append({"reason": ev.data["reason"], "id": mid, "ts": _iso_utc(ev.ts)})
            continue
        if ev.etype == UNSUPPORTED:
            out.records.append((ev.ts, UNSUPPORTED, {"id": mid, "type": "unsupported"}))
            continue
        if ev.etype == SERVICE:
            out.records.append((ev.ts, SERVICE, _service(ev, ch, mid, clock, recent)))
            continue
        rel: _Release = ev.data["rel"]
        date_only = bool(
            date_only_left and ev.etype == POST and ev.ts < date_only_before and n % 7 == 0
        )
        msg = _head(mid, "message", ev.ts, clock, unix=not date_only)
        if date_only:
            date_only_left -= 1
            out.date_only.append({"id": mid, "ts": _iso_utc(ev.ts), "date": msg["date"]})
        if ev.etype == POST and edited[n]:
            t2 = ev.ts + delay[n]
            msg["edited"], msg["edited_unixtime"] = clock.local(t2), str(t2)
        msg["from"], msg["from_id"] = ch.name, f"channel{ch.chat_id}"
        if ch.author and ev.etype == POST:
            msg["author"] = ch.author
        if ev.etype == FWD:
            msg["forwarded_from"] = chans[rel.channel].name_at(rel.ts)
        elif recent and reply[n]:
            msg["reply_to_message_id"] = recent[delay[n] % len(recent)]
        msg.update(_media(rel))
        msg["text"], msg["text_entities"] = _text(rel, chans)
        out.records.append((ev.ts, ev.etype, msg))
        if ev.etype == POST:
            out.release_ts.append(ev.ts)
        recent = [*recent[-49:], mid]
    return out


def _service(ev: _Event, ch: Channel, mid: int, clock: _Clock, recent: list[int]) -> dict[str, Any]:
    msg = _head(mid, "service", ev.ts, clock)
    msg["actor"], msg["actor_id"] = ch.name, f"channel{ch.chat_id}"
    action = ev.data["action"]
    msg["action"] = action
    if action == "create_channel":
        msg["title"] = ch.old_name or ch.name
    elif action == "edit_group_title":
        msg["title"] = ch.name
    elif action == "edit_group_photo":
        msg.update({"photo": PLACEHOLDER, "width": 640, "height": 640})
    elif action == "pin_message":
        msg["message_id"] = recent[-1] if recent else 1
    msg["text"], msg["text_entities"] = "", []
    return msg


def _malformed(ev: _Event, ch: Channel, clock: _Clock, mid: int | None) -> Any:
    reason = ev.data["reason"]
    if reason == "not_an_object":
        return "corrupted record"
    msg = _head(mid if mid is not None else "abc", "message", ev.ts, clock)
    if reason == "no_parseable_time":
        msg["date"] = "2016-13-45T99:00:00"
        del msg["date_unixtime"]
    elif reason == "no_time":
        del msg["date"], msg["date_unixtime"]
    msg.update({"from": ch.name, "from_id": f"channel{ch.chat_id}"})
    msg["text"] = "Malformed placeholder record."
    msg["text_entities"] = [{"type": "plain", "text": "Malformed placeholder record."}]
    return msg


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


@dataclass
class DemoManifest:
    """Where the demo was written and what was planted in it.

    ``truth`` (also ``manifest.json``) holds: ``seed``, ``scale``, ``start``/``end``,
    ``export_tz`` (pass it as ``--tz``); ``silence`` (start, end, hours, previous and other
    longest official network gaps, forwards and supporter posts inside it); ``outlets``
    (per outlet: channel ids, plan, decline date and factor, releases in 2015 and in
    December 2017, their rates, ratio and status); ``outlet_summary`` (2015 vs December 2017
    at the 10% threshold); ``channels`` (per channel counts, old name, date-only messages);
    ``renamed``; ``successors``; ``unregistered_channels``; ``deleted_block`` (a planted
    run of deleted ids); ``hosts`` (fake link hosts, class, life span); ``malformed``
    (file, 0-based position in the file, reason, id); ``files`` (per file and chat
    accounting); ``expected`` (totals of one ingest of ``exports/`` with the registry:
    read, new, duplicates, quarantined, skipped, and ``mutewatch status`` fields).
    """

    root: Path
    exports: Path
    registry: Path
    path: Path
    truth: dict[str, Any]

    @property
    def tz(self) -> str:
        """The exporting machine's zone: pass it as ``--tz`` (used for date-only messages)."""
        return str(self.truth["export_tz"])

    @classmethod
    def load(cls, root: Path) -> DemoManifest:
        """Read the manifest a previous ``generate(root)`` wrote."""
        root = Path(root)
        truth = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        return cls(root, root / "exports", root / "outlets.yaml", root / "manifest.json", truth)


def generate(
    out_dir: Path | str,
    *,
    seed: int = 7,
    scale: float = 1.0,
    start: str = "2015-01-01",
    end: str = "2017-12-31",
    tz: str = "Europe/Berlin",
) -> DemoManifest:
    """Write the demo ecosystem under ``out_dir`` and return its manifest.

    ``scale`` multiplies every posting rate (1.0 gives about 150k messages); channels,
    outlets, the silence, renames and malformed records are the same at every scale.
    ``end`` is the last day included. ``tz`` is the exporting machine's zone used for the
    local ``date`` fields.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    root = Path(out_dir)
    t0, t1 = _epoch(start), _epoch(end) + DAY
    rng = np.random.default_rng(seed)
    chans = _plan_channels(rng, t0, t1)
    own = _official_posts(rng, chans, t0, t1, scale)
    deleted_block = _plant_deleted_block(own, chans)
    silence = _plant_silence(own, chans, scale)
    fillers = _cap_gaps(own, chans, silence, scale, rng)
    for ch in chans:
        if not ch.official:
            ts = _nb_times(rng, ch, t0, t1, scale)
            own[ch.index] = _Own(ts, rng.random(ts.size) < 0.01)
    rels: dict[int, list[_Release]] = {}
    vis: dict[int, list[bool]] = {}
    for ch in chans:
        rels[ch.index], vis[ch.index], _ = _releases(
            rng, ch, own[ch.index].ts, own[ch.index].deleted
        )
    off_rels = {c.index: rels[c.index] for c in chans if c.official}
    fwds = _forwards(rng, chans, off_rels, vis, silence)
    clock = _Clock(tz)
    built: dict[int, _Built] = {}
    for ch in chans:
        crng = np.random.default_rng([seed, 1000 + ch.index])
        events = _events_for(ch, rels[ch.index], vis[ch.index], fwds.get(ch.index, []), crng, scale)
        built[ch.index] = _build_channel(ch, events, chans, clock, crng)
    files = _write_exports(root / "exports", chans, built, t1)
    _write_registry(root / "outlets.yaml", chans)
    truth = _truth(chans, built, files, silence, fillers, deleted_block, seed, scale, tz, t0, t1)
    path = root / "manifest.json"
    path.write_text(json.dumps(truth, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return DemoManifest(root, root / "exports", root / "outlets.yaml", path, truth)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")


def _chat_header(ch: Channel) -> dict[str, Any]:
    return {"name": ch.name, "type": ch.chat_type, "id": ch.chat_id}


def _in_window(b: _Built, lo: int | None, hi: int) -> Iterator[tuple[int, int, Any]]:
    for rec in b.records:
        if (lo is None or rec[0] >= lo) and rec[0] < hi:
            yield rec


def _write_exports(
    exports: Path, chans: list[Channel], built: dict[int, _Built], t1: int
) -> list[dict[str, Any]]:
    """Write every export file; return per-file and per-chat record accounting."""
    files: list[dict[str, Any]] = []
    for ch in chans:
        if not ch.single_export:
            continue
        path = exports / _slug(ch.name) / "result.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb", buffering=1 << 20) as fh:
            w = _ChatWriter(fh, _chat_header(ch), 0)
            stats = _write_chat(w, _in_window(built[ch.index], ch.export_from, t1), ch, 0)
            fh.write(b"\n")
        files.append({"path": str(path.relative_to(exports.parent)), "kind": "single_chat",
                      "chats": [stats]})  # fmt: skip
    files.append(_write_account_export(exports, chans, built, t1))
    return files


def _write_chat(
    w: _ChatWriter, records: Iterable[tuple[int, int, Any]], ch: Channel, offset: int
) -> dict[str, Any]:
    """Write a chat's records; count them; ``offset`` is the file position of the first."""
    c = {"posts": 0, "forwards": 0, "service": 0, "unsupported": 0, "malformed": 0}
    names = {POST: "posts", FWD: "forwards", SERVICE: "service", UNSUPPORTED: "unsupported",
             MALFORMED: "malformed"}  # fmt: skip
    positions: list[int] = []
    first = last = None
    keys: list[tuple[int, int, bool, bool]] = []  # (id, ts, forward, has a link)
    for ts, etype, msg in records:
        if etype == MALFORMED:
            positions.append(offset + w.count)
        elif etype in (POST, FWD):
            link = any(e["type"] in ("link", "text_link") for e in msg["text_entities"])
            keys.append((int(msg["id"]), ts, etype == FWD, link))
            first = ts if first is None else first
            last = ts
        w.write(msg)
        c[names[etype]] += 1
    w.close()
    return {
        "channel_id": str(ch.chat_id),
        "name": ch.name,
        "records": w.count,
        **c,
        "malformed_positions": positions,
        "first": _iso_utc(first) if first is not None else None,
        "last": _iso_utc(last) if last is not None else None,
        "official": ch.official,
        "message_ids": keys,
    }


_ACCOUNT_HEAD: dict[str, Any] = {
    "about": "Here is the data you requested. Remember: Telegram is ad free, it doesn't "
    "collect or use your data for advertising.",
    "personal_information": {
        "user_id": 5550001, "first_name": "Demo", "last_name": "Researcher",
        "phone_number": "+00 000 000 0000", "username": "", "bio": "",
    },
    "profile_pictures": [],
    "contacts": {"about": "If you allow access, Telegram continuously syncs your contacts.",
                 "list": []},
    "frequent_contacts": {"about": "This rating shows how often you write to people.",
                          "list": []},
    "sessions": {"about": "We store this to display the connected devices.", "list": []},
}  # fmt: skip


def _write_account_export(
    exports: Path, chans: list[Channel], built: dict[int, _Built], t1: int
) -> dict[str, Any]:
    path = exports / "DataExport_2018-01-05" / "result.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    stats: list[dict[str, Any]] = []
    position = 0

    def chat(w: _ChatWriter, ch: Channel, section: str) -> None:
        nonlocal position
        st = _write_chat(w, _in_window(built[ch.index], ch.account_from, t1), ch, position)
        position += st["records"]
        stats.append({**st, "list": section})

    sections = {
        s: [(_chat_header(c), lambda w, c=c, s=s: chat(w, c, s)) for c in chans
            if c.account_list == s]
        for s in ("chats", "left_chats")
    }  # fmt: skip
    with open(path, "wb", buffering=1 << 20) as fh:
        _write_account(fh, sections)
    return {"path": str(path.relative_to(exports.parent)), "kind": "full_account",
            "chats": stats}  # fmt: skip


_SECTION_ABOUT = {
    "chats": "This page lists all chats from this export.",
    "left_chats": "This page lists all supergroups and channels from this export that you've left.",
}


def _write_account(fh: IO[bytes], sections: dict[str, list[tuple[dict[str, Any], Any]]]) -> None:
    """A full-account export; each chat is (header, fill) where fill(writer) writes messages."""
    fh.write(b"{\n")
    for key, val in _ACCOUNT_HEAD.items():
        fh.write(b" " + _fmt(key, 0) + b": " + _fmt(val, 1) + b",\n")
    for k, (section, members) in enumerate(sections.items()):
        fh.write(b" " + _fmt(section, 0) + b': {\n  "about": ' + _fmt(_SECTION_ABOUT[section], 0))
        fh.write(b',\n  "list": [' + (b"" if members else b"]"))
        for n, (header, fill) in enumerate(members):
            fh.write(b"\n   " if n == 0 else b",\n   ")
            fill(_ChatWriter(fh, header, 3))
        fh.write(
            (b"\n  ]" if members else b"") + b"\n }" + (b",\n" if k + 1 < len(sections) else b"\n")
        )
    fh.write(b"}\n")


def write_export(
    path: Path | str,
    chats: list[dict[str, Any]],
    left_chats: list[dict[str, Any]] | None = None,
    *,
    account: bool = False,
) -> Path:
    """Write chats (``{"name", "type", "id", "messages"}`` dicts) in Telegram Desktop's layout.

    One chat and ``account=False`` gives a single-chat ``result.json``; otherwise a
    full-account export with ``chats.list`` and ``left_chats.list``. Messages may be any
    JSON values (tests plant junk records this way).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def filler(chat: dict[str, Any]) -> Any:
        def fill(w: _ChatWriter) -> None:
            for m in chat.get("messages", []):
                w.write(m)
            w.close()

        return fill

    def header(chat: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in chat.items() if k != "messages"}

    with open(path, "wb", buffering=1 << 20) as fh:
        if not account and len(chats) == 1 and not left_chats:
            filler(chats[0])(_ChatWriter(fh, header(chats[0]), 0))
            fh.write(b"\n")
        else:
            _write_account(fh, {
                "chats": [(header(c), filler(c)) for c in chats],
                "left_chats": [(header(c), filler(c)) for c in left_chats or []],
            })  # fmt: skip
    return path


def _write_registry(path: Path, chans: list[Channel]) -> None:
    """The outlet registry: one entry per registered outlet, successor channels grouped."""
    outlets: dict[str, dict[str, Any]] = {}
    for ch in chans:
        if not ch.registered:
            continue
        o = outlets.get(ch.outlet)
        if o is None:
            o = outlets[ch.outlet] = {"name": ch.outlet, "official": ch.official}
            if ch.official:
                o["region"] = _REGIONS[int(ch.outlet[9:11]) % len(_REGIONS)]
            o["accounts"] = []
        o["accounts"].append({"platform": "telegram", "id": str(ch.chat_id)})
    for o in outlets.values():
        if o["official"] and int(o["name"][9:11]) % 10 == 1:
            o["accounts"].append(
                {"platform": "twitter", "name": f"province{o['name'][9:11]}_media"}
            )
    header = (
        "# mutewatch outlet registry for the synthetic demo ecosystem (made-up outlets).\n"
        "# Telegram account id = the bare chat id of the export, as a string.\n"
    )
    body = yaml.safe_dump({"outlets": list(outlets.values())}, sort_keys=False, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")


def _truth(
    chans: list[Channel],
    built: dict[int, _Built],
    files: list[dict[str, Any]],
    silence: tuple[int, int],
    fillers: int,
    deleted_block: dict[str, Any],
    seed: int,
    scale: float,
    tz: str,
    t0: int,
    t1: int,
) -> dict[str, Any]:
    """The planted truth: what an ingest and the measurements must find."""
    exported = _exported_releases(chans, files, built)
    return {
        "seed": seed,
        "scale": scale,
        "start": _iso_utc(t0),
        "end": _iso_utc(t1),
        "export_tz": tz,
        "silence": _silence_truth(chans, built, exported, files, silence),
        "outlets": _outlet_truth(chans, exported, t0),
        "outlet_summary": _outlet_summary(chans, exported),
        "channels": [_channel_truth(ch, built[ch.index]) for ch in chans],
        "renamed": [
            {
                "channel_id": str(c.chat_id),
                "old_name": c.old_name,
                "new_name": c.name,
                "at": _iso_utc(c.renamed_at or 0),
            }
            for c in chans
            if c.old_name
        ],
        "successors": [
            {
                "outlet": c.outlet,
                "channel_ids": [str(x.chat_id) for x in chans if x.outlet == c.outlet],
            }
            for c in chans
            if c.official and c.name != c.outlet
        ],
        "unregistered_channels": [str(c.chat_id) for c in chans if not c.registered],
        "deleted_block": deleted_block,
        "gap_fillers_added": fillers,
        "hosts": [{"host": h, "class": c, "from": a, "until": b} for h, c, a, b in HOSTS],
        "malformed": _malformed_truth(files, built, chans),
        "files": [_file_summary(f) for f in files],
        "expected": _expected(files, chans),
    }


def _exported_releases(
    chans: list[Channel], files: list[dict[str, Any]], built: dict[int, _Built]
) -> dict[int, np.ndarray]:
    """Own (non-forward) visible release times per channel that some export holds."""
    out = {}
    for ch in chans:
        lows: list[int | None] = []
        if ch.single_export:
            lows.append(ch.export_from)
        if ch.account_list:
            lows.append(ch.account_from)
        lo = None if None in lows else min(x for x in lows if x is not None)
        ts = np.array(built[ch.index].release_ts, dtype=np.int64)
        out[ch.index] = ts if lo is None else ts[ts >= lo]
    return out


def _silence_truth(
    chans: list[Channel],
    built: dict[int, _Built],
    exported: dict[int, np.ndarray],
    files: list[dict[str, Any]],
    silence: tuple[int, int],
) -> dict[str, Any]:
    s, e = silence
    off = np.sort(np.concatenate([exported[c.index] for c in chans if c.official]))
    gaps = np.diff(off)
    before = gaps[off[1:] <= s]
    inside = 0
    for ch in chans:
        for ts, etype, _msg in built[ch.index].records:
            if etype == FWD and s < ts < e:
                inside += 1
    sup_inside = sum(
        1 for ch in chans if not ch.official
        for ts, etype, _ in built[ch.index].records if etype == POST and s < ts < e
    )  # fmt: skip
    return {
        "start": _iso_utc(s),
        "end": _iso_utc(e),
        "hours": (e - s) / HOUR,
        "previous_longest_hours": round(float(before.max()) / HOUR, 3) if before.size else 0.0,
        "longest_other_hours": round(float(np.sort(gaps)[-2]) / HOUR, 3) if gaps.size > 1 else 0.0,
        "official_posts_inside": int(((off > s) & (off < e)).sum()),
        "forwards_inside": inside,
        "supporter_posts_inside": sup_inside,
    }


def _outlet_truth(
    chans: list[Channel], exported: dict[int, np.ndarray], t0: int
) -> list[dict[str, Any]]:
    b0, b1 = _epoch("2015-01-01"), _epoch("2016-01-01")
    p0, p1 = _epoch("2017-12-01"), _epoch("2018-01-01")
    out: list[dict[str, Any]] = []
    for outlet in dict.fromkeys(c.outlet for c in chans):
        members = [c for c in chans if c.outlet == outlet]
        ts = np.concatenate([exported[c.index] for c in members])
        base = int(((ts >= b0) & (ts < b1)).sum())
        per = int(((ts >= p0) & (ts < p1)).sum())
        rb, rp = base / 365, per / 31
        ratio = rp / rb if rb else None
        if not base:
            status = "new"
        elif not per:
            status = "dormant"
        elif ratio is not None and ratio <= 0.10:
            status = "silenced"
        else:
            status = "active"
        first = members[0]
        out.append({
            "outlet": outlet, "official": first.official, "registered": first.registered,
            "channel_ids": [str(c.chat_id) for c in members], "plan": first.plan,
            "decline_at": _iso_utc(first.decline_at) if first.decline_at else None,
            "decline_factor": first.decline_factor if first.decline_at else None,
            "last_planned_post": _iso_utc(max(c.live_to for c in members)),
            "releases": int(ts.size), "releases_2015": base, "releases_2017_12": per,
            "rate_2015_per_day": rb, "rate_2017_12_per_day": rp, "ratio": ratio,
            "status_2015_vs_2017_12": status,
        })  # fmt: skip
    return out


def _outlet_summary(chans: list[Channel], exported: dict[int, np.ndarray]) -> dict[str, Any]:
    rows = [o for o in _outlet_truth(chans, exported, 0) if o["official"]]
    active = [o for o in rows if o["releases_2015"] > 0]
    silenced = [o for o in active if o["status_2015_vs_2017_12"] in ("silenced", "dormant")]
    return {
        "baseline": "2015-01-01..2015-12-31",
        "period": "2017-12-01..2017-12-31",
        "threshold": 0.10,
        "official_outlets": len(rows),
        "active_in_baseline": len(active),
        "active_in_period": sum(1 for o in rows if o["releases_2017_12"] > 0),
        "silenced": len(silenced),
        "dormant": sum(1 for o in active if o["status_2015_vs_2017_12"] == "dormant"),
        "share_silenced": len(silenced) / len(active) if active else 0.0,
    }


def _channel_truth(ch: Channel, b: _Built) -> dict[str, Any]:
    return {
        "channel_id": str(ch.chat_id),
        "name": ch.name,
        "outlet": ch.outlet,
        "official": ch.official,
        "registered": ch.registered,
        "chat_type": ch.chat_type,
        "old_name": ch.old_name,
        "export_from": _iso_utc(ch.export_from) if ch.export_from else None,
        "in_account_export": ch.account_list,
        "records_total": len(b.records),
        "releases": len(b.release_ts),
        "forwards": sum(1 for r in b.records if r[1] == FWD),
        "deleted_ids": len(b.deleted_ids),
        "date_only": b.date_only,
    }


def _malformed_truth(
    files: list[dict[str, Any]], built: dict[int, _Built], chans: list[Channel]
) -> list[dict[str, Any]]:
    by_id = {str(c.chat_id): built[c.index] for c in chans}
    out = []
    for f in files:
        for st in f["chats"]:
            infos = iter(by_id[st["channel_id"]].malformed)
            for pos in st["malformed_positions"]:
                info = next(infos)
                out.append({"file": f["path"], "position": pos, "channel_id": st["channel_id"],
                            **info})  # fmt: skip
    return out


def _file_summary(f: dict[str, Any]) -> dict[str, Any]:
    chats = [{k: v for k, v in st.items() if k != "message_ids"} for st in f["chats"]]
    return {"path": f["path"], "kind": f["kind"], "records": sum(c["records"] for c in chats),
            "chats": chats}  # fmt: skip


def _expected(files: list[dict[str, Any]], chans: list[Channel]) -> dict[str, Any]:
    """Totals one ingest of every file (with the registry loaded) must report.

    read = new + duplicates + quarantined + skipped (service and unsupported records).
    The rest is what ``mutewatch status`` shows afterwards: ``official_posts`` are all posts
    of official outlets' channels, forwards included; ``official_releases`` leave forwards
    out; ``links`` counts posts with a link (each has one); ``outlets`` are the registry's
    plus one for each channel no registry names.
    """
    read = quarantined = skipped = posts_read = 0
    posts: dict[tuple[str, int], tuple[int, bool, bool, bool]] = {}
    for f in files:
        for st in f["chats"]:
            read += st["records"]
            quarantined += st["malformed"]
            skipped += st["service"] + st["unsupported"]
            posts_read += st["posts"] + st["forwards"]
            for mid, ts, fwd, link in st["message_ids"]:
                posts[(st["channel_id"], mid)] = (ts, fwd, link, st["official"])
    values = list(posts.values())
    times = [v[0] for v in values]
    return {
        "read": read,
        "new": len(posts),
        "duplicates": posts_read - len(posts),
        "quarantined": quarantined,
        "skipped": skipped,
        "posts": len(posts),
        "official_posts": sum(1 for v in values if v[3]),
        "supporter_posts": sum(1 for v in values if not v[3]),
        "official_releases": sum(1 for v in values if v[3] and not v[1]),
        "forwards": sum(1 for v in values if v[1]),
        "links": sum(1 for v in values if v[2]),
        "outlets": len({c.outlet for c in chans if c.registered})
        + sum(1 for c in chans if not c.registered),
        "official_outlets": len({c.outlet for c in chans if c.official}),
        "accounts": len(chans),
        "sources": len(files),
        "first": _iso_utc(min(times)) if times else None,
        "last": _iso_utc(max(times)) if times else None,
    }


_COUNTS = ("read", "new", "duplicates", "quarantined", "skipped")


def check_ingest_totals(manifest: DemoManifest, report: Any) -> None:
    """Raise unless an ingest of the demo's exports reported what the generator planted.

    ``report`` is the ``IngestReport`` of ``manifest.exports``: its read, new, duplicates,
    quarantined and skipped must be the manifest's ``expected`` ones. Files the store held
    already (a demo run again in the same folder) are read again as duplicates, so a run in
    which any file was ingested before is held to new 0 and duplicates of every post read.
    A difference means the importer lost, doubled or misfiled records, or the store held
    other data: the demo's figures would not be the planted truth.
    """
    from mutewatch.errors import MutewatchError

    expected = {k: int(manifest.truth["expected"][k]) for k in _COUNTS}
    if any(f.status != "new" for f in report.files):  # read before: nothing new
        expected["duplicates"] += expected["new"]
        expected["new"] = 0
    got = {k: int(getattr(report, k)) for k in _COUNTS}
    wrong = [f"{k} {got[k]:,} (expected {expected[k]:,})" for k in _COUNTS if got[k] != expected[k]]
    if wrong:
        raise MutewatchError(
            f"the demo's ingest of {manifest.exports} does not match what the generator wrote "
            f"({manifest.path}): {'; '.join(wrong)}",
            hint=(
                "the importer lost, doubled or misfiled records, or the store held other "
                "data; run the demo into a new --dir to tell which"
            ),
        )


# --------------------------------------------------------------------------------------
# Benchmark export
# --------------------------------------------------------------------------------------


def write_benchmark_export(
    path: Path | str,
    *,
    messages: int = 1_000_000,
    target_bytes: int | None = None,
    seed: int = 7,
    tz: str = "UTC",
) -> dict[str, int]:
    """Stream one single-chat export of ``messages`` messages (or at least ``target_bytes``).

    Messages have the demo's field shapes (media placeholders, entity arrays, links,
    forwards, edits, service and unsupported records). Memory stays bounded whatever the
    size. Returns ``{"messages", "bytes", "posts", "skipped"}``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ch = Channel(0, 1_500_000_000, "Benchmark Channel", "Benchmark Channel", True, "benchch")
    donor = Channel(1, 1_100_000_010, "Province 01 Media Office", "Province 01 Media Office",
                    True, "province01media")  # fmt: skip
    chans = [ch, donor]
    clock = _Clock(tz)
    ts, seq, written, posts, skipped = _epoch("2015-01-01"), 0, 0, 0, 0
    expected = messages if target_bytes is None else max(1, target_bytes // 620)
    mean_gap = max(1.0, 3 * 365 * DAY / expected)  # spread over about three years
    with open(path, "wb", buffering=1 << 20) as fh:
        w = _ChatWriter(fh, _chat_header(ch), 0)
        while (target_bytes is None and written < messages) or (
            target_bytes is not None and fh.tell() < target_bytes
        ):
            n = 50_000 if target_bytes is not None else min(50_000, messages - written)
            gaps = rng.exponential(mean_gap, size=n).astype(np.int64) + 1
            at = _post_attrs(rng, n, True)
            kinds = at["kind"]
            extra = rng.random(n)
            for i in range(n):
                ts += int(gaps[i])
                seq += 1
                if extra[i] < 0.002:
                    w.write({"id": seq, "type": "unsupported"})
                    skipped += 1
                    continue
                if extra[i] < 0.004:
                    svc = _Event(ts, 0, SERVICE, {"action": "pin_message"})
                    w.write(_service(svc, ch, seq, clock, [seq - 1]))
                    skipped += 1
                    continue
                fwd = extra[i] > 0.9
                rel = _Release(1 if fwd else 0, seq, ts, KINDS[int(kinds[i])],
                               _pick_host(ts, float(at["host_u"][i])) if at["link"][i] else -1,
                               bool(at["style"][i]))  # fmt: skip
                msg = _head(seq, "message", ts, clock)
                if at["edited"][i]:
                    t2 = ts + int(at["edit_delay"][i])
                    msg["edited"], msg["edited_unixtime"] = clock.local(t2), str(t2)
                msg["from"], msg["from_id"] = ch.name, f"channel{ch.chat_id}"
                if fwd:
                    msg["forwarded_from"] = donor.name
                msg.update(_media(rel))
                msg["text"], msg["text_entities"] = _text(rel, chans)
                w.write(msg)
                posts += 1
            written += n
        w.close()
        fh.write(b"\n")
        size = fh.tell()
    return {"messages": w.count, "bytes": size, "posts": posts, "skipped": skipped}


DEMO_STORE_NAME = "mutewatch.duckdb"


def demo_store_path(directory: Path | str, given: Path | str | None) -> Path:
    """The store the demo writes: ``given`` (--store or MUTEWATCH_STORE) when there is one,
    else ``mutewatch.duckdb`` inside the demo folder, so that the demo never loads its
    registry and 126k synthetic posts into the default research store."""
    return Path(given) if given is not None else Path(directory) / DEMO_STORE_NAME


def check_demo_store(store_path: Path | str, directory: Path | str) -> None:
    """Refuse a store that holds anything but a previous demo written into ``directory``.

    The demo replaces the store's outlet registry and adds synthetic posts: run beside a
    research store it would corrupt it. A store is the demo's when it does not exist, is
    empty, or every source it read lies inside ``directory``. Raises UsageError otherwise.
    """
    import duckdb

    from mutewatch.errors import UsageError

    path = Path(store_path)
    if not path.exists():
        return
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise UsageError(
            f"the demo cannot check the store {path}: {exc}",
            hint="run the demo without --store (it writes its own store in the demo folder)",
        ) from exc
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        sources = (
            [str(r[0]) for r in con.execute("SELECT path FROM sources").fetchall()]
            if "sources" in tables
            else []
        )
        registered = (
            int(con.execute("SELECT count(*) FROM outlets WHERE registered").fetchall()[0][0])
            if "outlets" in tables
            else 0
        )
    finally:
        con.close()
    _refuse_foreign(path, Path(directory), sources, registered)


def _refuse_foreign(path: Path, directory: Path, sources: list[str], registered: int) -> None:
    """The UsageError for a store with sources outside ``directory`` or a registry alone."""
    from mutewatch.errors import UsageError

    root = directory.resolve()
    foreign = [s for s in sources if not Path(s).resolve().is_relative_to(root)]
    if not foreign and (sources or not registered):
        return
    what = (
        f"{len(foreign)} source(s) from outside {directory}, e.g. {foreign[0]}"
        if foreign
        else f"an outlet registry ({registered} registered outlets) and no demo sources"
    )
    raise UsageError(
        f"the store {path} holds {what}: the demo would replace its outlet registry and "
        "add synthetic posts to it",
        hint=(
            "run `mutewatch demo` without --store and MUTEWATCH_STORE (it writes its own "
            f"store, {Path(directory) / DEMO_STORE_NAME}), or pass --store with a new file"
        ),
    )
