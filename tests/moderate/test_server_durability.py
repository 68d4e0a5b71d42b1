"""A comment acknowledged with 201 by a real server survives kill -9 of that server."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import duckdb
import httpx
import pytest
from modhelpers import app_script, start_server, wait_until_serving

SERVER = app_script("create_app(Path(sys.argv[1]), linger=5.0)")


@pytest.mark.server
@pytest.mark.slow
def test_201_comment_survives_kill_9(tmp_path: Path) -> None:
    proc, store, url, token = start_server(tmp_path, SERVER)
    try:
        with httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ) as client:
            wait_until_serving(client, proc)
            article = {"id": "a1", "title": "Tram line", "body": "The council funds a tram."}
            assert client.post("/api/v1/articles", json=article).status_code == 201
            r = client.post(
                "/api/v1/comments",
                json={"article_id": "a1", "author_name": "Ana Silva", "text": "Good trams."},
            )
            assert r.status_code == 201, r.text
            acked = r.json()["id"]
            # the writer lingers with the store open (linger=5 s): kill it right now
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    con = duckdb.connect(str(store))
    row = con.execute(
        "SELECT c.status, count(d.decision_id) FROM mod_comments c JOIN mod_decisions d"
        " USING (comment_id) WHERE comment_id = ? GROUP BY c.status",
        [acked],
    ).fetchone()
    con.close()
    assert row == ("published", 1)
