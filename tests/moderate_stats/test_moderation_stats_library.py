"""``moderation_stats`` on a real store: counts, overturn rates, queue times, windows."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from modstats_helpers import AS_OF, History

from mutewatch.errors import UsageError
from mutewatch.moderate.service import deciding_clauses, migrate_moderation
from mutewatch.moderate.stats import moderation_stats
from mutewatch.store import Store


@pytest.fixture(scope="module")
def stats(history: History) -> dict[str, Any]:
    with Store.open(history.path, read_only=True) as store:
        result: dict[str, Any] = moderation_stats(store, now=AS_OF)
    return result


def test_machine_decisions_and_current_statuses(stats: dict[str, Any]) -> None:
    assert stats["submitted"] == 7
    assert stats["machine"] == {"publish": 2, "hold": 4, "reject": 1}
    assert stats["status"] == {"published": 3, "held": 1, "rejected": 3}


def test_clauses_fired_and_decided(stats: dict[str, Any]) -> None:
    clauses = stats["clauses"]
    assert isinstance(clauses, dict)
    assert clauses["defamatory"] == {
        "checked": 7, "fired": 3, "decided": {"publish": 0, "hold": 3, "reject": 0}
    }  # fmt: skip
    assert clauses["irrelevant"]["decided"] == {"publish": 0, "hold": 1, "reject": 1}
    assert clauses["racist"]["fired"] == 0
    assert clauses["language"]["checked"] == 0  # not in this policy: checked on no comment


def test_overturn_rate_per_deciding_clause(stats: dict[str, Any]) -> None:
    by_clause = stats["review_by_clause"]
    assert isinstance(by_clause, dict)
    assert by_clause["hold"]["defamatory"] == {
        "comments": 3, "reviewed": 2, "approved": 1, "rejected": 1, "edited": 0,
        "not_reviewed": 1, "overturned": 1, "overturn_rate": 0.5,
    }  # fmt: skip
    # edited first, then rejected by another moderator: the latest action counts
    assert by_clause["hold"]["irrelevant"]["rejected"] == 1
    assert by_clause["hold"]["irrelevant"]["overturn_rate"] == 0.0
    assert by_clause["reject"]["irrelevant"]["overturn_rate"] == 1.0


def test_review_of_every_machine_decision(stats: dict[str, Any]) -> None:
    review = stats["review"]
    assert isinstance(review, dict)
    assert review["hold"]["reviewed"] == 3 and review["hold"]["not_reviewed"] == 1
    assert review["hold"]["overturn_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert review["publish"] == {
        "comments": 2, "reviewed": 1, "approved": 0, "rejected": 1, "edited": 0,
        "not_reviewed": 1, "overturned": 1, "overturn_rate": 1.0,
    }  # fmt: skip
    assert review["reject"]["approved"] == 1


def test_queue_age_and_time_to_first_action(stats: dict[str, Any], history: History) -> None:
    queue = stats["queue"]
    assert isinstance(queue, dict)
    assert queue["held_now"] == 1
    assert queue["oldest_held"] == {
        "comment_id": history.ids["held_waiting"],
        "submitted_at": "2026-11-12T09:00:00Z",
        "age_seconds": 2 * 86400 + 3 * 3600.0,
    }
    # waits of 30 min, 2 h and 1 h: median 1 h, p90 interpolated 1 h + 0.8 h
    assert queue["time_to_first_action"] == {
        "comments": 3, "median_seconds": 3600.0, "p90_seconds": 6480.0
    }  # fmt: skip
    assert stats["as_of"] == "2026-11-14T12:00:00Z"


def test_actions_per_moderator(stats: dict[str, Any]) -> None:
    assert stats["moderators"] == [
        {"moderator": "ana", "actions": 3, "approve": 2, "reject": 0, "edit": 1, "comments": 3},
        {"moderator": "ben", "actions": 3, "approve": 0, "reject": 3, "edit": 0, "comments": 3},
    ]


def test_findings_state_numbers_and_method(stats: dict[str, Any]) -> None:
    findings = stats["findings"]
    assert isinstance(findings, list)
    period = "submitted 2026-11-10..2026-11-14"
    assert (
        f"Moderators approved 1 of the 2 reviewed comments held as defamatory (50%): the"
        f" clause's overturn rate for comments {period} (0 edited, 1 rejected, 1 not reviewed;"
        " by each comment's latest moderator action)." in findings
    )
    assert findings[0] == (
        f"7 comments were {period}: the machine published 2, held 4 and rejected 1"
        " (its decision on submission)."
    )
    assert any(s.startswith("Held comments waited a median of 1 h 00 min") for s in findings)
    assert any(s.startswith("ana took 3 actions on 3 comments") for s in findings)


def test_window_by_submission_day(history: History) -> None:
    with Store.open(history.path, read_only=True) as store:
        got = moderation_stats(store, since="2026-11-11", until="2026-11-12", now=AS_OF)
    assert got["submitted"] == 4
    assert got["machine"] == {"publish": 0, "hold": 3, "reject": 1}
    assert [m["actions"] for m in got["moderators"]] == [2, 2]  # only actions on those four
    assert got["parameters"] == {"from": "2026-11-11", "to": "2026-11-12", "article_id": None}
    assert got["period"] == "submitted 2026-11-11..2026-11-12"


def test_article_filter(history: History) -> None:
    with Store.open(history.path, read_only=True) as store:
        got = moderation_stats(store, article_id="a2", now=AS_OF)
    assert got["submitted"] == 1 and got["status"]["rejected"] == 1
    assert got["moderators"][0]["moderator"] == "ben"
    assert "on article a2" in got["findings"][0]


def test_store_without_moderation_tables_gives_zeros(tmp_path: Path) -> None:
    with Store.open(tmp_path / "plain.duckdb") as store:
        got = moderation_stats(store, now=AS_OF)
    assert got["submitted"] == 0 and got["machine"] == {"publish": 0, "hold": 0, "reject": 0}
    assert got["queue"]["oldest_held"] is None
    assert got["review"]["hold"]["overturn_rate"] is None
    assert got["findings"][0].startswith("No comments were submitted up to 2026-11-14")
    con = duckdb.connect(str(tmp_path / "bare.duckdb"))  # a bare connection works too
    assert moderation_stats(con, now=AS_OF)["submitted"] == 0


def test_reading_writes_nothing(history: History) -> None:
    before = history.path.stat().st_mtime_ns
    with Store.open(history.path, read_only=True) as store:
        moderation_stats(store, now=AS_OF)
    assert history.path.stat().st_mtime_ns == before


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2026-13-01", None, "from: '2026-13-01' is not a calendar date"),
        (None, "yesterday", "to: 'yesterday' is not a date in the form YYYY-MM-DD"),
        ("2026-11-12", "2026-11-11", "ends .* before it starts"),
    ],
)
def test_bad_dates_are_usage_errors(
    history: History, since: str | None, until: str | None, message: str
) -> None:
    with (
        Store.open(history.path, read_only=True) as store,
        pytest.raises(UsageError, match=message),
    ):
        moderation_stats(store, since=since, until=until)


def _expected_deciding(con: duckdb.DuckDBPyConnection) -> Counter[tuple[str, str]]:
    """(machine decision, clause) counts by the service's own ``deciding_clauses``."""
    rows = con.execute(
        "SELECT c.decision, d.clauses FROM mod_comments c JOIN mod_decisions d"
        " USING (comment_id) WHERE d.decided_by = 'machine'"
    ).fetchall()
    out: Counter[tuple[str, str]] = Counter()
    for decision, clauses in rows:
        for name in (deciding_clauses(json.loads(clauses)) or "(none)").split(","):
            out[decision, name] += 1
    return out


def _got_deciding(stats: dict[str, Any]) -> Counter[tuple[str, str]]:
    got: Counter[tuple[str, str]] = Counter()
    for decision, by_clause in stats["review_by_clause"].items():
        for name, entry in by_clause.items():
            got[decision, name] = entry["comments"]
    return got


def test_deciding_clauses_agree_with_the_service(history: History) -> None:
    with Store.open(history.path, read_only=True) as store:
        got = _got_deciding(moderation_stats(store, now=AS_OF))
        expected = _expected_deciding(store.con)
    assert got == Counter({k: v for k, v in expected.items() if k[0] != "publish"})


def test_ties_and_missing_actions_follow_the_service(tmp_path: Path) -> None:
    """Two clauses firing with the same action both decide; a fired clause with no action in
    its evidence counts as hold (the service's rule); a lower-severity one does not decide."""
    con = duckdb.connect(str(tmp_path / "edge.duckdb"))
    migrate_moderation(con)
    decisions = {
        "c1": ("hold", [{"clause": "defamatory", "fired": True, "evidence": {"action": "hold"}},
                        {"clause": "irrelevant", "fired": True, "evidence": {}}]),
        "c2": ("reject", [{"clause": "personal", "fired": True, "evidence": {"action": "hold"}},
                          {"clause": "racist", "fired": True, "evidence": {"action": "reject"}},
                          {"clause": "irrelevant", "fired": False, "evidence": {}}]),
    }  # fmt: skip
    for i, (cid, (decision, clauses)) in enumerate(decisions.items()):
        con.execute(
            "INSERT INTO mod_comments VALUES (?, 'a1', NULL, 'A B', NULL, 't', 1, ?, ?, NULL,"
            " ?, ?)",
            [cid, {"hold": "held", "reject": "rejected"}[decision], decision, AS_OF, AS_OF],
        )
        con.execute(
            "INSERT INTO mod_decisions VALUES (?, ?, 1, 'machine', ?, 'r', ?, 'v', '{}', ?)",
            [i, cid, decision, json.dumps(clauses), AS_OF],
        )
    got = moderation_stats(con, now=AS_OF)
    assert _got_deciding(got) == _expected_deciding(con)
    assert set(got["review_by_clause"]["hold"]) == {"defamatory", "irrelevant"}
    assert set(got["review_by_clause"]["reject"]) == {"racist"}
    assert got["clauses"]["irrelevant"] == {
        "checked": 2, "fired": 1, "decided": {"publish": 0, "hold": 1, "reject": 0}
    }  # fmt: skip
    assert got["clauses"]["personal"]["decided"]["reject"] == 0
