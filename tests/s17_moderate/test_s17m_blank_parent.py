"""A blank ``parent_id`` means no parent, as ``""`` always did: a comment widget or web form
sends its hidden parent field empty, or padded, for a top-level comment, and the comment's
blank ``email`` already means no address. ``"   "`` was looked up as a comment id and
answered 404. A padded real id is still a 404, which now says why. Against a real server,
and the batch CLI over the same kind of input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from s17m_helpers import ON_TOPIC, Live, check_run, fresh_text


@pytest.mark.parametrize("blank", ["", "   ", "\t", " \r\n ", "\u3000"])
def test_a_blank_parent_is_a_top_level_comment(live: Live, blank: str) -> None:
    r = live.submit(fresh_text(ON_TOPIC), parent_id=blank)
    assert r.status_code == 201, r.text
    comment = r.json()["id"]
    status = live.call("GET", f"/api/v1/comments/{comment}", "reader")
    assert status.status_code == 200 and status.json()["parent_id"] is None, status.text
    published = live.call("GET", "/api/v1/articles/a1/comments", "reader", params={"limit": 200})
    [item] = [i for i in published.json()["items"] if i["id"] == comment]
    assert item["parent_id"] is None and item["parent_published"] is None


def test_a_padded_parent_id_is_404_saying_why(live: Live) -> None:
    parent = live.submit(ON_TOPIC).json()["id"]
    assert live.submit(ON_TOPIC, parent_id=parent).status_code == 201
    r = live.submit(ON_TOPIC, parent_id=f" {parent} ")
    assert r.status_code == 404, r.text
    message = r.json()["error"]["message"]
    assert f"`parent_id` names no comment: ' {parent} '" in message
    assert "comment ids have no white space at their ends" in message
    assert f"send it as '{parent}'" in message
    r = live.submit(ON_TOPIC, parent_id="c999999")  # an unknown id: as before
    assert r.status_code == 404 and "white space" not in r.json()["error"]["message"]


def test_the_batch_cli_reads_a_blank_parent_as_none(tmp_path: Path) -> None:
    """``moderate check`` decides a comment with a blank parent as one without (the CLI
    never looked a blank parent up; this pins that it agrees with the service)."""
    lines = [{"id": str(n), "author_name": "Ana Silva", "text": ON_TOPIC, **extra}
             for n, extra in enumerate([{}, {"parent_id": ""}, {"parent_id": "   "}])]  # fmt: skip
    done = check_run("".join(json.dumps(x) + "\n" for x in lines).encode(), tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["0", "1", "2"]
    assert out[1:] == [{**out[0], "id": "1"}, {**out[0], "id": "2"}]
