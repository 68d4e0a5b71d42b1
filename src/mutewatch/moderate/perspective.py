"""Perspective-compatible ``comments:analyze`` and ``comments:suggestscore``: pure library.

Tools built for Perspective API (Coral Talk and others) send::

    {"comment": {"text": "..."}, "languages": ["en"],
     "requestedAttributes": {"TOXICITY": {}}, "doNotStore": true}

and read::

    {"attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.9, "type": "PROBABILITY"},
                                       "spanScores": [{"begin": 0, "end": 20,
                                                       "score": {"value": 0.9,
                                                                 "type": "PROBABILITY"}}]}},
     "languages": ["en"], "detectedLanguages": ["en"]}

What each attribute means here (scored on the whole text and on each sentence):

- ``IDENTITY_ATTACK``: the score of mutewatch's ``racism`` check (the ``racist`` clause). An
  identity attack needs an identity: where the text names no group the check knows (its
  ``groups_mentioned`` evidence is empty), IDENTITY_ATTACK is capped at INSULT, so an insult
  aimed at no group never scores higher as an identity attack than as an insult.
- ``INSULT``: the score of the ``personal_attack`` check (the ``personal`` clause).
- ``PROFANITY``: the offensive-language head (trained on Davidson's offensive class and
  Jigsaw's obscene labels: swearing, slurs, obscenity). On a piece of fewer than
  ``SHORT_WORDS`` (4) words with no lexical evidence (no swear word or masked swear such as
  ``f***``, and INSULT and IDENTITY_ATTACK below 0.8, where the lexicon's insults score), the
  head's score is shrunk toward ``PROFANITY_BASE`` (0.1) in proportion to the words missing:
  ``base + (head - base) * n/4``.
  A one- or two-word text's embedding is far from the tweets the head learnt from, and the
  head gave "ok" 0.59, "lol" 0.70 and "Amen" 0.85 (over Coral Talk's 0.8 flagging default);
  a short sentence of a longer comment is a span and raised its summary the same way.
- ``THREAT``: the threat head (ETHOS violence, Jigsaw threat).
- ``TOXICITY``: the largest of the four above: a comment is as toxic as its worst trait.
- ``SEVERE_TOXICITY``: the largest of IDENTITY_ATTACK squared, THREAT squared and INSULT
  times PROFANITY. Profanity alone is not severe (Perspective: "much less sensitive to ...
  positive uses of curse words"), a plain insult is moderate (0.95 x 0.6 gives 0.57), a
  profane insult, a strong identity attack or a threat is severe; squaring keeps mild cases
  low (0.5 gives 0.25). Each term is at most its largest factor, so SEVERE_TOXICITY never
  exceeds TOXICITY.

Summary and spans agree: a comment is as bad as its worst sentence, so each attribute's
``summaryScore`` is the larger of the whole-text score and the worst sentence's score, with
or without ``spanAnnotations``. ``begin``/``end`` count UTF-16 code units, as Perspective's do.
A comment of more than ``checks.MAX_SCORED_SPANS`` (64) sentences is scored in runs of
consecutive sentences of about 1/64 of its length each (``checks.scored_spans``): each span
is embedded, and thousands of short sentences cost seconds of CPU per request.

``spanAnnotations`` (optional boolean, default false), as Perspective documents it
(conversationai/perspectiveapi 2-api/methods.md: "indicates if the request should return
spans that describe the scores for each part of the text (currently done at per-sentence
level). Defaults to false"):

- ``true``: one ``spanScores`` entry per sentence (without the white space around it);
- absent or ``false``: one ``spanScores`` entry covering the whole comment, ``[0, length)``,
  whose score is the ``summaryScore``. This is the quickstart's documented answer to a request
  without the flag (its Node.js sample shows a single span scored as the summary), and it keeps
  ``spanScores`` in every answer, the response shape issue 5 requires (Coral Talk reads only
  ``summaryScore``). Absent and ``false`` mean the same, as in any protobuf JSON API: a client
  library may send either for an unset flag.

Languages: the response's ``languages`` mirror the request's, or are the language mutewatch's
language check detected when the request names none; ``detectedLanguages`` is always the
detection. A language is named by its ISO or BCP-47 code, as Perspective accepts them
(``en``, ``eng``, ``en-US``). Every attribute supports English only: any other language is
an error naming the attribute, unless ``dropUnsupportedAttributes`` is true, in which case
the attributes that cannot be scored (unknown names, or the language) are silently left out.

Nothing is stored, neither by ``analyze`` nor by ``suggest_score``, whatever ``doNotStore``
says. Every invalid request raises ``InputError`` (the web layer answers it as Perspective's
HTTP 400 ``INVALID_ARGUMENT``).

Fields are read as Perspective's protobuf JSON reads them: a field Perspective does not
define (a typo such as ``spanAnotations``, in the request, its ``comment``, ``context`` or an
attribute's options) is refused with Google's "Unknown name" message instead of being
silently ignored; every field must have its documented type (``doNotStore`` and the other
flags booleans, ``sessionId``, ``communityId`` and ``clientToken`` strings, ``context``
``{"entries": [{"text", "type"}]}`` or ``{"articleAndParentComment": {"article",
"parentComment"}}``); and ``null`` is the field left out. As in protobuf JSON, a field may
also be named by its proto name (``requested_attributes``, ``do_not_store``,
``score_threshold``: Google's Node.js client for Perspective sends these); the same field under
both names is refused. ``sessionId`` and ``communityId`` are accepted and unused (mutewatch
has no per-community model); ``context`` is validated and, as in Perspective, does not change
the scores.

Library use::

    from mutewatch.moderate.perspective import analyze
    response = analyze({"comment": {"text": "hello"}, "languages": ["en"],
                        "requestedAttributes": {"TOXICITY": {}}})
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mutewatch.errors import InputError, MutewatchError
from mutewatch.moderate._textview import visible
from mutewatch.moderate.checks import (
    CHECKS,
    CommentInput,
    Features,
    identity_mentions,
    scored_spans,
)
from mutewatch.moderate.models import Vectors, embedder, heads
from mutewatch.moderate.service import (
    RepeatedKey,
    check_unicode,
    json_problem,
    unique_keys,
    unreadable,
)

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 20_480  # Perspective's own limit is 20 KB
SUPPORTED = ("TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT")
SUPPORTED_LANGUAGES = ("en",)
ISO_639_ALPHA_3 = {"eng": "en"}
"""The three-letter ISO 639-2/639-3 codes of the supported languages. Perspective's API
reference (``AnalyzeCommentRequest.languages`` in its discovery document and the Python
client's docs) says "Both ISO and BCP-47 language codes are accepted", and ``eng`` is
English's ISO 639-2 and 639-3 code, where BCP-47 uses the shortest ISO code, ``en``."""
SCORE_TYPES = ("SCORE_TYPE_UNSPECIFIED", "PROBABILITY", "STD_DEV_SCORE", "PERCENTILE", "RAW")
_PROBABILITY = ("SCORE_TYPE_UNSPECIFIED", "PROBABILITY")
_COMMON_FIELDS = ("comment", "context", "languages", "clientToken", "sessionId", "communityId")
ANALYZE_FIELDS = frozenset(
    _COMMON_FIELDS
    + ("requestedAttributes", "doNotStore", "spanAnnotations", "dropUnsupportedAttributes")
    + ("suggestCommentScore",)  # listed among the request's fields by methods.md; ignored
)
SUGGEST_FIELDS = frozenset(_COMMON_FIELDS + ("attributeScores",))
_TEXT_FIELDS = frozenset(("text", "type"))
_CONTEXT_FIELDS = frozenset(("entries", "articleAndParentComment"))
_ATTRIBUTE_FIELDS = frozenset(("scoreType", "scoreThreshold"))
_PAIR_FIELDS = frozenset(("article", "parentComment"))
_SCORES_FIELDS = frozenset(("summaryScore", "spanScores"))
Scores = npt.NDArray[np.float64]

_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*:)")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def parse_request(body: str) -> Any:
    """Parse a request body as Perspective does: JSON, or JSON with unquoted keys.

    Perspective's curl example sends ``{comment: {text: "..."}, requestedAttributes:
    {TOXICITY:{}} }`` and its suggestscore example has a trailing comma (``{...},}``);
    keys outside strings are quoted and trailing commas dropped before parsing.
    """
    try:
        try:
            return json.loads(body, object_pairs_hook=unique_keys)
        except json.JSONDecodeError as first:
            try:
                return json.loads(_lenient(body), object_pairs_hook=unique_keys)
            except json.JSONDecodeError:
                raise InputError(
                    f"the request body is not JSON: {json_problem(first)}",
                    hint='send a JSON object like {"comment": {"text": "..."}, '
                    '"requestedAttributes": {"TOXICITY": {}}}',
                ) from first
            except (ValueError, RecursionError) as exc:
                raise unreadable(exc) from exc
        except (ValueError, RecursionError) as exc:  # too deep, or a number too long to read
            raise unreadable(exc) from exc
    except RepeatedKey as exc:
        name = str(exc.args[0]).encode("utf-8", "backslashreplace").decode("utf-8")
        raise _fail(
            f'Invalid JSON payload received. Duplicate field "{name}": a field is given once'
            " (JSON readers disagree on which of two values counts)"
        ) from None


def api_key(values: Sequence[str]) -> str | None:
    """The API key of a request's query string, from every value of its ``key`` parameter
    (``request.query_params.getlist("key")``); None when it has none.

    ``?key=A&key=B`` is refused (InputError: Perspective's HTTP 400 ``INVALID_ARGUMENT``)
    naming the parameter, as a field given twice in the body is: Google does not document
    which of two keys it takes, and a web framework silently takes the last one, so a
    request could be billed to, and authorised as, a key its sender did not mean.
    """
    if len(values) > 1:
        raise InputError(
            f'Invalid query parameter "key": it is given {len(values)} times; an API key is'
            " given once (which of them would count is not said)",
            hint="send one key: ?key=TOKEN or the X-Goog-Api-Key header",
        )
    return values[0] if values else None


def _lenient(body: str) -> str:
    """Quote bare object keys and drop trailing commas, leaving the insides of strings alone."""

    def fix(chunk: list[str]) -> str:
        return _TRAILING_COMMA.sub(r"\1", _BARE_KEY.sub(r'\1"\2"\3', "".join(chunk)))

    out: list[str] = []
    chunk: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == '"':
            out.append(fix(chunk))
            chunk = []
            j = i + 1
            while j < len(body) and body[j] != '"':
                j += 2 if body[j] == "\\" else 1
            out.append(body[i : j + 1])
            i = j + 1
            continue
        chunk.append(ch)
        i += 1
    out.append(fix(chunk))
    return "".join(out)


def _fail(message: str) -> InputError:
    return InputError(message, hint="see the Perspective API comments:analyze request format")


# --- scores ----------------------------------------------------------------------------------


def _check_score(check: str, f: Features) -> tuple[float, Any]:
    """One mutewatch check on one prepared piece of text: its score in 0..1 and evidence."""
    score, evidence = CHECKS[check](f)
    return min(1.0, max(0.0, float(score))), evidence


def _identity_and_insult(pieces: list[str], vectors: Vectors) -> tuple[Scores, Scores]:
    """IDENTITY_ATTACK and INSULT of each piece, from the racism and personal-attack checks."""
    identity, insult = np.zeros(len(pieces)), np.zeros(len(pieces))
    for i, (piece, vector) in enumerate(zip(pieces, vectors, strict=True)):
        # sentences=[]: the spans are scored as pieces already, and the summary is the worst
        # of them (scoring each piece's sentences again cost 1-2 s more on 64 sentences)
        f = Features(
            CommentInput(id="perspective", text=piece, author_name=""), vector, None, sentences=[]
        )
        racist, evidence = _check_score("racism", f)
        personal, _ = _check_score("personal_attack", f)
        groups = evidence.get("groups_mentioned") if isinstance(evidence, dict) else None
        if not isinstance(groups, list):
            groups = identity_mentions(piece)
        identity[i] = racist if groups else min(racist, personal)
        insult[i] = personal
    return identity, insult


SHORT_WORDS = 4  # a piece of fewer words has its PROFANITY head score shrunk without evidence
PROFANITY_BASE = 0.1  # what the shrink moves toward
_WORD = re.compile(r"\w+")
# swear words and their masked forms ("f***", "sh*t", "f off"): the lexical evidence that keeps
# a short piece's PROFANITY head score as it is
_SWEAR = re.compile(
    r"(?i)(?<![a-z])(?:f+u+c*k+\w*|f[\W_]{1,3}[ck]\w*|[a-z][*#@$%!]{2,}\w*|sh[i1!*]t+\w*"
    r"|bitch\w*|cunt\w*|dick\w*|cock\w*|puss(?:y|ies)|ass(?:es|hole\w*|wipe\w*)?|arse\w*"
    r"|bastard\w*|damn\w*|goddam\w*|crap\w*|piss\w*|twat\w*|wank\w*|bollock\w*|slut\w*"
    r"|whore\w*|fag\w*|nigg\w*|hoes?|prick\w*|retard\w*|motherf\w*|wtf|stfu|bullshit)(?![a-z])"
)


def _short_profanity(head: Scores, pieces: list[str], insult: Scores, identity: Scores) -> Scores:
    """PROFANITY: the head's score, shrunk toward ``PROFANITY_BASE`` on a piece of fewer than
    ``SHORT_WORDS`` words without a swear word, an insult or an identity attack."""
    out = head.copy()
    for i, piece in enumerate(pieces):
        n = len(_WORD.findall(piece))
        if n >= SHORT_WORDS or max(insult[i], identity[i]) >= 0.8 or _SWEAR.search(piece):
            continue
        if out[i] > PROFANITY_BASE:
            out[i] = PROFANITY_BASE + (out[i] - PROFANITY_BASE) * n / SHORT_WORDS
    return out


def attribute_scores(pieces: list[str], vectors: Vectors) -> dict[str, Scores]:
    """Every supported attribute's score for each piece of text (see the module docstring)."""
    h = heads()
    identity, insult = _identity_and_insult(pieces, vectors)
    head = np.clip(h.score("offensive", vectors), 0.0, 1.0)
    profanity = _short_profanity(head, pieces, insult, identity)
    threat = np.clip(h.score("threat", vectors), 0.0, 1.0)
    severe = np.maximum.reduce([identity**2, threat**2, insult * profanity])
    return {
        "TOXICITY": np.maximum.reduce([identity, insult, profanity, threat]),
        "SEVERE_TOXICITY": severe,
        "IDENTITY_ATTACK": identity,
        "INSULT": insult,
        "PROFANITY": profanity,
        "THREAT": threat,
    }


def _value(v: float) -> dict[str, Any]:
    return {"value": round(float(v), 4), "type": "PROBABILITY"}


def _utf16(text: str) -> Callable[[int], int]:
    """Map a character offset of ``text`` to its UTF-16 code-unit offset (Perspective's)."""
    if text.isascii() or all(ord(c) < 0x10000 for c in text):
        return lambda i: i
    units = np.cumsum([0] + [2 if ord(c) >= 0x10000 else 1 for c in text])
    return lambda i: int(units[i])


# --- request fields --------------------------------------------------------------------------


def _text(request: dict[str, Any]) -> str:
    comment = request.get("comment")
    if not isinstance(comment, dict) or not isinstance(comment.get("text"), str):
        raise _fail("comment.text is required and must be a string")
    _known(comment, _TEXT_FIELDS, "comment")
    if (comment.get("type") or "PLAIN_TEXT") not in ("PLAIN_TEXT", "TEXT_TYPE_UNSPECIFIED"):
        raise _fail("comment.type: only PLAIN_TEXT is supported")
    text: str = comment["text"]
    check_unicode(text, "comment.text")
    if not any(map(visible, text)):  # blank, or only zero-width and other unseen characters
        raise _fail("comment.text is empty")
    if len(text.encode("utf-8")) > MAX_TEXT_CHARS:
        raise _fail(f"comment.text is longer than {MAX_TEXT_CHARS} bytes")
    return text


def _attribute_spec(name: str, spec: Any) -> dict[str, Any]:
    where = f"requestedAttributes.{name}"
    if spec is not None and not isinstance(spec, dict):
        raise _fail(f"{where} must be an object")
    options = _json_names(spec or {}, _ATTRIBUTE_FIELDS, where)
    _known(options, _ATTRIBUTE_FIELDS, where)
    if (options.get("scoreType") or "PROBABILITY") not in _PROBABILITY:
        raise _fail(f"{where}.scoreType: only PROBABILITY is supported")
    threshold = options.get("scoreThreshold")
    if threshold is not None and not _probability(threshold):
        raise _fail(f"{where}.scoreThreshold must be a number in 0..1")
    return options


def _requested(request: dict[str, Any], drop: bool) -> dict[str, dict[str, Any]]:
    """The requested attributes and their options; unknown ones dropped if ``drop``."""
    attrs = request.get("requestedAttributes")
    if not isinstance(attrs, dict) or not attrs:
        raise _fail('requestedAttributes must be a non-empty object, e.g. {"TOXICITY": {}}')
    out = {}
    for name, spec in attrs.items():
        if name not in SUPPORTED:
            if drop:
                continue
            raise _fail(
                f"Unknown attribute {name!r}; supported: {', '.join(SUPPORTED)} "
                '(or send "dropUnsupportedAttributes": true to leave it out)'
            )
        out[name] = _attribute_spec(name, spec)
    return out


def _flag(request: dict[str, Any], field: str) -> bool:
    """An optional boolean field (``null`` or absent: false)."""
    value = request.get(field)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _fail(f"{field} must be true or false")
    return value


def _language_list(request: dict[str, Any]) -> list[str] | None:
    languages = request.get("languages")
    if languages is None:
        return None
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise _fail('languages must be a list of language codes, e.g. ["en"]')
    return languages or None


def _supported_language(code: str) -> bool:
    """Whether ``code`` names a supported language: an ISO 639-1 (``en``), ISO 639-2/3
    (``eng``) or BCP-47 code (``en-GB``, ``en_US``, ``eng-GB``), in any case."""
    primary = re.split(r"[-_]", code)[0].lower()
    return ISO_639_ALPHA_3.get(primary, primary) in SUPPORTED_LANGUAGES


def detected_languages(text: str) -> list[str]:
    """The language mutewatch's language check detects (``[]`` when it cannot run)."""
    import importlib

    try:
        language = importlib.import_module("mutewatch.moderate.language")
        return [str(language.detect(text).language)]
    except (ImportError, MutewatchError) as exc:  # scoring does not depend on it
        log.warning("language detection unavailable for detectedLanguages: %s", exc)
        return []


def _effective_languages(requested: list[str] | None, detected: list[str]) -> list[str]:
    """The request's languages, else the detected ones (Perspective's ``languages``)."""
    if requested:
        return requested
    if not detected:
        raise _fail('the language of comment.text could not be detected; send "languages": ["en"]')
    return detected


def _client_token(request: dict[str, Any], out: dict[str, Any]) -> None:
    """Echo ``clientToken`` when the request has one."""
    token = _string(request, "clientToken")
    if token is not None:
        out["clientToken"] = token


def _string(request: dict[str, Any], field: str) -> str | None:
    """An optional string field (``null`` or absent: None)."""
    value = request.get(field)
    if value is not None and not isinstance(value, str):
        raise _fail(f"{field} must be a string")
    return value


def _camel(name: str) -> str:
    """``do_not_store`` -> ``doNotStore`` (a protobuf field's JSON name)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _json_names(record: dict[str, Any], known: frozenset[str], where: str = "") -> dict[str, Any]:
    """``record`` with each field under its JSON name: protobuf's JSON parser, Perspective's,
    accepts a field's proto name as well (``requested_attributes``, ``do_not_store``, as
    Google's own Node.js client for Perspective sends them). A field given under both names
    is refused. Names that are neither stay as they are, for ``_known`` to refuse."""
    out: dict[str, Any] = {}
    for name, value in record.items():
        json_name = _camel(name) if name not in known and _camel(name) in known else name
        if json_name in out:
            at = f" at '{where}'" if where else ""
            raise _fail(
                f'Invalid JSON payload received. Duplicate field "{json_name}"{at}: it is '
                f'given as "{json_name}" and as "{name}"; send one'
            )
        out[json_name] = value
    return out


def _known(record: dict[str, Any], known: frozenset[str], where: str = "") -> None:
    """Refuse fields Perspective does not define, with Google's "Unknown name" message."""
    unknown = sorted(set(record) - known)
    if unknown:
        at = f" at '{where}'" if where else ""
        raise _fail(
            f'Invalid JSON payload received. Unknown name "{unknown[0]}"{at}: '
            f"Cannot find field. Known: {', '.join(sorted(known))}"
        )


def _fields(request: Any, known: frozenset[str]) -> dict[str, Any]:
    """The request as an object with only known fields, of their documented types."""
    if not isinstance(request, dict):
        raise _fail("the request body must be a JSON object")
    fields = _json_names(request, known)
    _known(fields, known)
    for field in ("sessionId", "communityId"):
        _string(fields, field)
    _context(fields.get("context"))
    return fields


# --- comments:analyze ------------------------------------------------------------------------


def analyze(request: Any) -> dict[str, Any]:
    """Answer one Perspective ``comments:analyze`` request (raises InputError when invalid)."""
    request = _fields(request, ANALYZE_FIELDS)
    text = _text(request)
    _flag(request, "doNotStore")  # nothing is stored either way; only its type is checked
    drop = _flag(request, "dropUnsupportedAttributes")
    attrs = _requested(request, drop)
    requested_languages = _language_list(request)
    detected = detected_languages(text)
    languages = _effective_languages(requested_languages, detected)
    # the text is scored in the request's supported languages ("en" of ["en", "de"]):
    # Perspective refuses a request only when none of its languages is supported
    unsupported = [x for x in languages if not _supported_language(x)]
    none_supported = bool(languages) and len(unsupported) == len(languages)
    if none_supported and attrs and not drop:
        raise _fail(
            f"Attribute {next(iter(attrs))} does not support request languages: "
            f"{', '.join(unsupported)}"
        )
    by_sentence = _flag(request, "spanAnnotations")
    out: dict[str, Any] = {"attributeScores": {}, "languages": languages}
    if attrs and not none_supported:
        out["attributeScores"] = _scored(text, attrs, by_sentence)
    out["detectedLanguages"] = detected
    _client_token(request, out)
    return out


def _scored(text: str, attrs: dict[str, dict[str, Any]], by_sentence: bool) -> dict[str, Any]:
    """``attributeScores`` for the requested attributes: a summary that is the larger of the
    whole-text score and the worst sentence, and sentence spans if ``by_sentence`` (else one
    span over the whole comment, scored as the summary). Scores below an attribute's
    ``scoreThreshold`` are not returned (methods.md: "The API won't return scores that are
    below this threshold"): its spans below it are left out, and the whole attribute when
    its summary is below it."""
    spans = scored_spans(text)
    pieces = [text] + ([text[a:b] for a, b in spans] if len(spans) > 1 else [])
    scores = attribute_scores(pieces, embedder().embed(pieces))
    at = _utf16(text)
    out: dict[str, Any] = {}
    for name, spec in attrs.items():
        column = scores[name]
        span_values = column[1:] if len(spans) > 1 else column[:1]
        summary = round(max(float(column[0]), float(span_values.max())), 4)
        floor = -1.0 if spec.get("scoreThreshold") is None else float(spec["scoreThreshold"])
        if summary < floor:
            continue
        pairs = zip(spans, span_values, strict=True) if by_sentence else [((0, len(text)), summary)]
        out[name] = {"spanScores": _listed_spans(pairs, floor, at), "summaryScore": _value(summary)}
    return out


def _listed_spans(
    pairs: Iterable[tuple[tuple[int, int], Any]], floor: float, at: Callable[[int], int]
) -> list[dict[str, Any]]:
    """``spanScores`` of the spans scored at least ``floor``, offsets in UTF-16 code units."""
    return [
        {"begin": at(a), "end": at(b), "score": _value(v)}
        for (a, b), v in pairs
        if round(float(v), 4) >= floor
    ]


# --- comments:suggestscore -------------------------------------------------------------------


def _probability(value: Any) -> bool:
    return _number(value) and 0.0 <= value <= 1.0


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _score(score: Any, where: str) -> None:
    """Validate one suggested ``{value, type?}`` score."""
    if not isinstance(score, dict) or not _number(score.get("value")):
        raise _fail(f'{where} must be an object with a numeric "value", e.g. {{"value": 0}}')
    kind = score.get("type", "PROBABILITY")
    if kind not in SCORE_TYPES:
        raise _fail(f"{where}.type must be one of {', '.join(SCORE_TYPES)}")
    if kind in _PROBABILITY and not _probability(score["value"]):
        raise _fail(f"{where}.value must be in 0..1 for a PROBABILITY score")


def _span_scores(spans: Any, where: str) -> None:
    if not isinstance(spans, list):
        raise _fail(f"{where} must be a list of {{begin, end, score}}")
    for i, span in enumerate(spans):
        at = f"{where}[{i}]"
        if not isinstance(span, dict):
            raise _fail(f"{at} must be an object {{begin, end, score}}")
        begin, end = span.get("begin"), span.get("end")
        if not (isinstance(begin, int) and isinstance(end, int) and 0 <= begin <= end):
            raise _fail(f"{at} needs integer begin and end with 0 <= begin <= end")
        _score(span.get("score"), f"{at}.score")


def _suggested(scores: Any) -> None:
    """Validate ``attributeScores`` of a suggestion (any attribute name, as Perspective's)."""
    if not isinstance(scores, dict) or not scores:
        raise _fail(
            'attributeScores must be a non-empty object, e.g. {"TOXICITY": {"summaryScore": '
            '{"value": 0}}}'
        )
    for name, entry in scores.items():
        where = f"attributeScores.{name}"
        if isinstance(entry, dict):
            entry = _json_names(entry, _SCORES_FIELDS, where)
        if not isinstance(entry, dict) or not (_SCORES_FIELDS & set(entry)):
            raise _fail(f"{where} must hold a summaryScore, spanScores or both")
        if "summaryScore" in entry:
            _score(entry["summaryScore"], f"{where}.summaryScore")
        if "spanScores" in entry:
            _span_scores(entry["spanScores"], f"{where}.spanScores")


def _context(context: Any) -> None:
    """Validate ``context``: ``{"entries": [TextEntry]}`` and/or ``{"articleAndParentComment":
    {"article": TextEntry, "parentComment": TextEntry}}`` (Perspective's two forms)."""
    if context is None:
        return
    usage = 'context must be an object {"entries": [{"text": "..."}]}'
    if not isinstance(context, dict):
        raise _fail(usage)
    context = _json_names(context, _CONTEXT_FIELDS, "context")
    _known(context, _CONTEXT_FIELDS, "context")
    entries = [] if context.get("entries") is None else context["entries"]
    pair = (
        {} if context.get("articleAndParentComment") is None else context["articleAndParentComment"]
    )
    if not isinstance(entries, list) or not isinstance(pair, dict):
        raise _fail(usage)
    where = "context.articleAndParentComment"
    pair = _json_names(pair, _PAIR_FIELDS, where)
    _known(pair, _PAIR_FIELDS, where)
    for i, entry in enumerate([*entries, *pair.values()]):
        _text_entry(entry, f"context entry {i}")


def _text_entry(entry: Any, where: str) -> None:
    """Validate one ``{"text", "type"}`` of the context (``null`` allowed: left out)."""
    if entry is None:
        return
    if not isinstance(entry, dict) or not isinstance(entry.get("text") or "", str):
        raise _fail(f'{where} must be an object {{"text": "..."}}')
    _known(entry, _TEXT_FIELDS, where)


def suggest_score(request: Any) -> dict[str, Any]:
    """Answer one Perspective ``comments:suggestscore`` request: validate it, keep nothing.

    mutewatch never stores Perspective traffic: a suggested score is checked for shape
    (``comment.text``; ``attributeScores`` with ``summaryScore``/``spanScores`` values;
    optional ``context``, ``languages``, ``clientToken``) and acknowledged, and then
    forgotten. Any attribute name is accepted (Coral Talk sends its moderation status, e.g.
    ``APPROVED``). The answer is Perspective's: ``{"detectedLanguages", "requestedLanguages"
    (when the request had languages), "clientToken" (echoed when given)}``.
    """
    request = _fields(request, SUGGEST_FIELDS)
    text = _text(request)
    _suggested(request.get("attributeScores"))
    languages = _language_list(request)
    out: dict[str, Any] = {"detectedLanguages": detected_languages(text)}
    if languages:
        out["requestedLanguages"] = languages
    _client_token(request, out)
    return out
