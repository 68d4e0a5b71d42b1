"""Perspective's discovery document: ``GET /$discovery/rest?version=v1alpha1``.

Google's client libraries do not hard-code Perspective's URLs: they first fetch a discovery
document (Google's "discovery#restDescription" format) and build ``comments.analyze`` and
``comments.suggestscore`` from it. Perspective's documentation builds its Python client as::

    from googleapiclient import discovery
    client = discovery.build(
        "commentanalyzer", "v1alpha1", developerKey=API_KEY,
        discoveryServiceUrl="https://commentanalyzer.googleapis.com/$discovery/rest?version=v1alpha1",
        static_discovery=False)

To use mutewatch instead, swap only the host: ``discoveryServiceUrl=
"https://mutewatch.example.org/$discovery/rest?version=v1alpha1"`` and ``developerKey`` a
mutewatch API token (``mutewatch users add``). The document's ``rootUrl`` is the URL the
document was fetched from (scheme, host, port and any mount path of this server), so the
client then calls mutewatch's ``/v1alpha1/comments:analyze``, never Google.

Nothing in mutewatch is anonymous, so neither is this document, unlike Google's: it needs the
API key, as the ``/v1alpha1/`` routes do (``?key=`` or ``X-Goog-Api-Key``; missing, 403
``PERMISSION_DENIED``; wrong, 401 ``UNAUTHENTICATED``). The Python client sends its
``developerKey`` with the discovery request, so Perspective's Python sample works unchanged;
a client that fetches the document without the key (the Node.js sample's ``discoverAPI``)
adds ``&key=TOKEN`` to the discovery URL. The route is left out of mutewatch's OpenAPI
schema: it is itself an API description, in Google's format, not a mutewatch operation.

The document is mutewatch's own minimal description, written from the discovery format and
from Perspective's documented request and response fields (methods.md); it describes what
mutewatch accepts. Any version but ``v1alpha1`` is a 404 in Google's error shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mutewatch.errors import MutewatchError, NotFoundError
from mutewatch.moderate.perspective import SCORE_TYPES, SUPPORTED

router = APIRouter()
VERSION = "v1alpha1"

_STRING = {"type": "string"}
_BOOLEAN = {"type": "boolean"}
_FLOAT = {"type": "number", "format": "float"}
_INT = {"type": "integer", "format": "int32"}
_STRINGS = {"type": "array", "items": _STRING}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": name}


def _object(name: str, description: str, **properties: Any) -> dict[str, Any]:
    return {"id": name, "type": "object", "description": description, "properties": properties}


def _map_of(name: str) -> dict[str, Any]:
    """A JSON object whose values are ``name`` (e.g. attribute name to scores)."""
    return {"type": "object", "additionalProperties": _ref(name)}


def _described(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description}


_COMMENT = {"comment": _ref("TextEntry"), "context": _ref("Context")}


def _text_schemas() -> dict[str, Any]:
    """The comment and its context (``TextEntry``, ``Context``)."""
    text_type = {"type": "string", "enum": ["TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT"]}
    return {
        "TextEntry": _object(
            "TextEntry",
            "A piece of text: the comment, or a context entry.",
            text=_described(_STRING, "The text, UTF-8."),
            type=_described(text_type, "Only PLAIN_TEXT is supported."),
        ),
        "Context": _object(
            "Context",
            "What the comment answers (accepted; it does not change the scores).",
            entries={"type": "array", "items": _ref("TextEntry")},
            articleAndParentComment=_ref("ArticleAndParentComment"),
        ),
        "ArticleAndParentComment": _object(
            "ArticleAndParentComment",
            "The article and the comment this one answers.",
            article=_ref("TextEntry"),
            parentComment=_ref("TextEntry"),
        ),
    }


def _score_schemas() -> dict[str, Any]:
    """Scores: ``Score``, ``SpanScore``, ``AttributeScores`` and ``AttributeParameters``."""
    score_type = {"type": "string", "enum": list(SCORE_TYPES)}
    return {
        "Score": _object("Score", "A score.", value=_FLOAT, type=score_type),
        "SpanScore": _object(
            "SpanScore",
            "The score of the span [begin, end) of the comment, in UTF-16 code units.",
            begin=_INT,
            end=_INT,
            score=_ref("Score"),
        ),
        "AttributeScores": _object(
            "AttributeScores",
            "One attribute's scores: the whole comment's and its spans'.",
            summaryScore=_ref("Score"),
            spanScores={"type": "array", "items": _ref("SpanScore")},
        ),
        "AttributeParameters": _object(
            "AttributeParameters",
            "Options of one requested attribute.",
            scoreType=_described(score_type, "Only PROBABILITY is supported."),
            scoreThreshold=_described(_FLOAT, "Leave the attribute out below this score."),
        ),
    }


def _analyze_schemas() -> dict[str, Any]:
    """``AnalyzeCommentRequest`` and ``AnalyzeCommentResponse``."""
    attributes = ", ".join(SUPPORTED)
    return {
        "AnalyzeCommentRequest": _object(
            "AnalyzeCommentRequest",
            "Score one comment.",
            **_COMMENT,
            requestedAttributes=_described(
                _map_of("AttributeParameters"),
                f"Attribute name to options; supported: {attributes}.",
            ),
            languages=_STRINGS,
            doNotStore=_described(_BOOLEAN, "mutewatch never stores these requests."),
            clientToken=_described(_STRING, "Echoed in the response."),
            sessionId=_STRING,
            communityId=_STRING,
            spanAnnotations=_described(_BOOLEAN, "Score each sentence too."),
            dropUnsupportedAttributes=_BOOLEAN,
        ),
        "AnalyzeCommentResponse": _object(
            "AnalyzeCommentResponse",
            "The scores of the requested attributes.",
            attributeScores=_map_of("AttributeScores"),
            languages=_STRINGS,
            detectedLanguages=_STRINGS,
            clientToken=_STRING,
        ),
    }


def _suggest_schemas() -> dict[str, Any]:
    """``SuggestCommentScoreRequest`` and ``SuggestCommentScoreResponse``."""
    return {
        "SuggestCommentScoreRequest": _object(
            "SuggestCommentScoreRequest",
            "A score the client believes right (validated, acknowledged, never stored).",
            **_COMMENT,
            attributeScores=_map_of("AttributeScores"),
            languages=_STRINGS,
            communityId=_STRING,
            clientToken=_STRING,
            sessionId=_STRING,
        ),
        "SuggestCommentScoreResponse": _object(
            "SuggestCommentScoreResponse",
            "The acknowledgement.",
            detectedLanguages=_STRINGS,
            requestedLanguages=_STRINGS,
            clientToken=_STRING,
        ),
    }


def _method(name: str, verb: str, description: str, message: str) -> dict[str, Any]:
    """One ``comments`` method: ``POST v1alpha1/comments:{verb}``."""
    return {
        "id": f"commentanalyzer.comments.{name}",
        "path": f"{VERSION}/comments:{verb}",
        "flatPath": f"{VERSION}/comments:{verb}",
        "httpMethod": "POST",
        "description": description,
        "parameters": {},
        "parameterOrder": [],
        "request": _ref(f"{message}Request"),
        "response": _ref(f"{message}Response"),
    }


def _parameters() -> dict[str, Any]:
    """The query parameters every method takes: the API key and the response format."""
    return {
        "key": {
            "type": "string",
            "location": "query",
            "description": "A mutewatch API token (`mutewatch users add`).",
        },
        "alt": {
            "type": "string",
            "location": "query",
            "enum": ["json"],
            "default": "json",
            "description": "The response format: JSON.",
        },
    }


def discovery_document(root_url: str) -> dict[str, Any]:
    """The discovery document, its methods at ``root_url`` (ending in ``/``)."""
    analyze = _method("analyze", "analyze", "Score a comment.", "AnalyzeComment")
    suggest = _method("suggestscore", "suggestscore", "Suggest a score.", "SuggestCommentScore")
    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": f"commentanalyzer:{VERSION}",
        "name": "commentanalyzer",
        "version": VERSION,
        "title": "mutewatch (Perspective-compatible comment analyzer)",
        "description": "mutewatch's offline scores in Perspective API's request format.",
        "protocol": "rest",
        "rootUrl": root_url,
        "servicePath": "",
        "baseUrl": root_url,
        "parameters": _parameters(),
        "schemas": {
            **_text_schemas(),
            **_score_schemas(),
            **_analyze_schemas(),
            **_suggest_schemas(),
        },
        "resources": {"comments": {"methods": {"analyze": analyze, "suggestscore": suggest}}},
    }


@router.get("/$discovery/rest", include_in_schema=False)
async def discovery(
    request: Request, version: str | None = None, key: str | None = None
) -> JSONResponse:
    """Perspective's discovery document, pointing Google's client libraries at this server."""
    from mutewatch.web.moderation import _token_user, perspective_error

    try:
        await run_in_threadpool(_token_user, request, key or request.headers.get("x-goog-api-key"))
        if version != VERSION:
            raise NotFoundError(
                "Discovery document not found for API service commentanalyzer "
                f"version {version or '(none)'}",
                hint=f"ask for /$discovery/rest?version={VERSION}",
            )
    except MutewatchError as exc:
        return perspective_error(exc)
    return JSONResponse(discovery_document(str(request.base_url)))


__all__ = ["router", "discovery_document", "VERSION"]
