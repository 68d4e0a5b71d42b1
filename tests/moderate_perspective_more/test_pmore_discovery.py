"""The discovery document: its shape, its 404, and Google's own client built from it.

Perspective's Python sample builds ``discovery.build("commentanalyzer", "v1alpha1",
developerKey=..., discoveryServiceUrl=".../$discovery/rest?version=v1alpha1",
static_discovery=False)`` and calls ``comments().analyze(body=...).execute()``; these tests
do the same against mutewatch (in process, and over a real uvicorn server).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mutewatch.moderate.perspective import ANALYZE_FIELDS, SUGGEST_FIELDS
from mutewatch.web.perspective_discovery import discovery_document

googleapiclient = pytest.importorskip("googleapiclient", reason="pip install -e '.[dev]'")
from googleapiclient import discovery, errors  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from webfactory import serve_command, wait_for_port  # noqa: E402

DISCOVERY = "/$discovery/rest?version=v1alpha1"
# methods.md "AnalyzeComment example", UNSUBSTANTIAL left out (mutewatch has no such model)
METHODS_REQUEST = {
    "comment": {"text": "What kind of idiot name is foo? Sorry, I like your name."},
    "languages": ["en"],
    "requestedAttributes": {"TOXICITY": {}},
}
# methods.md "SuggestCommentScore example"
SUGGEST_REQUEST = {
    "comment": {
        "text": "I guess it comes down a simple choice: Get busy living, or get busy dying."
    },
    "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0}}},
    "communityId": "/forum/movies",
    "clientToken": "comment-53922",
}  # fmt: skip


def _client(root: str, key: str) -> Any:
    """Google's client, built as Perspective's documentation builds it (host swapped)."""
    return discovery.build(
        "commentanalyzer", "v1alpha1", developerKey=key, cache_discovery=False,
        discoveryServiceUrl=root + DISCOVERY, static_discovery=False,
    )  # fmt: skip


# --- in process ------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_document_points_at_the_server_it_came_from(
    app: Any, keys: tuple[Path, dict[str, str]]
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://mw.example:8443") as c:
        r = await c.get(DISCOVERY, headers={"X-Goog-Api-Key": keys[1]["viewer"]})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["name"], doc["version"], doc["rootUrl"]) == (
        "commentanalyzer", "v1alpha1", "https://mw.example:8443/",
    )  # fmt: skip
    methods = doc["resources"]["comments"]["methods"]
    assert {m["path"] for m in methods.values()} == {
        "v1alpha1/comments:analyze", "v1alpha1/comments:suggestscore",
    }  # fmt: skip
    assert doc == json.loads(json.dumps(discovery_document("https://mw.example:8443/")))


@pytest.mark.anyio
@pytest.mark.parametrize("query", ["?version=v1", "?version=v1alpha2", ""])
async def test_unknown_version_is_google_404(
    app: Any, keys: tuple[Path, dict[str, str]], query: str
) -> None:
    key = keys[1]["viewer"]
    r = await _get(app, "/$discovery/rest" + (f"{query}&key={key}" if query else f"?key={key}"))
    _google_error(r, 404, "NOT_FOUND", "v1alpha1")


@pytest.mark.anyio
async def test_the_document_needs_the_api_key(app: Any) -> None:
    """Nothing in mutewatch is anonymous: no key is 403, a wrong key 400 (Google's shapes)."""
    _google_error(await _get(app, DISCOVERY), 403, "PERMISSION_DENIED", "API key")
    _google_error(await _get(app, DISCOVERY + "&key=wrong"), 400, "INVALID_ARGUMENT", "API key")
    assert "/$discovery/rest" not in app.openapi()["paths"]


async def _get(app: Any, url: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        return await c.get(url)


def _google_error(r: httpx.Response, code: int, status: str, words: str) -> None:
    assert r.status_code == code, r.text
    assert set(r.json()) == {"error"}
    error = r.json()["error"]
    assert (error["code"], error["status"]) == (code, status)
    assert words in error["message"]


def _refs(node: Any) -> set[str]:
    """Every ``$ref`` in a piece of the document."""
    if isinstance(node, dict):
        own = {node["$ref"]} if "$ref" in node else set()
        return own.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_document_describes_the_fields_the_library_reads() -> None:
    doc = discovery_document("http://mw.example/")
    schemas = doc["schemas"]

    def fields(name: str) -> set[str]:
        return set(schemas[name]["properties"])

    # methods.md lists suggestCommentScore among AnalyzeComment's fields; it is read, not described
    assert fields("AnalyzeCommentRequest") == ANALYZE_FIELDS - {"suggestCommentScore"}
    assert fields("SuggestCommentScoreRequest") == SUGGEST_FIELDS
    assert fields("Context") == {"entries", "articleAndParentComment"}
    assert fields("ArticleAndParentComment") == {"article", "parentComment"}
    assert fields("TextEntry") == {"text", "type"}
    assert fields("AttributeParameters") == {"scoreType", "scoreThreshold"}
    assert _refs(doc) <= set(schemas), "every $ref names a schema"
    assert all(schema["id"] == name for name, schema in schemas.items())


def test_google_client_builds_requests_from_it() -> None:
    """Every schema the methods name exists, and the client aims at the document's root."""
    doc = discovery_document("http://mw.example/base/")
    service = discovery.build_from_document(doc, developerKey="tok")
    request = service.comments().analyze(body=METHODS_REQUEST)
    assert request.method == "POST"
    assert request.uri.startswith("http://mw.example/base/v1alpha1/comments:analyze?")
    assert "key=tok" in request.uri
    assert json.loads(request.body) == METHODS_REQUEST
    suggest = service.comments().suggestscore(body=SUGGEST_REQUEST)
    assert suggest.uri.startswith("http://mw.example/base/v1alpha1/comments:suggestscore?")


# --- a real server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(
    keys: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``mutewatch serve`` on 127.0.0.1; yields its root URL."""
    port_file = tmp_path_factory.mktemp("pmore-serve") / "port"
    proc = subprocess.Popen(serve_command(keys[0], port_file), stdout=subprocess.DEVNULL)
    try:
        root = f"http://127.0.0.1:{wait_for_port(port_file, proc, 120)}"
        yield root
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.server
@pytest.mark.slow
def test_googleapiclient_analyze_and_suggest(
    server: str, keys: tuple[Path, dict[str, str]]
) -> None:
    client = _client(server, keys[1]["viewer"])
    response = client.comments().analyze(body=METHODS_REQUEST).execute()
    toxicity = response["attributeScores"]["TOXICITY"]
    assert toxicity["summaryScore"]["type"] == "PROBABILITY"
    assert 0.0 <= toxicity["summaryScore"]["value"] <= 1.0
    assert [(s["begin"], s["end"]) for s in toxicity["spanScores"]] == [(0, 56)]
    assert response["languages"] == ["en"]
    sentences = client.comments().analyze(body={**METHODS_REQUEST, "spanAnnotations": True})
    spans = sentences.execute()["attributeScores"]["TOXICITY"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [(0, 31), (32, 56)]
    answer = client.comments().suggestscore(body=SUGGEST_REQUEST).execute()
    assert answer["clientToken"] == "comment-53922"


@pytest.mark.server
@pytest.mark.slow
def test_googleapiclient_errors(server: str, keys: tuple[Path, dict[str, str]]) -> None:
    with pytest.raises(errors.HttpError) as bad_key:
        _client(server, "not-a-token").comments().analyze(body=METHODS_REQUEST).execute()
    assert bad_key.value.status_code == 400
    client = _client(server, keys[1]["viewer"])
    with pytest.raises(errors.HttpError) as bad_request:
        client.comments().analyze(body={"comment": {"text": "hi"}}).execute()
    assert bad_request.value.status_code == 400
    assert "requestedAttributes" in bad_request.value.reason
    with pytest.raises(errors.UnknownApiNameOrVersion):
        discovery.build("commentanalyzer", "v1", developerKey=keys[1]["viewer"],
                        discoveryServiceUrl=server + "/$discovery/rest?version={apiVersion}",
                        static_discovery=False, cache_discovery=False)  # fmt: skip
