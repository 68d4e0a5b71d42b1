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

from pathlib import Path

import httpx
import pytest

from mutewatch.moderate.checks import sentence_spans
from s20_moderate.s20m_helpers import auth as _auth
from s20_moderate.s20m_helpers import check_lines, held_naming, submit
from s20_moderate.s20m_helpers import clause as _clause

pytestmark = pytest.mark.anyio
ALLEGATION = "Councillor John Smith took bribes from the tram builders"
LINES = f"{ALLEGATION}\nThanks for the article"


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
    decisions = check_lines(
        [LINES, f"{ALLEGATION}.\nThanks for the article."], tmp_path, s20m_policy
    )
    assert [d["decision"] for d in decisions] == ["hold", "hold"]
    assert _clause(decisions[0], "defamatory")["evidence"]["span"]["text"] == ALLEGATION


async def test_an_allegation_wrapped_onto_the_next_line_is_held(
    s20m_client: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    """A line break before a word in lower case wraps a sentence, it does not end one: the
    name on one line and "took bribes" on the next are read together (the line break cut
    the allegation from its name); a blank line still parts two sentences."""
    client, tokens = s20m_client
    text = "Great piece on the tram line\nCouncillor John Smith\ntook bribes from the builders."
    held_naming(await submit(client, tokens, text), text[29:], "Councillor John Smith")
    wrapped = "Ana Berg\ntook it. Fine\n\nwell done"
    pieces = [wrapped[a:b] for a, b in sentence_spans(wrapped)]
    assert pieces == ["Ana Berg\ntook it.", "Fine", "well done"]
