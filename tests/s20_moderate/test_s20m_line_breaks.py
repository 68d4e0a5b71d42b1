"""A line of a comment that does not end in punctuation is a sentence too.

The sentence pattern stopped at a line break but only ended a sentence at punctuation or
at the text's end, so "... took bribes from the tram builders" followed by a line break and
another line matched nowhere: the defamation check (which reads sentence by sentence) never
saw the allegation and the comment was published, and the span scores (Perspective's
``spanScores``, a fired clause's evidence) left such lines out. Comments typed line by line,
without full stops, are common.

Through the service as the site calls it (create_app in-process over httpx.ASGITransport,
its store a real DuckDB file), the Perspective-compatible route and ``moderate check``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

TESTS = Path(__file__).resolve().parents[1]
for _folder in ("moderate", "web"):
    if str(TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(TESTS / _folder))

from modhelpers import role_tokens, two_clause_policy  # noqa: E402

pytestmark = pytest.mark.anyio
ARTICLE = {"id": "a1", "title": "Tram line", "body": "The council funds a new tram line."}
ALLEGATION = "Councillor John Smith took bribes from the tram builders"
LINES = f"{ALLEGATION}\nThanks for the article"


@pytest.fixture(scope="module")
def s20m_policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default policy's defamatory and irrelevant clauses (no language or name model)."""
    return Path(two_clause_policy(tmp_path_factory.mktemp("s20m_policy") / "policy.yaml"))


@pytest.fixture
async def s20m_client(
    tmp_path: Path, s20m_policy: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """create_app on a fresh store file with article a1; the client and each role's token."""
    from mutewatch.web.app import create_app

    monkeypatch.setenv("MUTEWATCH_MODERATION_POLICY", str(s20m_policy))
    store = tmp_path / "store.duckdb"
    tokens = role_tokens(store)
    app = create_app(
        store, cache_dir=tmp_path / "cache", refresh_interval=0.2, linger=0.05,
        pseudonym_key="test-key",
    )  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", timeout=120
        ) as client:
            r = await client.post("/api/v1/articles", json=ARTICLE, headers=_auth(tokens))
            assert r.status_code == 201, r.text
            yield client, tokens
    finally:
        app.state.gateway.stop()


def _auth(tokens: dict[str, str], role: str = "moderator") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


def _clause(decision: dict[str, Any], name: str) -> dict[str, Any]:
    [clause] = [c for c in decision["clauses"] if c["clause"] == name]
    return dict(clause)


async def test_an_allegation_on_a_line_of_its_own_is_held_for_a_moderator(
    s20m_client: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    """The same allegation is held on its own line as when it ends in a full stop, with
    the line as its evidence, and it is in the queue (it was published)."""
    client, tokens = s20m_client
    comment = {"article_id": "a1", "author_name": "Ana Silva", "text": LINES}
    r = await client.post("/api/v1/comments", json=comment, headers=_auth(tokens, "viewer"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["decision"] == "hold", body
    defamatory = _clause(body, "defamatory")
    assert defamatory["fired"] is True
    assert defamatory["evidence"]["span"] == {"start": 0, "end": len(ALLEGATION),
                                              "text": ALLEGATION}  # fmt: skip
    queue = (await client.get("/api/v1/moderation/queue", headers=_auth(tokens))).json()
    assert [item["id"] for item in queue["items"]] == [body["id"]]

    crlf = {**comment, "text": LINES.replace("\n", "\r\n")}  # a Windows browser's line ends
    r = await client.post("/api/v1/comments", json=crlf, headers=_auth(tokens, "viewer"))
    assert r.status_code == 201 and r.json()["decision"] == "hold", r.text


async def test_perspective_span_scores_cover_every_line(
    s20m_client: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    """``spanAnnotations``: one span per line, the first line's too (only the last line had
    a span: [9, 26))."""
    client, tokens = s20m_client
    text = "What kind of name is foo\nYou are an idiot."
    request = {"comment": {"text": text}, "languages": ["en"],
               "requestedAttributes": {"INSULT": {}}, "spanAnnotations": True}  # fmt: skip
    r = await client.post(f"/v1alpha1/comments:analyze?key={tokens['viewer']}", json=request)
    assert r.status_code == 200, r.text
    spans = r.json()["attributeScores"]["INSULT"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [(0, 24), (25, 42)]


def test_moderate_check_holds_the_allegation_on_a_line_of_its_own(
    tmp_path: Path, s20m_policy: Path
) -> None:
    """``moderate check``, the same comment as a JSON line: held, as it is with a full stop."""
    lines = b"".join(
        json.dumps({"id": str(n), "author_name": "Ana Silva", "text": text}).encode() + b"\n"
        for n, text in enumerate((LINES, f"{ALLEGATION}.\nThanks for the article."), start=1)
    )
    command = [sys.executable, "-m", "mutewatch", "--store", str(tmp_path / "none.duckdb"),
               "moderate", "check", "--policy", str(s20m_policy)]  # fmt: skip
    done = subprocess.run(command, input=lines, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    decisions = [json.loads(line) for line in done.stdout.splitlines()]
    assert [d["decision"] for d in decisions] == ["hold", "hold"]
    assert _clause(decisions[0], "defamatory")["evidence"]["span"]["text"] == ALLEGATION
