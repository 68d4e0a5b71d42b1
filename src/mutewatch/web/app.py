"""The FastAPI application: JSON API, dashboard, and (when present) moderation.

    from mutewatch.web.app import create_app
    app = create_app(Path("mutewatch.duckdb"))

Settings (keyword arguments): ``cache_dir`` (snapshots; default a temporary directory),
``refresh_interval`` (s, 1.0), ``linger`` (s, 2.0), ``max_hold`` (s, 60),
``write_timeout`` (s, 30),
``pseudonym_key`` (default env ``MUTEWATCH_PSEUDONYM_KEY``, else generated once and kept in
the store), ``secure_cookies`` (False; set True behind HTTPS), ``upload_dir``,
``ingest`` (a ``callable(store, path)`` replacing ``mutewatch.ingest.ingest``; for tests),
``login_limit`` (failed logins in 5 minutes from one address, and for one name from one
address, 5; for one name from every address it stays ``auth.NAME_LOGIN_LIMIT``, 50),
``compute_per_user`` (measurements a user may have computing at once, 4; more answer
429), ``cache_mb`` (the result cache's bound in MiB; default env ``MUTEWATCH_CACHE_MB``,
else 64), ``moderation`` (False: leave out ``mutewatch.web.moderation`` even when it is
installed), ``session_seconds`` (how long a dashboard session lasts, 12 h).
"""

from __future__ import annotations

import importlib
import logging
import os
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mutewatch._words import printable
from mutewatch.errors import AuthError, ForbiddenError, MutewatchError, StoreError, UsageError
from mutewatch.lazy import load
from mutewatch.web import api, pages, plotly_assets
from mutewatch.web.access import StoreGateway
from mutewatch.web.auth import (
    SERVICES,
    SESSION_HOURS,
    AuthService,
    LoginLimiter,
    authenticate,
    get_or_create_setting,
    migrate_web,
)

log = logging.getLogger(__name__)

# No inline script or style at all: plotly.js's stylesheets are linked files
# (web/plotly_assets.py, templates/_plotly.html); blob: images are the modebar's PNG
# download (plotly draws the chart's SVG as a blob: image onto a canvas).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "media-src 'none'; frame-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


def create_app(store_path: Path, **settings: Any) -> FastAPI:
    """Build the app for one store; see the module doc for ``settings``."""
    store_path = Path(store_path)
    # the measurement library is imported now, beside the models, and awaited before the app
    # is returned: imported in the background after start, it held the interpreter while the
    # first comments arrived (their latency 130-230 ms instead of 20-35 ms, measured)
    measures = threading.Thread(target=_warm_up, name="mutewatch-warm-up", daemon=True)
    measures.start()
    preload = _preload_moderation_models(settings)
    gateway = StoreGateway(
        store_path,
        cache_dir=settings.get("cache_dir"),
        refresh_interval=float(settings.get("refresh_interval", 1.0)),
        linger=float(settings.get("linger", 2.0)),
        max_hold=float(settings.get("max_hold", 60.0)),
        write_timeout=float(settings.get("write_timeout", 30.0)),
        migrators=[migrate_web],
    )
    gateway.start()
    pseudonym_key = settings.get("pseudonym_key") or os.environ.get("MUTEWATCH_PSEUDONYM_KEY")
    try:
        stored = gateway.write(
            lambda s: (
                get_or_create_setting(s, "session_secret"),
                get_or_create_setting(s, "pseudonym_key"),
            ),
            timeout=5,
        )
        session_secret = str(settings.get("session_secret") or stored[0])
        pseudonym_key = pseudonym_key or stored[1]
    except StoreError:
        log.warning("store busy at start: sessions will not survive a restart")
        session_secret = str(settings.get("session_secret") or secrets.token_hex(32))
    gateway.wait_ready(timeout=5.0)
    auth = AuthService(
        gateway,
        pseudonym_key=pseudonym_key,
        session_secret=session_secret,
        session_lifetime=timedelta(
            seconds=float(settings.get("session_seconds", SESSION_HOURS * 3600))
        ),
    )
    auth.limiter = LoginLimiter(limit=int(settings.get("login_limit", 5)))
    SERVICES[store_path.resolve()] = auth

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        SERVICES.pop(store_path.resolve(), None)
        gateway.stop()

    app = FastAPI(
        title="mutewatch",
        version=_version(),
        description=(
            "Measurements of propaganda ecosystems, the dashboard, and moderation. "
            "Every endpoint needs `Authorization: Bearer TOKEN` "
            "(create one with `mutewatch users add NAME --role ROLE`) or a dashboard session."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    app.state.auth = auth
    cache_mb = settings.get("cache_mb")
    app.state.cache = api.ResultCache(
        max_bytes=None if cache_mb is None else api.mib_bytes(float(cache_mb))
    )
    app.state.compute_slots = api.ComputeSlots(int(settings.get("compute_per_user", 4)))
    app.state.settings = dict(settings, store_path=store_path)
    app.state.secure_cookies = bool(settings.get("secure_cookies", False))
    upload_dir = Path(settings.get("upload_dir") or gateway.cache_dir / "uploads")
    app.state.ingest_jobs = api.IngestJobs(upload_dir, settings.get("ingest"))

    _install_errors(app)
    app.add_middleware(UploadLimit)
    app.add_middleware(SecurityHeaders)  # outside the size limit: its 413 is secured too
    app.add_middleware(HeadAsGet)
    app.include_router(api.router)
    app.include_router(pages.router)
    pages.mount_static(app)
    plotly_assets.plotly_sheets()  # read now: a bundle it cannot read is warned of at start
    if preload is not None:
        preload.join()
    _include_moderation(app)
    api.guard_query_parameters(app)  # every route, moderation's too
    measures.join()
    return app


def _preload_moderation_models(settings: dict[str, Any]) -> threading.Thread | None:
    """Start loading the moderation models while the store gateway starts (about 3 s each,
    on different cores) instead of after it; moderation's ``setup`` then finds them loaded."""
    if not settings.get("moderation", True):
        return None
    thread = threading.Thread(target=_load_moderation_models, name="mutewatch-preload")
    thread.start()
    return thread


def _load_moderation_models() -> None:
    try:
        importlib.import_module("mutewatch.web.moderation").load_models()
    except Exception:  # noqa: BLE001 - moderation's setup loads them again and says why
        log.debug("moderation models did not preload", exc_info=True)


def _warm_up() -> None:
    """Import the measurement library ahead of the first request (Ibis takes seconds),
    every measurement with it (the registry imports each on first use)."""
    try:
        load("mutewatch.measure.registry").load_all()
    except Exception:  # noqa: BLE001 - reported when a measurement is requested
        log.debug("measurement library not importable yet", exc_info=True)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("mutewatch")
    except Exception:  # noqa: BLE001 - not installed: a source checkout
        return "0"


def _include_moderation(app: FastAPI) -> None:
    """Add ``mutewatch.web.moderation.router`` (and call its ``setup(app)``) if it exists."""
    app.state.moderation_error = None
    if not app.state.settings.get("moderation", True):
        return
    try:
        module = importlib.import_module("mutewatch.web.moderation")
    except ModuleNotFoundError as exc:
        if exc.name == "mutewatch.web.moderation":
            return
        app.state.moderation_error = repr(exc)
        log.exception("moderation is unavailable: mutewatch.web.moderation failed to import")
        return
    except Exception as exc:  # noqa: BLE001 - a broken optional module must not stop the server
        app.state.moderation_error = repr(exc)
        log.exception("moderation is unavailable: mutewatch.web.moderation failed to import")
        return
    router = getattr(module, "router", None)
    if router is not None:
        app.include_router(router)
        app.include_router(importlib.import_module("mutewatch.web.moderation_stats").router)
        app.include_router(importlib.import_module("mutewatch.web.perspective_discovery").router)
    setup = getattr(module, "setup", None)
    if callable(setup):
        setup(app)


class SecurityHeaders:
    """Pure ASGI middleware adding CSP and friends to every response (cheap per request).

    It also answers an exception no handler took (the one JSON shape, 500): Starlette's
    own last-resort handler sits outside every middleware, so its 500 left without these
    headers and without ``Cache-Control: no-store``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(("/static/", "/vendor/"))
        https = scope.get("scheme") == "https"
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers[name] = value
                if https:  # only over HTTPS (RFC 6797): a plain-HTTP answer would be ignored
                    headers["Strict-Transport-Security"] = HSTS
                if not static and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception as exc:
            if started:  # the answer is on its way: nothing better to send than to stop
                raise
            if not isinstance(exc, MutewatchError):
                log.exception("unhandled error on %s", _loggable_path(scope))
            await internal_error(exc)(scope, receive, with_headers)


def _loggable_path(scope: Scope) -> str:
    """The request's path as one line of the server log: decoded (``%0a`` is a newline) by
    the time it reaches here, so its control characters are written out as escapes, as
    `mutewatch audit` prints actors; a path holding a newline wrote a forged log line."""
    return printable(scope.get("path"))


def internal_error(exc: BaseException) -> JSONResponse:
    """The answer to an exception no handler took: a mutewatch error (the size limit's,
    raised while the body is read) as itself; a bug as a 500 naming its type only."""
    if isinstance(exc, MutewatchError):
        return api.error_response(exc.http_status, exc.code, str(exc), fields=exc.fields)
    return api.error_response(
        500, "internal_error", f"internal error: {type(exc).__name__}; see the server log"
    )


class HeadAsGet:
    """Answer ``HEAD`` as ``GET`` without the body (RFC 9110: a server that answers GET
    answers HEAD). FastAPI routes list only the methods they were declared with, so every
    page and endpoint answered HEAD with 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET", HEAD_FLAG: True}, receive, headers_only)


HEAD_FLAG = "mutewatch.head"  # set in the scope of a HEAD request answered as GET


class TooLargeError(UsageError):
    """A request body over the limit (HTTP 413)."""

    http_status = 413
    code = "too_large"


UPLOAD_PATHS = ("/api/v1/ingest", "/admin/ingest")
MAX_REQUEST_BYTES = 2 * 1024 * 1024  # any other request body: forms, users
# moderation reads its bodies itself, no further than 1 MB, and refuses larger ones in its
# own words (Perspective's routes in Google's error shape): left to it
OWN_BODY_LIMIT = ("/v1alpha1/", "/api/v1/comments", "/api/v1/articles")


class UploadLimit:
    """Refuse a request body over its limit as it arrives: a declared Content-Length over
    it at once, a body growing past it when it gets there. Uploads may have
    ``api.MAX_UPLOAD_BYTES`` (the multipart parser would otherwise spool all of it to disk
    before the endpoint ran); any other body ``MAX_REQUEST_BYTES`` (FastAPI read a JSON
    body whole into memory before the role check: an anonymous POST of 200 MB to
    /api/v1/users was held, then refused as invalid JSON)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(OWN_BODY_LIMIT):
            await self.app(scope, receive, send)
            return
        upload = scope.get("path") in UPLOAD_PATHS
        # uploads: room for the multipart framing
        limit = api.MAX_UPLOAD_BYTES + (1 << 20) if upload else MAX_REQUEST_BYTES
        message = _too_large_message(upload)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await api.error_response(413, "too_large", message).__call__(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            received = await receive()
            seen += len(received.get("body", b""))
            if seen > limit:  # the body parser turns this into its own 400: answered below
                raise TooLargeError(message)
            return received

        async def answer(reply: Message) -> None:
            if seen <= limit:
                await send(reply)
            elif reply["type"] == "http.response.start":
                refused = api.error_response(413, "too_large", message)
                await send({"type": "http.response.start", "status": 413,
                            "headers": refused.raw_headers})  # fmt: skip
                await send({"type": "http.response.body", "body": refused.body})

        await self.app(scope, counted, answer)


def _too_large_message(upload: bool) -> str:
    if not upload:
        return (
            f"the request body is larger than {MAX_REQUEST_BYTES >> 20} MB; "
            "send one record per request"
        )
    return (
        f"the upload is larger than {api.MAX_UPLOAD_BYTES >> 20} MB; "
        "run `mutewatch ingest PATH` on the server instead"
    )


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    # no other site may open the dashboard in a window it keeps a handle on, nor embed
    # its answers (a script or image tag of another origin): same origin only
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)
HSTS = "max-age=31536000"


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/v1alpha1/", "/openapi.json")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _retry_after(exc: MutewatchError) -> str:
    """The Retry-After of a 429: the wait its limiter computed (60 s when it has none)."""
    return str(getattr(exc, "retry_after", 60))


def _install_errors(app: FastAPI) -> None:
    """Every error leaves as ``{"error": {"code", "message"}}`` (dashboard: a page)."""

    async def _error_page(request: Request, status: int, message: str) -> Response:
        # in a worker thread: a signed-in reader's session may be read from the store
        return await run_in_threadpool(pages.error_page, request, status, message)

    @app.exception_handler(MutewatchError)
    async def mutewatch_error(request: Request, exc: MutewatchError) -> Response:
        if _wants_html(request):
            if isinstance(exc, AuthError) and not isinstance(exc, ForbiddenError):
                back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?{urlencode({'next': back})}", status_code=303)
            page = await _error_page(request, exc.http_status, str(exc))
            if exc.http_status == 429:  # a page refused as busy says when to retry too
                page.headers["Retry-After"] = _retry_after(exc)
            return page
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        if exc.http_status == 429:  # the wait the limiter computed, as the message says
            headers = {"Retry-After": _retry_after(exc)}
        return api.error_response(exc.http_status, exc.code, str(exc), headers, exc.fields)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/") and _unreadable_body(exc):
            # FastAPI decodes a JSON body before any role check: who sent it comes first
            try:
                await authenticate(request)
            except MutewatchError as refused:
                return await mutewatch_error(request, refused)
        route = request.scope.get("route")
        problems = "; ".join(_problem(err, route) for err in exc.errors())
        in_query = [_problem(err, route) for err in exc.errors() if _place(err) == "query"]
        if in_query and request.url.path.startswith("/api/"):  # a bad query value: 400
            return api.error_response(400, "bad_request", "; ".join(in_query))
        if _wants_html(request):  # a dashboard page: a page, not JSON in the browser
            if in_query:  # a bad query value: a 400 page, as query_values and the API answer
                return await _error_page(request, 400, "; ".join(in_query))
            return await _error_page(request, 422, problems or "invalid request")
        return api.error_response(422, "validation_error", problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI's 400 "There was an error parsing the body", before any role check
            return await validation_error(request, _not_utf8(exc.__cause__))
        if _wants_html(request) and exc.status_code == 404:
            return await _error_page(request, 404, "no such page")
        code = STATUS_CODES.get(exc.status_code, "http_error")
        headers = dict(exc.headers) if exc.headers else {}
        message = str(exc.detail)
        path = request.url.path
        if exc.status_code == 404:
            message = f"nothing at {path}; the endpoints are listed at /docs"
        elif exc.status_code == 405:
            headers.pop("allow", headers.pop("Allow", None))  # the first route's methods only
            allow = _allowed(request)
            if request.method == "OPTIONS":  # what the path takes; no CORS: same origin only
                return Response(status_code=204, headers={"Allow": allow})
            method = "HEAD" if request.scope.get(HEAD_FLAG) else request.method
            message = f"{method} is not allowed on {path}; it takes {allow}"
            headers["Allow"] = allow
        routing_error = getattr(request.app.state, "routing_error", None)
        own = routing_error(path, exc.status_code, message, headers) if routing_error else None
        if isinstance(own, Response):  # Perspective's paths: Google's shape (moderation.setup)
            return own
        if _wants_html(request):  # an address typed into a browser: a page, not raw JSON
            page = await _error_page(request, exc.status_code, message)
            page.headers.update(headers)
            return page
        return api.error_response(exc.status_code, code, message, headers or None)


def _unreadable_body(exc: RequestValidationError) -> bool:
    """True when the body could not be decoded at all (before any dependency ran)."""
    return any(err.get("type") in ("json_invalid", NOT_UTF8) for err in exc.errors())


NOT_UTF8 = "utf8_invalid"


def _not_utf8(exc: UnicodeDecodeError) -> RequestValidationError:
    """A body FastAPI could not decode as UTF-8, as a validation error: FastAPI answered it
    400 "There was an error parsing the body", naming nothing, and before the role check
    (anonymous too), where a body that is not JSON is a 422 naming where."""
    return RequestValidationError([{"type": NOT_UTF8, "loc": ("body", exc.start), "input": {}}])


def _problem(err: Any, route: Any = None) -> str:
    """One validation error in words naming what it is about: ``the query parameter 'limit'
    must be a whole number, not 'abc'``, ``the body field 'name' is missing`` (FastAPI's
    were ``query.limit: Input should be ...``, ``body.name: Field required``), a value out
    of the bounds ``route`` declares as ``api.check_value`` says it (``must be a whole
    number from 1 to 9``); a body that is not JSON says so and where (FastAPI's own words
    were ``body.1: JSON decode error``)."""
    if err.get("type") == NOT_UTF8:  # the moderation routes' words (web.moderation)
        at = err["loc"][1]
        return f"the request body is not valid UTF-8 (byte {at}) (encode the JSON body as UTF-8)"
    if err.get("type") == "json_invalid":
        loc = err.get("loc", ())
        at = loc[1] if len(loc) > 1 else "?"
        reason = (err.get("ctx") or {}).get("error", "")
        return f"the request body is not valid JSON: {reason} (at character {at})"
    place, loc = _place(err), err.get("loc", ())
    if place in PARAMETER_PLACES and len(loc) > 1:
        bounds = api.declared_bounds(route, place, str(loc[1])) if route else None
        return _parameter_problem(f"{place} parameter", str(loc[1]), err, bounds)
    if place == "body" and len(loc) > 1:
        return _parameter_problem("body field", ".".join(str(p) for p in loc[1:]), err)
    if place == "body" and err.get("type") == "missing":
        return "the request body is missing"
    return f"{'.'.join(str(p) for p in loc)}: {err.get('msg')}"


PARAMETER_PLACES = ("query", "path")


def _place(err: Any) -> str | None:
    """Where a validation error is: ``query``, ``path``, ``body``, ..."""
    loc = err.get("loc") or ()
    return str(loc[0]) if loc else None


def _parameter_problem(what: str, name: str, err: Any, bounds: api.Bounds | None = None) -> str:
    """``the query parameter 'limit' must be a whole number, not 'abc'``, in the words of
    ``api.check_value`` (``api.VALUE_WORDS``; ``bounds``: what the parameter declares)."""
    kind = str(err.get("type", ""))
    if kind == "missing":
        return f"the {what} {name!r} is missing"
    words = (
        api.whole_number(bounds)
        if bounds is not None and kind in api.BOUND_ERRORS
        else api.VALUE_WORDS.get(kind)
    )
    if words is None:
        msg = str(err.get("msg", "is not valid"))
        words = (
            "must be " + msg[len("Input should be ") :]
            if msg.startswith("Input should be ")
            else msg
        )
    return api.refused_value(name, words, str(err.get("input", "")), what)


def _allowed(request: Request) -> str:
    """The ``Allow`` header of a path: the methods of every route at it (Starlette names
    only the first route's), HEAD where it has GET, and OPTIONS."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        mounted = isinstance(route.original_route, Mount)  # static files: GET
        if (route.methods or mounted) and route.matches(request.scope)[0] != Match.NONE:
            methods |= set(route.methods or ("GET",))
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods | {"OPTIONS"}))
