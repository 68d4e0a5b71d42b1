"""Helpers of the session-20 moderation tests (a plain module, imported as
``s20_moderate.s20m_helpers``): tests/moderate's helpers on ``sys.path``, a role's header, one
clause of a decision, and ``moderate check`` run as a process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

TESTS = Path(__file__).resolve().parents[1]
for _folder in ("moderate", "web"):
    if str(TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(TESTS / _folder))

ARTICLE = {"id": "a1", "title": "Tram line", "body": "The council funds a new tram line."}


def auth(tokens: dict[str, str], role: str = "moderator") -> dict[str, str]:
    """The header of ``role``'s bearer token."""
    return {"Authorization": f"Bearer {tokens[role]}"}


def clause(decision: dict[str, Any], name: str) -> dict[str, Any]:
    """The clause ``name`` of a decision."""
    [found] = [c for c in decision["clauses"] if c["clause"] == name]
    return dict(found)


def check_lines(
    texts: list[str], tmp: Path, policy: Path, raw: bytes = b""
) -> list[dict[str, Any]]:
    """The decisions of ``moderate check --policy POLICY`` on one line per text (ids 1, 2,
    ...; no store), then the lines ``raw``, asserting that it exits 0."""
    lines = b"".join(
        json.dumps({"id": str(n), "author_name": "Ana Silva", "text": text}).encode() + b"\n"
        for n, text in enumerate(texts, start=1)
    )
    lines += raw
    command = [sys.executable, "-m", "mutewatch", "--store", str(tmp / "none.duckdb"),
               "moderate", "check", "--policy", str(policy)]  # fmt: skip
    done = subprocess.run(command, input=lines, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


async def submit(client: httpx.AsyncClient, tokens: dict[str, str], text: str) -> dict[str, Any]:
    """POST a comment on a1 by Ana Silva as the viewer; its 201 answer."""
    comment = {"article_id": "a1", "author_name": "Ana Silva", "text": text}
    r = await client.post("/api/v1/comments", json=comment, headers=auth(tokens, "viewer"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def held_naming(body: dict[str, Any], text: str, person: str) -> None:
    """Assert that ``body`` is a hold whose defamatory evidence names ``person`` in ``text``."""
    assert body["decision"] == "hold", (text, body)
    evidence = clause(body, "defamatory")["evidence"]
    assert evidence["person"] == person, text
    assert evidence["span"]["text"] == text
