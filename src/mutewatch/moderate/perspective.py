"""A Perspective-compatible ``comments:analyze``: request in, response out, pure library.

Tools built for Perspective API (Coral Talk and others) send::

    {"comment": {"text": "..."}, "languages": ["en"],
     "requestedAttributes": {"TOXICITY": {}}, "doNotStore": true}

and read::

    {"attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.9, "type": "PROBABILITY"},
                                       "spanScores": [{"begin": 0, "end": 20,
                                                       "score": {"value": 0.9,
                                                                 "type": "PROBABILITY"}}]}},
     "languages": ["en"], "detectedLanguages": ["en"]}

Scores come from mutewatch's own heads (fitted on news comments): TOXICITY is the larger of
the personal-attack and racism scores, IDENTITY_ATTACK the racism head, INSULT the personal
head, PROFANITY the offensive-language head and THREAT the threat head. Nothing is stored.

Library use::

    from mutewatch.moderate.perspective import analyze
    response = analyze({"comment": {"text": "hello"},
                        "requestedAttributes": {"TOXICITY": {}}})
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import numpy as np

from mutewatch.errors import InputError, MutewatchError
from mutewatch.moderate.checks import sentence_spans
from mutewatch.moderate.models import embedder, heads

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 20_480  # Perspective's own limit is 20 KB
SUPPORTED = ("TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT")
SUPPORTED_LANGUAGES = ("en",)


_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*:)")


def parse_request(body: str) -> Any:
    """Parse a request body as Perspective does: JSON, or JSON with unquoted keys.

    Perspective's own curl example sends ``{comment: {text: "..."}, requestedAttributes:
    {TOXICITY:{}} }``; keys outside strings are quoted before parsing.
    """
    try:
        return json.loads(body)
    except json.JSONDecodeError as first:
        quoted = _quote_bare_keys(body)
        try:
            return json.loads(quoted)
        except json.JSONDecodeError:
            raise InputError(
                f"the request body is not JSON: {first.msg} at line {first.lineno} "
                f"column {first.colno}",
                hint='send a JSON object like {"comment": {"text": "..."}, '
                '"requestedAttributes": {"TOXICITY": {}}}',
            ) from first


def _quote_bare_keys(body: str) -> str:
    """Quote bare object keys, leaving the insides of strings alone."""
    out: list[str] = []
    chunk: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == '"':
            out.append(_BARE_KEY.sub(r'\1"\2"\3', "".join(chunk)))
            chunk = []
            j = i + 1
            while j < len(body) and body[j] != '"':
                j += 2 if body[j] == "\\" else 1
            out.append(body[i : j + 1])
            i = j + 1
            continue
        chunk.append(ch)
        i += 1
    out.append(_BARE_KEY.sub(r'\1"\2"\3', "".join(chunk)))
    return "".join(out)


def _fail(message: str) -> InputError:
    return InputError(message, hint="see the Perspective API comments:analyze request format")


def _attribute_scores(vectors: np.ndarray) -> dict[str, np.ndarray]:
    h = heads()
    racist = h.score("racist", vectors)
    personal = h.score("personal", vectors)
    return {
        "TOXICITY": np.maximum(racist, personal),
        "IDENTITY_ATTACK": racist,
        "INSULT": personal,
        "PROFANITY": h.score("offensive", vectors),
        "THREAT": h.score("threat", vectors),
    }


def _requested(request: dict[str, Any]) -> dict[str, dict[str, Any]]:
    attrs = request.get("requestedAttributes")
    if not isinstance(attrs, dict) or not attrs:
        raise _fail('requestedAttributes must be a non-empty object, e.g. {"TOXICITY": {}}')
    out = {}
    for name, spec in attrs.items():
        if name not in SUPPORTED:
            raise _fail(f"Unknown attribute {name!r}; supported: {', '.join(SUPPORTED)}")
        spec = spec or {}
        if not isinstance(spec, dict):
            raise _fail(f"requestedAttributes.{name} must be an object")
        if spec.get("scoreType", "PROBABILITY") != "PROBABILITY":
            raise _fail(f"requestedAttributes.{name}.scoreType: only PROBABILITY is supported")
        out[name] = spec
    return out


def _text(request: dict[str, Any]) -> str:
    comment = request.get("comment")
    if not isinstance(comment, dict) or not isinstance(comment.get("text"), str):
        raise _fail("comment.text is required and must be a string")
    if comment.get("type", "PLAIN_TEXT") != "PLAIN_TEXT":
        raise _fail("comment.type: only PLAIN_TEXT is supported")
    text: str = comment["text"]
    if not text.strip():
        raise _fail("comment.text is empty")
    if len(text.encode("utf-8")) > MAX_TEXT_CHARS:
        raise _fail(f"comment.text is longer than {MAX_TEXT_CHARS} bytes")
    return text


def _languages(request: dict[str, Any], names: list[str]) -> list[str]:
    languages = request.get("languages")
    if languages is None:
        return list(SUPPORTED_LANGUAGES)
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise _fail("languages must be a list of language codes")
    unsupported = [x for x in languages if x.split("-")[0].lower() not in SUPPORTED_LANGUAGES]
    if unsupported:
        raise _fail(
            f"Attribute {names[0]} does not support request languages: {', '.join(unsupported)}"
        )
    return languages or list(SUPPORTED_LANGUAGES)


def _detected(text: str) -> list[str]:
    import importlib

    try:
        language = importlib.import_module("mutewatch.moderate.language")
        return [str(language.detect(text).language)]
    except (ImportError, MutewatchError) as exc:  # scoring does not depend on it
        log.warning("language detection unavailable for detectedLanguages: %s", exc)
        return []


def _value(v: float) -> dict[str, Any]:
    return {"value": round(float(v), 4), "type": "PROBABILITY"}


def analyze(request: Any) -> dict[str, Any]:
    """Answer one Perspective ``comments:analyze`` request (raises InputError when invalid)."""
    if not isinstance(request, dict):
        raise _fail("the request body must be a JSON object")
    text = _text(request)
    attrs = _requested(request)
    languages = _languages(request, list(attrs))
    spans = sentence_spans(text)
    pieces = [text] + ([text[a:b] for a, b in spans] if len(spans) > 1 else [])
    vectors = embedder().embed(pieces)
    scores = _attribute_scores(vectors)
    out: dict[str, Any] = {"attributeScores": {}, "languages": languages}
    for name, spec in attrs.items():
        column = scores[name]
        summary = float(column[0])
        threshold = spec.get("scoreThreshold")
        if isinstance(threshold, int | float) and summary < threshold:
            continue
        span_values = column[1:] if len(spans) > 1 else column[:1]
        out["attributeScores"][name] = {
            "spanScores": [
                {"begin": a, "end": b, "score": _value(v)}
                for (a, b), v in zip(spans, span_values, strict=True)
            ],
            "summaryScore": _value(summary),
        }
    out["detectedLanguages"] = _detected(text)
    if "clientToken" in request:
        out["clientToken"] = request["clientToken"]
    return out
