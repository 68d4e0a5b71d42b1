"""A record whose key (platform, account, message id) a stored post holds with another
time and another text is another post under the same id, not a duplicate: before, it was
counted as a duplicate and dropped without a word (a second CSV whose message_id is a row
number lost every row its ids overlapped). It is quarantined naming both, and the counts
add up; a true repeat (same time, or same text) stays a duplicate."""

from __future__ import annotations

from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAP = {"account": "user", "time": "when", "text": "body", "message_id": "mid"}
FIRST = (
    "user,when,body,mid\n"
    "acc1,2020-01-01T10:00:00,first one,1\n"
    "acc1,2020-01-01T11:00:00,first two,2\n"
)
SECOND = (
    "user,when,body,mid\n"
    "acc1,2020-02-01T10:00:00,second one,1\n"  # id 1 again: another post
    "acc1,2020-01-01T11:00:00,first two,2\n"  # a true repeat
    "acc1,2020-01-01T11:00:00,first two edited,2\n"  # same time: the same post, edited
    "acc1,2020-02-01T12:00:00,second three,3\n"
)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("clash")
    (folder / "a.csv").write_text(FIRST)
    (folder / "b.csv").write_text(SECOND)
    options = IngestOptions(platform="forum", mapping=dict(MAP))
    with Store.open(folder / "s.duckdb") as store:
        ingest(store, [folder / "a.csv"], options)
        second = ingest(store, [folder / "b.csv"], options).as_dict()
        again = ingest(store, [folder / "b.csv"], options).as_dict()
        return {
            "second": second,
            "again": again,
            "quarantine": store.quarantine(),
            "texts": [r["text"] for r in store.rows("SELECT text FROM posts ORDER BY ts")],
            "source": store.rows(
                "SELECT read, new, duplicates, quarantined FROM sources ORDER BY source_id"
            )[1],
        }


def _counts(report: dict[str, Any]) -> tuple[int, ...]:
    return tuple(report[k] for k in ("read", "new", "duplicates", "quarantined"))


def test_another_post_under_a_stored_id_is_quarantined_not_a_duplicate(
    result: dict[str, Any],
) -> None:
    assert _counts(result["second"]) == (4, 1, 2, 1)
    assert result["source"] == {"read": 4, "new": 1, "duplicates": 2, "quarantined": 1}
    (row,) = result["quarantine"]
    assert row["position"] == 0 and '"second one"' in row["raw"]
    assert "message id 1 is stored already" in row["reason"]
    assert "2020-01-01 10:00:00 UTC" in row["reason"]
    assert result["texts"] == ["first one", "first two", "second three"]


def test_reading_it_again_quarantines_it_once(result: dict[str, Any]) -> None:
    assert _counts(result["again"]) == (4, 0, 3, 1)
    assert len(result["quarantine"]) == 1
