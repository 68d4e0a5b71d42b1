"""Numbers about a newsroom's own moderation: what the machine decided, what moderators did.

``moderation_stats(store_or_con, since=..., until=..., article_id=...)`` reads the moderation
tables (``mod_comments``, ``mod_decisions``, ``mod_audit``; see ``moderate.service``) and
answers one JSON-ready dict. Nothing is written.

Method, as every finding sentence restates it:

* **The comments counted** are those *submitted* on the UTC days ``since..until`` (both
  included; either end open), on ``article_id`` if given. Every figure is about these
  comments, including the moderator actions taken on them (at any time up to now).
* **The machine's decision** is the one stored on submission; a clause *fired* when its score
  reached its threshold (or its hold band); it *decided* the outcome when it is among the
  fired clauses with the most severe action (``service.deciding_clauses``). A comment decided
  by two clauses counts under both.
* **A moderator's verdict** on a comment is their *latest* action on it (approve, reject or
  edit); the queue time is from submission to the *first* action.
* **Overturn rate**: of the reviewed comments the machine held (or rejected), the share a
  moderator approved as they were; of those it published, the share a moderator rejected.
  For a held clause this is its false-positive rate in production. Edits are counted apart.
* Quantiles interpolate linearly between ranks (``numpy.quantile``'s default).

Library use::

    from mutewatch.moderate.stats import moderation_stats
    from mutewatch.store import Store
    with Store.open("mutewatch.duckdb", read_only=True) as store:
        print("\\n".join(moderation_stats(store, since="2026-11-01")["findings"]))
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb

from mutewatch.errors import UsageError
from mutewatch.measure.params import iso, parse_date
from mutewatch.moderate.policy import CLAUSES
from mutewatch.moderate.service import deciding_clauses

DECISIONS = ("publish", "hold", "reject")
STATUSES = ("published", "held", "rejected")
ACTIONS = ("approve", "reject", "edit")
OVERTURN = {"publish": "reject", "hold": "approve", "reject": "approve"}
"""The moderator action that says the machine's decision was wrong."""
NO_CLAUSE = "(none)"
"""The deciding clause of a machine decision no clause fired for."""
Con = duckdb.DuckDBPyConnection


@dataclass
class _Comment:
    """One counted comment: the machine's decision and the moderators' actions on it."""

    comment_id: str
    status: str
    decision: str
    submitted: datetime
    clauses: list[dict[str, Any]]
    actions: list[tuple[str, str, datetime]] = field(default_factory=list)  # actor, action, at

    @property
    def deciding(self) -> list[str]:
        """The clause(s) that decided the machine's outcome (``NO_CLAUSE`` if none fired)."""
        names = deciding_clauses(self.clauses)
        return names.split(",") if names else [NO_CLAUSE]

    @property
    def verdict(self) -> str | None:
        """The latest moderator action, or None when no moderator acted."""
        return self.actions[-1][1] if self.actions else None


@dataclass(frozen=True)
class _Window:
    """The counted comments' submission days, and the time "now" is taken at."""

    start: date | None
    end: date | None
    article_id: str | None
    as_of: datetime

    def sql(self) -> tuple[str, list[Any]]:
        """A WHERE clause over ``mod_comments`` and its parameters."""
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if self.start is not None:
            where.append("created_at >= ?")
            params.append(datetime.combine(self.start, datetime.min.time()))
        if self.end is not None:
            where.append("created_at < ?")
            params.append(datetime.combine(self.end + timedelta(days=1), datetime.min.time()))
        if self.article_id is not None:
            where.append("article_id = ?")
            params.append(self.article_id)
        return " AND ".join(where), params

    def text(self, comments: list[_Comment]) -> str:
        """``submitted 2026-11-01..2026-11-29 on article a1``: the open ends from the data."""
        first = self.start or (min(c.submitted for c in comments).date() if comments else None)
        last = self.end or self.as_of.date()
        span = f"{first.isoformat()}..{last.isoformat()}" if first else f"up to {last}"
        where = f" on article {self.article_id}" if self.article_id is not None else ""
        return f"submitted {span}{where}"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _window(
    since: str | date | None, until: str | date | None, article_id: str | None, now: datetime
) -> _Window:
    """Check the options: dates as YYYY-MM-DD, ``since`` not after ``until``."""
    start = parse_date(since, "from")
    end = parse_date(until, "to")
    if start and end and end < start:
        raise UsageError(
            f"the period ends ({end}) before it starts ({start})",
            hint="give --from/from no later than --to/to",
        )
    if article_id is not None and not article_id.strip():
        raise UsageError("article_id is empty", hint="name an article, or leave it out")
    return _Window(start, end, article_id, now)


def _connection(store_or_con: Any) -> Con:
    """The DuckDB connection of a ``Store`` (its ``con``) or the connection itself."""
    con = getattr(store_or_con, "con", store_or_con)
    if not isinstance(con, duckdb.DuckDBPyConnection):
        raise TypeError(f"expected a Store or a DuckDB connection, not {type(con).__name__}")
    return con


def _has_tables(con: Con) -> bool:
    """True when the moderation tables exist (a store no comment reached has none)."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables"
        " WHERE table_name IN ('mod_comments', 'mod_decisions', 'mod_audit')"
    ).fetchone()
    return bool(row and row[0] == 3)


_COMMENTS_SQL = """
SELECT c.comment_id, c.status, c.decision, c.created_at, d.clauses
FROM (SELECT * FROM mod_comments WHERE {where}) c
LEFT JOIN (SELECT comment_id, clauses FROM mod_decisions WHERE decided_by = 'machine'
           QUALIFY row_number() OVER (PARTITION BY comment_id ORDER BY decision_id DESC) = 1) d
  USING (comment_id)
ORDER BY c.created_at, c.comment_id
"""
_ACTIONS_SQL = """
SELECT a.comment_id, a.actor, a.action, a.logged_at
FROM mod_audit a JOIN (SELECT comment_id FROM mod_comments WHERE {where}) c USING (comment_id)
WHERE a.action IN ('approve', 'reject', 'edit')
ORDER BY a.audit_id
"""


def _read(con: Con, window: _Window) -> list[_Comment]:
    """The counted comments with the machine's clauses and the moderators' actions."""
    if not _has_tables(con):
        return []
    where, params = window.sql()
    comments = {
        row[0]: _Comment(row[0], row[1], row[2], row[3], json.loads(row[4] or "[]"))
        for row in con.execute(_COMMENTS_SQL.format(where=where), params).fetchall()
    }
    for comment_id, actor, action, at in con.execute(
        _ACTIONS_SQL.format(where=where), params
    ).fetchall():
        comments[comment_id].actions.append((actor, action, at))
    return list(comments.values())


def _share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 4 places; None when ``whole`` is 0."""
    return round(part / whole, 4) if whole else None


def _pct(part: int, whole: int) -> str:
    """``30%`` (one decimal below 10%), or ``no share`` when ``whole`` is 0."""
    if not whole:
        return "no share"
    value = 100 * part / whole
    return f"{value:.1f}%" if 0 < value < 10 else f"{value:.0f}%"


def _n(count: int, word: str) -> str:
    """``1 comment``, ``3 comments``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile by linear interpolation between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (pos - low), 1)


def duration(seconds: float | None) -> str:
    """``45 s``, ``12 min``, ``3 h 05 min``, ``2 d 4 h``; ``-`` for None."""
    if seconds is None:
        return "-"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def _review(comments: list[_Comment], machine: str) -> dict[str, Any]:
    """What moderators did with the comments the machine decided ``machine`` about."""
    verdicts = Counter(c.verdict for c in comments)
    reviewed = sum(verdicts[a] for a in ACTIONS)
    overturned = verdicts[OVERTURN[machine]]
    return {
        "comments": len(comments),
        "reviewed": reviewed,
        "approved": verdicts["approve"],
        "rejected": verdicts["reject"],
        "edited": verdicts["edit"],
        "not_reviewed": verdicts[None],
        "overturned": overturned,
        "overturn_rate": _share(overturned, reviewed),
    }


def _by_clause(comments: list[_Comment], machine: str) -> dict[str, dict[str, Any]]:
    """``_review`` per deciding clause of the comments the machine decided ``machine``."""
    groups: dict[str, list[_Comment]] = {}
    for c in comments:
        for name in c.deciding:
            groups.setdefault(name, []).append(c)
    order = [*CLAUSES, *sorted(set(groups) - set(CLAUSES))]
    return {name: _review(groups[name], machine) for name in order if name in groups}


def _clauses(comments: list[_Comment]) -> dict[str, dict[str, Any]]:
    """Per clause: on how many comments it was checked, fired, and decided each outcome."""
    out: dict[str, dict[str, Any]] = {}
    names = {str(x.get("clause")) for c in comments for x in c.clauses}
    for name in [*CLAUSES, *sorted(names - set(CLAUSES))]:
        out[name] = {"checked": 0, "fired": 0, "decided": dict.fromkeys(DECISIONS, 0)}
    for c in comments:
        for x in c.clauses:
            entry = out[str(x.get("clause"))]
            entry["checked"] += 1
            entry["fired"] += bool(x.get("fired"))
        for name in c.deciding:
            if name != NO_CLAUSE:
                out[name]["decided"][c.decision] = out[name]["decided"].get(c.decision, 0) + 1
    return out


def _queue(comments: list[_Comment], as_of: datetime) -> dict[str, Any]:
    """Held now, the oldest held comment, and the time held comments waited for a moderator."""
    held = [c for c in comments if c.status == "held"]
    oldest = min(held, key=lambda c: (c.submitted, c.comment_id)) if held else None
    waits = [
        (c.actions[0][2] - c.submitted).total_seconds()
        for c in comments
        if c.decision == "hold" and c.actions
    ]
    return {
        "held_now": len(held),
        "oldest_held": None
        if oldest is None
        else {
            "comment_id": oldest.comment_id,
            "submitted_at": iso(oldest.submitted),
            "age_seconds": round((as_of - oldest.submitted).total_seconds(), 1),
        },
        "time_to_first_action": {
            "comments": len(waits),
            "median_seconds": _quantile(waits, 0.5),
            "p90_seconds": _quantile(waits, 0.9),
        },
    }


def _moderators(comments: list[_Comment]) -> list[dict[str, Any]]:
    """Actions per moderator on the counted comments, most active first."""
    counts: dict[str, Counter[str]] = {}
    touched: dict[str, set[str]] = {}
    for c in comments:
        for actor, action, _ in c.actions:
            counts.setdefault(actor, Counter())[action] += 1
            touched.setdefault(actor, set()).add(c.comment_id)
    rows = [
        {
            "moderator": actor,
            "actions": sum(n.values()),
            "approve": n["approve"],
            "reject": n["reject"],
            "edit": n["edit"],
            "comments": len(touched[actor]),
        }
        for actor, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r["actions"], r["moderator"]))


def moderation_stats(
    store_or_con: Any,
    *,
    since: str | date | None = None,
    until: str | date | None = None,
    article_id: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Moderation figures for the comments submitted on the UTC days ``since..until``.

    ``store_or_con`` is a ``mutewatch.store.Store`` or a DuckDB connection; only read.
    ``since``/``until`` are dates (``YYYY-MM-DD``, both included, either left open);
    ``article_id`` keeps one article's comments; ``now`` (naive UTC, default the clock) is
    when the queue's age is taken. A store without moderation tables answers zeros. Bad
    dates raise UsageError. See the module doc for the method; ``findings`` states each
    figure as a sentence.
    """
    window = _window(since, until, article_id, now or _now())
    comments = _read(_connection(store_or_con), window)
    by_machine = {d: [c for c in comments if c.decision == d] for d in DECISIONS}
    statuses = Counter(c.status for c in comments)
    result: dict[str, Any] = {
        "parameters": {"from": _day(window.start), "to": _day(window.end),
                       "article_id": article_id},
        "as_of": iso(window.as_of),
        "period": window.text(comments),
        "submitted": len(comments),
        "machine": {d: len(by_machine[d]) for d in DECISIONS},
        "status": {s: statuses[s] for s in STATUSES},
        "clauses": _clauses(comments),
        "review": {d: _review(by_machine[d], d) for d in DECISIONS},
        "review_by_clause": {d: _by_clause(by_machine[d], d) for d in ("hold", "reject")},
        "queue": _queue(comments, window.as_of),
        "moderators": _moderators(comments),
    }  # fmt: skip
    result["findings"] = findings(result)
    return result


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- findings: every figure as one sentence with its numbers and its method ------------------


def findings(stats: dict[str, Any]) -> list[str]:
    """The sentences of a ``moderation_stats`` result, in the order of its sections."""
    period = stats["period"]
    if not stats["submitted"]:
        return [f"No comments were {period} (as of {stats['as_of']}); there is nothing to count."]
    return [
        *_machine_sentences(stats, period),
        *_clause_sentences(stats, period),
        *_review_sentences(stats, period),
        *_queue_sentences(stats, period),
        *_moderator_sentences(stats, period),
    ]


def _machine_sentences(stats: dict[str, Any], period: str) -> list[str]:
    m, s, n = stats["machine"], stats["status"], stats["submitted"]
    return [
        f"{_n(n, 'comment')} {'was' if n == 1 else 'were'} {period}: the machine published"
        f" {m['publish']}, held {m['hold']}"
        f" and rejected {m['reject']} (its decision on submission).",
        f"Of the same {n} comments, {s['published']} are published, {s['held']} held and"
        f" {s['rejected']} rejected now (their current status as of {stats['as_of']}).",
    ]


def _clause_sentences(stats: dict[str, Any], period: str) -> list[str]:
    out = []
    for name, entry in stats["clauses"].items():
        if not entry["fired"]:
            continue
        decided = entry["decided"]
        total = sum(decided.values())
        out.append(
            f"The clause {name} fired on {entry['fired']} of the {_n(entry['checked'], 'comment')}"
            f" it checked ({_pct(entry['fired'], entry['checked'])}) and decided the outcome of"
            f" {total} ({decided['hold']} held, {decided['reject']} rejected), among comments"
            f" {period} (fired: score at or above its threshold or hold band; decided: among"
            " the fired clauses with the most severe action)."
        )
    return out


def _review_sentences(stats: dict[str, Any], period: str) -> list[str]:
    hold, pub, rej = (stats["review"][d] for d in ("hold", "publish", "reject"))
    method = "by each comment's latest moderator action"
    out = [
        f"Moderators reviewed {hold['reviewed']} of the {hold['comments']} comments the machine"
        f" held ({_pct(hold['reviewed'], hold['comments'])}): they approved {hold['approved']},"
        f" edited {hold['edited']} and rejected {hold['rejected']}; {hold['not_reviewed']} have"
        f" no moderator action yet ({period}, {method})."
    ]
    for name, r in stats["review_by_clause"]["hold"].items():
        if not r["reviewed"]:
            out.append(
                f"None of the {_n(r['comments'], 'comment')} held as {name} {period} has a"
                " moderator action yet: the clause has no overturn rate for them."
            )
            continue
        out.append(
            f"Moderators approved {r['approved']} of the {r['reviewed']} reviewed comments held"
            f" as {name} ({_pct(r['approved'], r['reviewed'])}): the clause's overturn rate for"
            f" comments {period} ({r['edited']} edited, {r['rejected']} rejected,"
            f" {r['not_reviewed']} not reviewed; {method})."
        )
    for name, r in stats["review_by_clause"]["reject"].items():
        if r["reviewed"]:
            out.append(
                f"Moderators approved {r['approved']} of the {r['reviewed']} reviewed comments"
                f" rejected as {name} ({_pct(r['approved'], r['reviewed'])}) and edited"
                f" {r['edited']}, among comments {period} ({method})."
            )
    out.append(
        f"Moderators rejected {pub['rejected']} and edited {pub['edited']} of the"
        f" {pub['comments']} comments the machine published"
        f" ({_pct(pub['rejected'], pub['comments'])} rejected), and approved {rej['approved']}"
        f" and edited {rej['edited']} of the {rej['comments']} it rejected"
        f" ({_pct(rej['approved'], rej['comments'])} approved); comments {period}, {method}."
    )
    return out


def _queue_sentences(stats: dict[str, Any], period: str) -> list[str]:
    q = stats["queue"]
    oldest = q["oldest_held"]
    if oldest is None:
        first = f"No comment {period} is held now (as of {stats['as_of']})."
    else:
        first = (
            f"{_n(q['held_now'], 'comment')} {period} {'is' if q['held_now'] == 1 else 'are'}"
            " held now; the oldest,"
            f" {oldest['comment_id']}, was submitted at {oldest['submitted_at'][:19]}Z,"
            f" {duration(oldest['age_seconds'])}"
            f" before {stats['as_of']}."
        )
    wait = q["time_to_first_action"]
    if not wait["comments"]:
        return [first, f"No held comment {period} has a moderator action yet."]
    return [
        first,
        f"Held comments waited a median of {duration(wait['median_seconds'])} and a 90th"
        f" percentile of {duration(wait['p90_seconds'])} from submission to the first"
        f" moderator action, over the {wait['comments']} held comments {period} that have one"
        " (quantiles interpolated linearly between ranks).",
    ]


def _moderator_sentences(stats: dict[str, Any], period: str) -> list[str]:
    if not stats["moderators"]:
        return [f"No moderator acted on the comments {period}."]
    return [
        f"{m['moderator']} took {_n(m['actions'], 'action')} on"
        f" {_n(m['comments'], 'comment')} {period}:"
        f" {m['approve']} approvals, {m['reject']} rejections and {m['edit']} edits"
        " (audit log entries)."
        for m in stats["moderators"]
    ]
