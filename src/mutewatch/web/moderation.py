"""Moderation endpoints, the Perspective-compatible endpoint and the moderator page.

Included by ``mutewatch.web.app.create_app`` (which also calls ``setup(app)``):

- ``POST /api/v1/articles`` ``{id, title, body}`` (moderator) → 201 ``{id, title, created}``
  when the id is new, 200 with ``created: false`` when it replaces the article of that id;
  ``Idempotency-Key`` as below (a retry gets the first answer and status)
- ``POST /api/v1/comments`` ``{article_id, author_name, email?, text, parent_id?}`` (any
  signed-in role: the site's comment backend) → 201 ``{id, decision, clauses, reason}``;
  header ``Idempotency-Key`` (optional, 1-255 printable ASCII, the user's own, kept 24 h):
  a retry with the same key and body answers the first 201 again with
  ``Idempotent-Replayed: true`` and stores nothing; the key with another body is a 422
  ``idempotency_key_reused``. The articles, actions and appeal routes take the header
  alike, each route's keys its own (per user and route; on a comment's routes the key also
  holds to that comment: sent for another, a 422): a retry of an approve or an appeal that
  was done gets its first answer again, not the 409 of a decision already made
- ``GET /api/v1/moderation/queue?limit=&offset=&after=&clause=&appeal=`` (moderator) → held
  comments, each with the reader's ``appeal`` and the ``author_record``; ``after``: the
  previous page's ``next_after``
- ``POST /api/v1/comments/{id}/appeal`` ``{note}`` (the account that submitted it) → the
  comment back in the queue, held; once, against an automated hold or reject only (409)
- ``POST /api/v1/comments/{id}/actions`` ``{action: approve|reject|edit, text?, note,
  expected_status?, expected_revision?, expected_appealed?}`` (409 when another moderator
  acted since, or the reader appealed since, and when a moderator already made this very
  decision: a second approve or reject records nothing)
  (moderator) → the comment's new state
- ``GET /api/v1/comments/{id}/history`` and ``GET /api/v1/moderation/audit`` (moderator)
- ``GET /api/v1/articles/{id}/comments?limit=&offset=&after=`` (any signed-in role) → the
  article's published comments, oldest first (``after``: the previous page's
  ``next_after``); ``GET /api/v1/comments/{id}`` (the user who submitted it, moderators,
  admins) → its status, decision and the reason for the commenter (e-mail
  for moderators)
- ``GET /api/v1/moderation/audit/verify`` (moderator) → the audit log's hash chain
- ``POST /v1alpha1/comments:analyze?key=TOKEN`` and ``POST /v1alpha1/comments:suggestscore``:
  Perspective API's requests and responses (the key may also come in ``X-Goog-Api-Key``);
  their errors take Google's shape ``{"error": {"code": 400, "message", "status":
  "INVALID_ARGUMENT"}}`` (a wrong key too, with Google's ``API_KEY_INVALID`` detail; no key
  403 ``PERMISSION_DENIED``, ...)
- ``GET /moderation``: the moderator page (queue, evidence, keyboard actions, history)

The policy is the shipped default unless the app setting ``moderation_policy`` or the
environment variable ``MUTEWATCH_MODERATION_POLICY`` names another policy file.

Bodies are read raw: invalid UTF-8, non-JSON, strings UTF-8 cannot encode (a lone surrogate
sent as a JSON escape), missing fields and oversized texts give a 4xx ``{"error": {"code",
"message"}}`` naming the field, and store nothing. A 201 means committed. A body over
``MAX_BODY_BYTES`` is a 413 ``too_large`` (refused before it is read further); a field over
its own limit in a body within it, a 422 naming the field. A query parameter given twice is
a 400 naming it (``once_each``), and so is a bad ``limit``, ``offset``, ``before`` or
``appeal`` (``query_values``; FastAPI's own check answered 422 ``validation_error``).
"""

from __future__ import annotations

import functools
import html
import importlib
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from mutewatch.errors import (
    EngineError,
    ForbiddenError,
    InputError,
    MutewatchError,
    UsageError,
)
from mutewatch.web.api import given_once, query_values
from mutewatch.web.auth import User, limited_token_user, require_role
from mutewatch.web.moderation_bodies import ACTION, APPEAL, ARTICLE, COMMENT

log = logging.getLogger(__name__)
router = APIRouter()
ModeratorUser = Annotated[User, Depends(require_role("moderator"))]
SubmitterUser = Annotated[User, Depends(require_role("viewer", "analyst", "moderator"))]
MAX_BODY_BYTES = 1_000_000
_lock = threading.Lock()
ASSETS = Path(__file__).parent / "moderation_assets"


def _service(request: Request) -> Any:
    """The app's ModerationService, created on first use."""
    state = request.app.state
    service = getattr(state, "moderation_service", None)
    if service is None:
        with _lock:
            service = getattr(state, "moderation_service", None)
            if service is None:
                service = _make_service(request.app)
    return service


def _policy(app: FastAPI) -> Any:
    """The policy: setting ``moderation_policy``, env MUTEWATCH_MODERATION_POLICY, or default."""
    from mutewatch.moderate.policy import load_policy

    settings = getattr(app.state, "settings", None) or {}
    path = settings.get("moderation_policy") or os.environ.get("MUTEWATCH_MODERATION_POLICY")
    return load_policy(Path(path) if path else None)


def _make_service(app: FastAPI) -> Any:
    from mutewatch.moderate.service import DirectAccess, GatewayAccess, ModerationService

    state = app.state
    gateway = getattr(state, "gateway", None)
    if gateway is not None:
        service = ModerationService(GatewayAccess(gateway), _policy(app))
    else:
        import duckdb

        path = getattr(state, "store_path", None) or state.settings["store_path"]
        service = ModerationService(DirectAccess(duckdb.connect(str(path))), _policy(app))
    state.moderation_service = service
    return service


def setup(app: FastAPI) -> None:
    """Create the service and load the models now, so the first comment is fast (they are
    usually loaded already: ``create_app`` starts :func:`load_models` before the store)."""
    app.state.routing_error = perspective_routing_error  # Google's error shape on its paths
    service = _make_service(app)
    used = [n for n in _USES if any(c.check in _USES[n] for c in service.policy.clauses)]
    try:
        load_models(used)
        _warm_up(service.moderator)
    except (MutewatchError, ImportError) as exc:  # the server still starts; checks say why
        log.warning("moderation models could not load: %s", exc)


def load_models(checks: list[str] | tuple[str, ...] = ("language", "names")) -> None:
    """Load the embedding model and heads, and the models of the ``checks`` modules.

    The embedding model loads in a second thread while the language and name models load
    here: this takes the longer of the two, not their sum. Each model loads once per process.
    """
    from mutewatch.moderate.models import embedder, heads

    loader = threading.Thread(target=lambda: (embedder(), heads()), name="load-embedder")
    loader.start()
    try:
        for name in checks:
            warm = getattr(importlib.import_module(f"mutewatch.moderate.{name}"), "warm_up", None)
            if callable(warm):
                warm()
    finally:
        loader.join()


_USES = {"language": {"language", "dialect"}, "names": {"fantasy_name", "false_name"}}
_WARM_WORDS = [
    "placeholder",
    "text",
    "about",
    "the",
    "council",
    "budget",
    "and",
    "the",
    "new",
    "school",
    "plan",
]


def _warm_up(moderator: Any) -> None:
    """Decide a few made-up comments of growing length against a made-up article, one at a
    time as requests do: the first inferences of each input length and the first relevance
    judgement are slow (arena growth, lazy loads), and were the server's slowest requests."""
    from mutewatch.moderate.checks import CommentInput, Topic
    from mutewatch.moderate.models import embedder

    article = embedder().embed([" ".join(_WARM_WORDS * 20)])[0]
    topic = Topic("warmup", article)
    for i, repeat in enumerate((0, 1, 4, 16)):
        text = " ".join(_WARM_WORDS * repeat) or "Warm up."
        moderator.check([CommentInput(id=f"warmup{i}", text=text, author_name="A B")], [topic])


async def _raw_body(request: Request) -> bytes:
    """The body's bytes, read no further than ``MAX_BODY_BYTES``: a larger body, declared
    or streamed, is refused before it is held in memory (a client could send gigabytes)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


class BodyTooLarge(UsageError):
    """A request body over ``MAX_BODY_BYTES`` (HTTP 413, as ``UploadLimit`` answers other
    routes' bodies over theirs). A field over its own limit in a body within this one (a
    comment's ``text`` over the policy's characters) stays a 422 naming the field."""

    http_status = 413
    code = "too_large"


def _too_large() -> BodyTooLarge:
    return BodyTooLarge(
        f"the request body has more than {MAX_BODY_BYTES} bytes, the limit",
        hint="send one comment per request",
    )


def once_each(request: Request) -> None:
    """UsageError (HTTP 400) naming a query parameter given more than once: the routes read
    one value, and Starlette hands them the last (``?from=2026-11-01&from=2026-01-01`` gave
    the stats of January on, while a proxy or log reading the first saw November's).
    A dependency of every moderation route that takes query parameters (``Once``), after
    its role check, before FastAPI validates the values (``api.given_once``)."""
    given_once(request)


Once = Annotated[None, Depends(once_each)]

PAGE_LIMIT = (1, 500)
AUDIT_LIMIT = (1, 5000)
OFFSET = (0, None)
AUDIT_BEFORE = (1, None)


async def _text_body(request: Request) -> str:
    raw = await _raw_body(request)
    try:
        text = raw.decode("utf-8-sig")  # a leading byte order mark is ignored (RFC 8259 8.1)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the request body is not valid UTF-8 (byte {exc.start})",
            hint="encode the JSON body as UTF-8",
        ) from exc
    return text


async def _json_body(request: Request, what: str) -> Any:
    """The body as JSON, every string in it valid Unicode (``what`` names the record in
    errors, as the library does: ``the comment field `text` ...``)."""
    from mutewatch.moderate.service import read_json

    record = read_json(await _text_body(request))
    check_utf8(record, what)
    return record


def check_utf8(value: Any, what: str = "request") -> None:
    """Raise the library's InputError (``service.check_unicode``) for the first string, key or
    value, that UTF-8 cannot encode.

    JSON may escape a lone surrogate (``"\\ud800"``), which parses into a Python string
    that no UTF-8 writer (DuckDB, the response encoder) accepts. The whole body is checked,
    so fields the library does not read (a Perspective ``clientToken``, an unknown key)
    cannot fail later either; the field is named by its path (``comment.text``,
    ``items[2].text``; a bad key shown escaped; ``$`` for the body itself).
    """
    from mutewatch.moderate.service import check_unicode

    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            check_unicode(item, path or "$", what)
        elif isinstance(item, dict):
            for key, child in item.items():
                escaped = key.encode("utf-8", "backslashreplace").decode("utf-8")
                where = f"{path}.{escaped}" if path else escaped
                check_unicode(key, where, what)
                stack.append((child, where))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))


def _json(data: Any, status: int = 200) -> JSONResponse:
    """A JSON answer; times in ISO 8601 with ``Z`` (they are UTC), as the rest of the API."""
    from mutewatch.web.queries import jsonable

    return JSONResponse(json.loads(json.dumps(jsonable(data), default=str)), status_code=status)


IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def _with_key(extra: dict[str, Any], first: str) -> dict[str, Any]:
    """A route's OpenAPI extra with the optional ``Idempotency-Key`` header; ``first``: the
    answer a retry gets again."""
    header = {
        "name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": f"1-255 printable ASCII characters: a retry with the same key and"
        f" body gets {first} again (header Idempotent-Replayed: true) and changes nothing;"
        " the same key with another body is a 422 idempotency_key_reused. Kept 24 hours,"
        " per signed-in user and route.",
    }  # fmt: skip
    return {**extra, "parameters": [header]}


async def _once(
    request: Request,
    user: User,
    what: str,
    plain: Callable[..., dict[str, Any]],
    keyed: Callable[..., tuple[dict[str, Any], bool]],
    *path: str,
) -> tuple[dict[str, Any], bool]:
    """The body (``what``) read and given to ``plain(*path, body, user.name)``, or, with an
    ``Idempotency-Key`` (checked before the body is read), to ``keyed(*path, body,
    user.name, key)``: ``(answer, replayed)``."""
    key = idempotency_key(request)
    called = (*path, await _json_body(request, what), user.name)
    if key is None:
        return await run_in_threadpool(plain, *called), False
    return await run_in_threadpool(keyed, *called, key)


def _replayed(response: JSONResponse, replayed: bool) -> JSONResponse:
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response


@router.post(
    "/api/v1/articles",
    status_code=201,
    responses={200: {"description": "Replaced: an article of that id existed (`created` false)"}},
    openapi_extra=_with_key(ARTICLE, "the first answer and status"),
)
async def post_article(request: Request, user: ModeratorUser) -> JSONResponse:
    """Add or replace an article ``{id, title, body}`` comments are judged against: 201 when
    it is created, 200 when the id existed (``created`` says which; ``updated`` whether its
    title, body or embedding changed: the same article posted again writes and audits
    nothing).
    ``Idempotency-Key`` as on ``POST /api/v1/comments``: a retry gets the first answer and
    status (a 201 stays a 201)."""
    service = _service(request)
    result, replayed = await _once(
        request, user, "article", service.add_article, service.add_article_once
    )
    return _replayed(_json(result, 201 if result["created"] else 200), replayed)


def idempotency_key(request: Request) -> str | None:
    """The request's ``Idempotency-Key`` (None when it has none), checked: 1-255 printable
    ASCII characters (``service.check_idempotency_key``), given once (a UsageError, HTTP
    400, otherwise: two keys would make the request's identity ambiguous)."""
    from mutewatch.moderate.service import check_idempotency_key

    given = request.headers.getlist(IDEMPOTENCY_HEADER)
    if not given:
        return None
    if len(given) > 1:
        raise UsageError(
            f"the {IDEMPOTENCY_HEADER} header is given {len(given)} times",
            hint="send one key per request",
        )
    key = given[0].strip(" \t")
    _check_key_bytes(key)
    return check_idempotency_key(key)


def _check_key_bytes(key: str) -> None:
    """A UsageError naming the first byte of the header's key that is not printable ASCII.

    Starlette gives a header's bytes as latin-1 characters, one per byte, so the service's
    check named the byte as a character: "é" sent as UTF-8 (C3 A9) was refused as
    "U+00C3". The byte is named here, and the character it begins when the key is UTF-8.
    """
    bad = next((i for i, ch in enumerate(key) if not " " <= ch <= "~"), None)
    if bad is None:
        return
    raw = key.encode("latin-1")
    try:
        character = f", the start of U+{ord(raw.decode('utf-8')[bad]):04X} in UTF-8"
    except UnicodeDecodeError:
        character = ""
    if raw[bad] < 0x80:  # a control character is that character
        character = ""
    raise UsageError(
        f"the {IDEMPOTENCY_HEADER} header holds a byte that is not printable ASCII"
        f" (byte 0x{raw[bad]:02X} at byte {bad}{character})",
        hint="send 1-255 printable ASCII characters (space to ~), e.g. a UUID",
    )


@router.post(
    "/api/v1/comments",
    status_code=201,
    openapi_extra=_with_key(COMMENT, "the first answer"),
)
async def post_comment(request: Request, user: SubmitterUser) -> JSONResponse:
    """Submit a comment ``{article_id, author_name, text, email?, parent_id?}``; 201 ``{id,
    decision, clauses, reason}`` once stored with its decision.

    With an ``Idempotency-Key`` header (1-255 printable ASCII characters, the signed-in
    user's own), a retry with the same key and the same body (compared as canonical JSON)
    answers what the first did, with ``Idempotent-Replayed: true``, and stores nothing; the
    key with another body is a 422 ``idempotency_key_reused``. Keys are kept 24 hours, in
    the transaction that stores the comment (a 201 is replayed after a restart too)."""
    service = _service(request)
    result, replayed = await _once(
        request, user, "comment", service.submit_comment, service.submit_comment_once
    )
    return _replayed(_json(result, 201), replayed)


@router.get("/api/v1/moderation/queue")
async def get_queue(
    request: Request,
    user: ModeratorUser,
    _once: Once,
    _values: Annotated[None, query_values(limit=PAGE_LIMIT, offset=OFFSET, appeal=bool)],
    limit: Annotated[int, Query(ge=PAGE_LIMIT[0], le=PAGE_LIMIT[1])] = 50,
    offset: Annotated[int, Query(ge=OFFSET[0])] = 0,
    clause: str | None = None,
    appeal: bool | None = None,
    article_id: str | None = None,
    after: str | None = None,
) -> JSONResponse:
    """Held comments, oldest first, with the clauses that fired and their evidence, the
    reader's ``appeal`` (``{note, at}`` or null) and the ``author_record`` (the author's
    other comments by status): ``{total, next_after, items}``. ``appeal=true`` lists only
    appealed comments, ``false`` the others; ``article_id`` one article's (404 for an
    article nobody added). ``after`` (the ``next_after`` of the page before; null on the
    last page) pages on without skipping the items left after comments were decided since
    (an ``offset`` skips as many)."""
    service = _service(request)
    result = await run_in_threadpool(
        lambda: service.queue(limit, offset, clause, appeal, article_id=article_id, after=after)
    )
    return _json(result)


@router.post(
    "/api/v1/comments/{comment_id}/appeal",
    openapi_extra=_with_key(APPEAL, "the first answer, not the 409 of an appeal made"),
)
async def post_appeal(comment_id: str, request: Request, user: SubmitterUser) -> JSONResponse:
    """A reader's appeal ``{note}`` against an automated hold or reject: the comment goes
    back to the moderation queue as held, and the appeal is in the audit log.

    Only the account that submitted the comment may appeal (404 for anyone else, so
    comments cannot be enumerated), once per comment; a moderator's decision and a
    published comment cannot be appealed (409). → ``{id, status, appealed, appeal}``.
    ``Idempotency-Key`` as on ``POST /api/v1/comments``: a retry of an appeal that was
    made gets its answer again, not a 409; the key sent for another comment is a 422."""
    service = _service(request)
    result, replayed = await _once(
        request, user, "appeal", service.appeal, service.appeal_once, comment_id
    )
    return _replayed(_json(result), replayed)


@router.post(
    "/api/v1/comments/{comment_id}/actions",
    openapi_extra=_with_key(ACTION, "the first answer, not the 409 of a decision made"),
)
async def post_action(comment_id: str, request: Request, user: ModeratorUser) -> JSONResponse:
    """Approve, reject or edit a comment ``{action, text?, note, expected_status?,
    expected_revision?, expected_appealed?}``; audited with your name. 409 when the comment
    is no longer in the expected state (another moderator acted since, or the reader
    appealed since: ``expected_appealed`` says whether you saw an appeal), and when a
    moderator already approved (or edited) it and this is an approve, or rejected it and
    this is a reject: the 409 names who and when, and nothing is recorded.

    The 409's error has, beside its ``code`` and ``message``, a ``conflict`` object saying
    the same for a program (the moderator page builds its own sentence from it): ``reason``
    ("changed" or "already_decided"), ``comment_id``, ``status``, ``revision``, ``appealed``
    (when ``expected_appealed`` was sent), ``expected`` (changed: the expected_ fields
    sent) and ``last`` ``{actor, action, at}``, the audit entry behind it (or null).

    ``Idempotency-Key`` as on ``POST /api/v1/comments``: a newsroom client retrying an
    approve after a timeout gets the first answer again (``Idempotent-Replayed: true``),
    not the 409 of a decision already made; the key sent with another body or for another
    comment is a 422 ``idempotency_key_reused``."""
    service = _service(request)
    result, replayed = await _once(
        request, user, "action", service.act, service.act_once, comment_id
    )
    return _replayed(_json(result), replayed)


@router.get("/api/v1/comments/{comment_id}/history")
async def get_history(comment_id: str, request: Request, user: ModeratorUser) -> JSONResponse:
    """A comment's revisions, decisions (machine and human) and audit entries."""
    return _json(await run_in_threadpool(_service(request).history, comment_id))


@router.get("/api/v1/moderation/audit")
async def get_audit(
    request: Request,
    user: ModeratorUser,
    _once: Once,
    _values: Annotated[None, query_values(limit=AUDIT_LIMIT, before=AUDIT_BEFORE)],
    limit: Annotated[int, Query(ge=AUDIT_LIMIT[0], le=AUDIT_LIMIT[1])] = 200,
    before: Annotated[int | None, Query(ge=AUDIT_BEFORE[0])] = None,
    actor: str | None = None,
    action: str | None = None,
    comment_id: str | None = None,
) -> JSONResponse:
    """The append-only moderation audit log, newest first: ``{items, next_before}``.

    ``before`` (the ``next_before`` of the page before) pages back through the whole log;
    ``actor``, ``action`` and ``comment_id`` keep the entries that match exactly.
    ``next_before`` is None on the last page (a last page exactly full included, as the
    queue's and the published list's ``next_after``).
    """
    page = await run_in_threadpool(
        functools.partial(
            _service(request).audit_page,
            limit,
            before=before,
            actor=actor,
            action=action,
            comment_id=comment_id,
        )  # fmt: skip
    )
    return _json(page)


@router.get("/api/v1/articles/{article_id:path}/comments")
async def get_published(
    article_id: str,
    request: Request,
    user: SubmitterUser,
    _once: Once,
    _values: Annotated[None, query_values(limit=PAGE_LIMIT, offset=OFFSET)],
    limit: Annotated[int, Query(ge=PAGE_LIMIT[0], le=PAGE_LIMIT[1])] = 50,
    offset: Annotated[int, Query(ge=OFFSET[0])] = 0,
    after: str | None = None,
) -> JSONResponse:
    """An article's published comments for the site to show, oldest first:
    ``{article_id, total, limit, offset, next_after, items: [{id, parent_id,
    parent_published, author_name, text, revision, created_at, updated_at}]}``.

    Page with ``?after=`` the ``next_after`` of the page before (null on the last page):
    unlike ``offset``, it neither repeats nor skips a comment when one is approved or
    rejected between pages.

    Readable by every signed-in role (viewer, analyst, moderator, admin): these comments are
    public on the site, and the site's backend reads them with the token it submits with.
    Held and rejected comments and e-mail addresses are never in it. 404 for an unknown
    article."""
    service = _service(request)
    result = await run_in_threadpool(service.published_comments, article_id, limit, offset, after)
    return _json(result)


@router.get("/api/v1/comments/{comment_id}")
async def get_comment(comment_id: str, request: Request, user: SubmitterUser) -> JSONResponse:
    """One comment's state: ``{id, article_id, parent_id, author_name, status, decision,
    decided_by, reason, revision, created_at, updated_at}``.

    Every signed-in role may call it, since the site that submitted a comment (with any
    role's token) needs it to tell the commenter "awaiting review" or why it was not
    published; but viewers and analysts see only the comments they submitted themselves
    (404 for others, so held and rejected comments cannot be enumerated). Moderators and
    admins see every comment, with ``email``, the moderator's ``note`` and the moderator's
    name in ``decided_by``; others get ``moderator`` there and a reason from the policy,
    never the note. ``automated`` says the machine made the decision, ``appealed`` and
    ``appeal`` whether the reader appealed, and ``how_to_appeal`` (null when it cannot be
    appealed) how to ask for a moderator's review. The text is not returned (a held
    comment's text is for moderators: its history). 404 for an unknown id."""
    staff = user.role in ("moderator", "admin")
    service = _service(request)
    return _json(
        await run_in_threadpool(
            lambda: service.comment_status(comment_id, staff=staff, reader=user.name, appeals=True)
        )
    )


@router.get("/api/v1/moderation/audit/verify")
async def get_audit_verify(request: Request, user: ModeratorUser) -> JSONResponse:
    """The moderation audit log's hash chain: ``{intact, entries, head, broken_at}`` (as the
    access audit's ``chain`` at ``GET /api/v1/audit``). Note the head down: entries cut from
    the end leave no trace in the chain itself."""
    return _json(await run_in_threadpool(_service(request).audit_chain))


def _token_user(request: Request, key: str | None) -> Any:
    if not key:
        raise ForbiddenError(
            "The request is missing a valid API key.",
            hint="call /v1alpha1/comments:analyze?key=TOKEN or send the X-Goog-Api-Key header",
        )
    auth = getattr(request.app.state, "auth", None)
    if auth is not None:  # bad keys count against the address, as bad Bearer tokens do
        user = limited_token_user(request, key)
    else:
        from mutewatch.web.auth import user_for_token

        user = user_for_token(request.app.state.store_path, key)
    if user is None:
        raise ApiKeyInvalid(API_KEY_INVALID, hint="create one with `mutewatch users add`")
    return user


API_KEY_INVALID = "API key not valid. Please pass a valid API key."
PERSPECTIVE_SERVICE = "commentanalyzer.googleapis.com"


class ApiKeyInvalid(UsageError):
    """A key that is no user's: Google answers HTTP 400 ``INVALID_ARGUMENT`` with an
    ``ErrorInfo`` of reason ``API_KEY_INVALID`` (not 401), and Perspective's clients read it
    so (``perspective_error`` adds the detail)."""

    reason = "API_KEY_INVALID"


GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def perspective_error(exc: MutewatchError) -> JSONResponse:
    """An error in Google's shape ``{"error": {"code", "message", "status"}}``.

    A bad request (mutewatch's 400 and 422) is 400 ``INVALID_ARGUMENT``, and so is a body
    over the limit (Google: 400 "Request payload size exceeds the limit: N bytes."); a
    missing key is 403 ``PERMISSION_DENIED`` ("The request is missing a valid API key."); a
    wrong key 400 ``INVALID_ARGUMENT`` "API key not valid. Please pass a valid API key."
    with ``details`` ``[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason":
    "API_KEY_INVALID", "domain": "googleapis.com", "metadata": {"service":
    "commentanalyzer.googleapis.com"}}]``, as Google answers both; a busy store 503
    ``UNAVAILABLE``; anything else 500 ``INTERNAL``.
    """
    if isinstance(exc, BodyTooLarge):
        exc = InputError(f"Request payload size exceeds the limit: {MAX_BODY_BYTES} bytes.")
    code = 400 if exc.http_status in (413, 422) else exc.http_status
    code = code if code in GOOGLE_STATUS else 500
    # a key's errors in Google's very words (clients and people search for them), no hint
    plain = isinstance(exc, ApiKeyInvalid | ForbiddenError)
    message = exc.message if plain else str(exc)
    error: dict[str, Any] = {"code": code, "message": message, "status": GOOGLE_STATUS[code]}
    reason = getattr(exc, "reason", None)
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                             "reason": reason, "domain": "googleapis.com",
                             "metadata": {"service": PERSPECTIVE_SERVICE}}]  # fmt: skip
    body = {"error": error}
    wait = getattr(exc, "retry_after", 60)  # a limiter's own wait, when it computed one
    headers = {"Retry-After": str(wait)} if code in (429, 503) else None
    return JSONResponse(body, status_code=code, headers=headers)


PERSPECTIVE_PATHS = "/v1alpha1/"
PERSPECTIVE_METHODS = "comments:analyze, comments:suggestscore"


def perspective_routing_error(
    path: str, status: int, message: str, headers: dict[str, str]
) -> JSONResponse | None:
    """A routing error under ``/v1alpha1/`` in Google's shape, as ``perspective_error``
    answers the routes' own errors; None elsewhere (``app.http_error`` answers those).

    No such method (a typo such as ``comments:analyse``) is 404 ``NOT_FOUND`` naming the
    methods served; a method the path does not take (``GET .../comments:analyze``) keeps its
    HTTP 405 and ``Allow`` header, with status ``UNIMPLEMENTED`` (grpc-gateway's code for
    it). These were ``{"error": {"code": "not_found", ...}}``, mutewatch's shape, whose
    string ``code`` a Perspective client reading Google's numeric ``code`` cannot take."""
    if not path.startswith(PERSPECTIVE_PATHS):
        return None
    if status == 404:
        message = f"Method not found: {path} (this server has {PERSPECTIVE_METHODS})"
    code = status if status in GOOGLE_STATUS or status == 405 else 500
    name = "UNIMPLEMENTED" if code == 405 else GOOGLE_STATUS[code]
    body = {"error": {"code": code, "message": message, "status": name}}
    return JSONResponse(body, status_code=code, headers=headers or None)


async def _perspective(request: Request, answer: Callable[[Any], dict[str, Any]]) -> JSONResponse:
    """Authenticate by API key, read the body as Perspective does, answer or fail Google's way.
    The key is read from every ``key`` of the query (``perspective.api_key``: ``?key=A&key=B``
    is a 400 ``INVALID_ARGUMENT`` naming it; the route's ``key`` was the last, taken
    silently), else the ``X-Goog-Api-Key`` header."""
    from mutewatch.moderate.perspective import api_key, parse_request

    try:
        key = api_key(request.query_params.getlist("key"))
        await run_in_threadpool(_token_user, request, key or request.headers.get("x-goog-api-key"))
        record = parse_request(await _text_body(request))
        check_utf8(record)
        return _json(await run_in_threadpool(answer, record))
    except MutewatchError as exc:
        return perspective_error(exc)
    except Exception as exc:  # noqa: BLE001 - Perspective clients expect Google's error shape
        log.exception("unhandled error on %s", request.url.path)
        return perspective_error(EngineError(f"internal error: {type(exc).__name__}"))


@router.post("/v1alpha1/comments:analyze")
async def analyze(request: Request, key: str | None = None) -> JSONResponse:
    """Perspective API's ``comments:analyze``: same request, same response shape.
    (``key`` is declared for the OpenAPI document; ``_perspective`` reads every ``key``.)"""
    from mutewatch.moderate.perspective import analyze as perspective_analyze

    return await _perspective(request, perspective_analyze)


@router.post("/v1alpha1/comments:suggestscore")
async def suggest_score(request: Request, key: str | None = None) -> JSONResponse:
    """Perspective API's ``comments:suggestscore``: validated and acknowledged, never stored."""
    from mutewatch.moderate.perspective import suggest_score as perspective_suggest

    return await _perspective(request, perspective_suggest)


def _csrf(request: Request) -> str:
    from mutewatch.web.auth import SESSION_COOKIE

    session = request.cookies.get(SESSION_COOKIE)
    auth = getattr(request.app.state, "auth", None)
    if not session or auth is None:
        return ""
    return str(auth.csrf_for(session))


@router.get("/moderation", response_class=HTMLResponse)
async def moderation_page(request: Request, user: ModeratorUser) -> HTMLResponse:
    """The moderator page: the queue with evidence, keyboard actions and each history."""
    page = (ASSETS / "moderation.html").read_text(encoding="utf-8")
    page = page.replace("{{csrf}}", html.escape(_csrf(request), quote=True))
    page = page.replace("{{user}}", html.escape(f"{user.name} ({user.role})"))
    return HTMLResponse(page)


@router.get("/moderation/moderation.js")
async def moderation_js(user: ModeratorUser) -> Response:
    """The moderator page's script (served same-origin: the CSP allows no inline script)."""
    script = (ASSETS / "moderation.js").read_text(encoding="utf-8")
    return Response(script, media_type="text/javascript")


__all__ = ["router", "setup", "EngineError"]
