"""The queue on 300k stored comments (bulk SQL, no models): author records agree with a
count done by hand, on the per-author counts and on the fallback that counts the comments,
under every filter. How fast a page is lives in benchmarks/moderation_queue.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from bulk_helpers import fill

from mutewatch.moderate.policy import load_policy
from mutewatch.moderate.service import DirectAccess, ModerationService, recount_moderation

pytestmark = pytest.mark.slow
COMMENTS = 300_000


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file of COMMENTS comments in bulk SQL, without author counts, written once
    and copied for each ``big`` (filling it took ~5 s of each under load)."""
    path = tmp_path_factory.mktemp("bigqueue") / "filled.duckdb"
    con = duckdb.connect(str(path))
    fill(con, COMMENTS, with_author_counts=False)
    con.close()
    return path


@pytest.fixture(scope="module", params=[True, False], ids=["author_counts", "fallback"])
def big(filled: Path, request: pytest.FixtureRequest) -> Iterator[ModerationService]:
    store = filled.with_name(f"store-{request.param_index}.duckdb")
    shutil.copyfile(filled, store)
    con = duckdb.connect(str(store))
    if request.param:  # as `fill(..., with_author_counts=True)` leaves them: the fast path
        con.begin()
        recount_moderation(con)
        con.commit()
    svc = ModerationService(DirectAccess(con), load_policy())  # the queue loads no models
    yield svc
    svc.close()


def _by_hand(svc: ModerationService, cid: str) -> dict[str, int]:
    """The author record of ``cid`` counted with a plain query per status."""
    con = svc.access.read(lambda c: c)
    row = con.execute(
        "SELECT lower(email), author_name FROM mod_comments WHERE comment_id = ?", [cid]
    ).fetchone()
    assert row is not None
    email, name = row
    same = "lower(email) = ?" if email else "author_name = ?"
    rows = con.execute(
        f"SELECT status, comment_id IN (SELECT comment_id FROM mod_decisions"
        f" WHERE decided_by <> 'machine') FROM mod_comments WHERE {same} AND comment_id <> ?",
        [email or name, cid],
    ).fetchall()
    rejected = [human for status, human in rows if status == "rejected"]
    return {
        "comments": len(rows),
        "published": sum(s == "published" for s, _ in rows),
        "held": sum(s == "held" for s, _ in rows),
        "rejected": len(rejected),
        "rejected_by_moderator": sum(rejected),
        "rejected_by_machine": len(rejected) - sum(rejected),
    }


def test_author_records_match_a_count_by_hand(big: ModerationService) -> None:
    page = big.queue(limit=20, offset=1000)
    assert page["total"] == COMMENTS // 10 and len(page["items"]) == 20
    matched = {i["author_record"]["matched_on"] for i in page["items"]}
    assert matched == {"email", "author_name"}
    for item in page["items"]:
        record = dict(item["author_record"])
        record.pop("matched_on")
        assert record == _by_hand(big, item["id"])
    assert any(i["author_record"]["rejected_by_moderator"] for i in page["items"])


@pytest.mark.parametrize("kw", [{"clause": "personal"}, {"appeal": True}])
def test_filtered_pages_carry_the_same_author_records(
    big: ModerationService, kw: dict[str, Any]
) -> None:
    page = big.queue(**kw)
    assert len(page["items"]) == 50
    for item in page["items"][:10]:
        record = dict(item["author_record"])
        record.pop("matched_on")
        assert record == _by_hand(big, item["id"])
