"""The dashboard: login, charts, outlet pages, the post browser, admin, and API docs.

Server-rendered Jinja2 (autoescaped) with plotly.js served from the installed plotly
package; nothing is loaded from another origin, and the Content-Security-Policy forbids it.
Figures are embedded as JSON in ``<script type="application/json">`` blocks (with ``<``
escaped) and drawn by ``/static/dashboard.js``. The CSP allows no inline style either:
plotly's stylesheets are linked files (``/static/plotly/ID.css``, ``plotly_assets``), and
``/static/plotly-csp.js`` routes a style attribute set from script through the CSSOM.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import Scope

from mutewatch.errors import MutewatchError, NotFoundError, UsageError
from mutewatch.measure.params import OF_CHOICES
from mutewatch.show import charts, report
from mutewatch.web import plotly_assets, queries
from mutewatch.web.api import (
    ADMIN,
    READ,
    VIEW,
    accept_upload,
    cached,
    check_value,
    check_window,
    create_user,
    measured,
    query_values,
    shown,
    status_of,
)
from mutewatch.web.auth import (
    ROLES,
    SESSION_COOKIE,
    SESSION_HOURS,
    TOKEN_IN_TEXT,
    TOKEN_PREFIX,
    User,
    address_block,
    list_users,
    read_audit,
    require_role,
    same_secret,
)

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
# names are attacker-controlled too: a link in an outlet, account or forward name is defanged
templates.env.filters["defang"] = lambda value: queries.defang(str(value))
# the chart pages link plotly's stylesheets (templates/_plotly.html): the CSP allows no <style>
templates.env.globals["plotly_sheets"] = plotly_assets.sheet_ids
router = APIRouter(include_in_schema=False)
ANY = require_role(*ROLES)
LOGIN_COOKIE = "mw_login"
LOGIN_NONCE = re.compile(r"[A-Za-z0-9_-]{24}")  # secrets.token_urlsafe(18)
LOGIN_FORM_EXPIRED = (
    "The login form expired or was sent from another site. Log in again from this page."
)
PLOTLY_JS = plotly_assets.PLOTLY_JS


def mount_static(app: FastAPI) -> None:
    """Serve ``web/static`` at ``/static`` (with plotly's stylesheets at ``/static/plotly/``)
    and plotly.js from the plotly package."""
    app.mount("/static", Static(directory=str(HERE / "static")), name="static")


class Static(StaticFiles):
    """``web/static``, and at ``plotly/ID.css`` each stylesheet plotly.js would inject as a
    ``<style id=ID>`` element (which the CSP refuses), read from the served plotly.js; the
    chart pages link each under its id (templates/_plotly.html)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file at ``path``, or one of plotly's stylesheets."""
        sheet = PLOTLY_SHEET.fullmatch(path)
        if sheet is None:
            return await super().get_response(path, scope)
        css = plotly_assets.plotly_sheets().get(sheet.group(1))
        if css is None:
            raise NotFoundError(f"no plotly stylesheet {sheet.group(1)!r} at /static/{path}")
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=86400"})


PLOTLY_SHEET = re.compile(r"plotly/([^/]+)\.css")


@router.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed plotly package (no CDN)."""
    return FileResponse(
        PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
    )


def render(
    request: Request, name: str, status_code: int = 200, user: User | None = None, **context: Any
) -> HTMLResponse:
    """Render a template with the user (``user``, else the one the route's role check let
    in), the CSRF token and the request."""
    user = user or getattr(request.state, "user", None)
    csrf = ""
    if user is not None and user.session_id:
        csrf = request.app.state.auth.csrf_for(user.session_id)
    return templates.TemplateResponse(
        request, name, {"user": user, "csrf": csrf, **context}, status_code=status_code
    )


def _session_user(request: Request) -> User | None:
    """The user of the request's dashboard session cookie, if it is live (else None)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    try:
        user: User | None = request.app.state.auth.user_for_session(session_id)
    except MutewatchError:  # the store is not readable yet: a page without the menu
        return None
    return user


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML error page for the dashboard. A signed-in reader keeps the menu and the
    log-out button: on a 403 or 404 no role check recorded the user, the session cookie
    names them."""
    user = getattr(request.state, "user", None) or _session_user(request)
    return render(
        request, "error.html", status_code=status, user=user, status=status, message=message
    )


def figure_json(fig: Any, pseudo: Any | None) -> str:
    """A figure as JSON safe inside a ``<script type="application/json">`` block."""
    data = json.loads(fig.to_json())
    if pseudo is not None:
        data = pseudo.apply(data)
    text = json.dumps(charts.plain_text(data), separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# -- login ---------------------------------------------------------------------------------
@router.get("/login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """The login form: user name and API token, with its login CSRF token (a signed-in
    reader sees who they are signed in as: logging in again ends that session)."""
    return _login_page(request, 200, next, None)


def _login_page(request: Request, status: int, next: str, error: str | None) -> HTMLResponse:
    """The login form carrying a token bound to the browser's ``mw_login`` cookie.

    Login CSRF: without it another site could post its own name and token through a
    reader's browser and sign the reader in as itself, so what the reader then uploads
    or reads lands in the other account. The cookie is SameSite=Strict (another site's
    post arrives without it) and the token is an HMAC of it (another site cannot read it).
    The cookie lives as long as the browser session and is reused while it lasts, so a
    form left open for hours, or open in two tabs at once, still logs in.
    """
    nonce = _login_nonce(request) or secrets.token_urlsafe(18)
    page = render(
        request, "login.html", status_code=status, next=_safe_next(next), error=error,
        login_csrf=_login_csrf(request, nonce), signed_in=_session_user(request),
    )  # fmt: skip
    page.set_cookie(
        LOGIN_COOKIE, nonce, httponly=True, samesite="strict", secure=_secure(request),
        path="/login",
    )  # fmt: skip
    return page


def _login_nonce(request: Request) -> str | None:
    """The browser's ``mw_login`` nonce, if it has one of the form this server issues."""
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    return nonce if LOGIN_NONCE.fullmatch(nonce) else None


def _login_csrf(request: Request, nonce: str) -> str:
    secret = request.app.state.auth.session_secret.encode()
    return hmac.new(secret, f"login:{nonce}".encode(), hashlib.sha256).hexdigest()


def _login_csrf_ok(request: Request, sent: str) -> bool:
    nonce = _login_nonce(request)
    return nonce is not None and same_secret(sent, _login_csrf(request, nonce))


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    token: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Check the form's login CSRF token, then the name and token; set the session cookie;
    rate-limit failures."""
    auth = request.app.state.auth
    ip = request.client.host if request.client else "?"
    who = _loggable_name(name)
    block = address_block(ip)  # an IPv6 client by its /64
    if not _login_csrf_ok(request, csrf):
        # not a guess at a token, so it does not count against the address or the name;
        # audited once per address and window: anyone may post this form, and each refusal
        # written down let an anonymous client append rows to the audit log without end
        if not auth.limiter.flagged(f"login.csrf:{block}"):
            quiet = f"{auth.limiter.window:g} s"
            detail = {"note": f"further refusals from {block} in {quiet} are not recorded"}
            auth.audit("login.csrf", actor=who, ip=ip, ok=False, detail=detail)
        return _login_page(request, 403, next, LOGIN_FORM_EXPIRED)
    # a name is blocked with the address it is tried from, and from everywhere only after
    # many failures (auth.LOGIN_LIMIT, NAME_LOGIN_LIMIT): five failures on a name from
    # anywhere used to lock its user out of the dashboard, whoever typed them
    keys = (f"ip:{block}", f"pair:{block}\0{name}")
    everywhere = f"name:{name}"
    wait = max(auth.limiter.retry_after(*keys), auth.name_limiter.retry_after(everywhere))
    if wait:
        if not auth.limiter.flagged(f"blocked:{block}"):  # once per address and episode
            auth.audit("login.blocked", actor=who, ip=ip, ok=False, detail={"retry_after": wait})
        page = _login_page(request, 429, next, f"Too many failed logins. Try again in {wait} s.")
        page.headers["Retry-After"] = str(wait)
        return page
    result = auth.login(name, token)
    if result is None:
        auth.limiter.fail(*keys)
        auth.name_limiter.fail(everywhere)
        auth.audit("login.failed", actor=who, ip=ip, ok=False)
        return _login_page(request, 401, next, "Unknown user name or token.")
    user, session_id = result
    # the name's count from this address starts over; the address's does not (a login to
    # one's own account must not buy another round of guesses at other accounts from that
    # address), nor the name's from everywhere (nor another round of spread guesses)
    auth.limiter.succeed(keys[1])
    _end_previous_session(request, ip)
    auth.audit("login", actor=user.name, ip=ip, detail={"role": user.role})
    # mw_login stays: another tab's login form, still open, carries a token bound to it
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, session_id, max_age=SESSION_HOURS * 3600, httponly=True,
        samesite="strict", secure=_secure(request), path="/",
    )  # fmt: skip
    return response


def _end_previous_session(request: Request, ip: str) -> None:
    """A login in a browser already signed in replaces its session: the old one is ended,
    not left alive (and valid) until it expires."""
    previous = _session_user(request)
    if previous is not None and previous.session_id:
        request.app.state.auth.logout(previous.session_id)
        detail = {"reason": "a new login in the same browser"}
        request.app.state.auth.audit("logout", actor=previous.name, ip=ip, detail=detail)


@router.post("/logout")
def logout(request: Request, user: Annotated[User, Depends(ANY)]) -> Response:
    """End the session (CSRF-checked)."""
    if user.session_id:
        request.app.state.auth.logout(user.session_id)
    request.app.state.auth.audit("logout", actor=user.name)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(  # with the attributes it was set with (Starlette's are lax)
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )
    # pages read while signed in (kept for Back, or in the HTTP cache) go with the session
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _loggable_name(name: str) -> str:
    """The name tried at a login, as the audit log keeps it: a token typed into the name
    field (a common slip) is not written down in clear, nor one pasted after the name
    (``ada mw_...``, two fields copied at once), which was."""
    if name.strip().startswith(TOKEN_PREFIX) and len(name.strip()) > 30:
        return "(withheld: it looks like a token)"
    if TOKEN_IN_TEXT.search(name):
        return "(withheld: it holds what looks like a token)"
    return name


def _secure(request: Request) -> bool:
    """Mark the cookie Secure when asked to (behind HTTPS) or when the request came by HTTPS."""
    return bool(request.app.state.secure_cookies) or request.url.scheme == "https"


def _safe_next(target: str) -> str:
    """Only same-site relative paths (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# -- dashboard -----------------------------------------------------------------------------
def _filters(since: str | None, until: str | None, outlet_id: str | None) -> charts.Filters:
    """The pages' filters; a bad value is a 400 naming its query parameter in the API's
    words (``outlet_id`` as ``/api/v1/posts?outlet_id=`` refuses it; empty: all outlets),
    a window ending before it starts too (``api.check_window``)."""
    oid: int | None = None
    if outlet_id not in (None, ""):
        oid = check_value("outlet_id", str(outlet_id), int)
    start, end = queries.parse_time(since, "since"), _until(until)
    whole_day = until is not None and DATE_ONLY.fullmatch(until.strip()) is not None
    check_window(since, until, start, end, until_has_its_day=whole_day)
    return charts.Filters(since=start, until=end, outlet_id=oid)


DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _until(value: str | None) -> datetime | None:
    """The forms' Until (the end the charts and the post search exclude): a bare date, as
    the date picker sends, includes that whole day, as ``--to`` of the CLI and the
    measurement API does (Until 2016-12-31 is the year 2016, From and Until one day is that
    day); a date with a time is the exact end."""
    end = queries.parse_time(value, "until")
    if end is not None and DATE_ONLY.fullmatch(str(value).strip()):
        end += timedelta(days=1)
    return end


def _silence_coverage(request: Request, f: charts.Filters) -> report.Lookup | None:
    """The silences measurement's coverage of each gap (``report.silence_lookup``, of the
    posts ``f.of`` counts, as ``GET /api/v1/silences?of=`` reads them), so the dashboard
    marks what the report marks: a gap the archive did not collect is never an
    unprecedented silence."""
    hours = (f.min_hours, f.network_min_hours)
    return cached(  # type: ignore[no-any-return]
        request, "silence_coverage", (*hours, f.of),
        lambda s: report.silence_lookup(s.path, *hours, of=f.of),
    )  # fmt: skip


def dashboard_of(of: str | None) -> str:
    """The dashboard's ``of`` (the posts its charts, silences and trend count: official,
    supporter or all, as ``--of`` and ``GET /api/v1/silences?of=`` take them; empty or
    left out: official), refused in the API's words as the measurement API refuses it."""
    if of in (None, ""):
        return "official"
    if of not in OF_CHOICES:
        choices = ", ".join(repr(c) for c in OF_CHOICES)
        raise UsageError(
            f"bad query parameters for dashboard: Invalid value for 'of': {of!r} is not one "
            f"of {choices}.",
            hint="send of=official, or leave it out",
        )
    return of


def _chart_payload(request: Request, user: User, f: charts.Filters) -> dict[str, Any]:
    known = _silence_coverage(request, f)

    def compute(store: Any) -> dict[str, Any]:
        built = charts.build(store, f)
        report.show_silences(built, report.apply_coverage(built.gaps, known))
        return {
            "figures": {k: json.loads(v.to_json()) for k, v in built.figures.items()},
            "tables": queries.jsonable(built.tables),
            "bucket": built.bucket,
        }

    key = (f.since, f.until, f.outlet_id, f.of)
    data = cached(request, "charts", key, compute)
    return shown(request, user, data)  # type: ignore[no-any-return]


def _safe_json(data: Any) -> str:
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?")


def _figure_of(fig: dict[str, Any]) -> Any:
    """A figure's JSON (as the dashboard embeds it) with the attributes
    ``report.chart_rows`` reads, times back as datetimes."""

    def values(items: Any) -> list[Any]:
        return [
            datetime.fromisoformat(v) if isinstance(v, str) and ISO_TIME.fullmatch(v) else v
            for v in items or ()
        ]

    traces = [
        SimpleNamespace(
            type=t.get("type"),
            name=t.get("name"),
            x=values(t.get("x")),
            y=t.get("y"),
            z=t.get("z"),
            base=values(t.get("base")),
            customdata=t.get("customdata"),
        )  # fmt: skip
        for t in fig.get("data", [])
    ]
    return SimpleNamespace(data=traces)


TABLE_MAX_ROWS = 500  # a chart's data table on the dashboard (the report shows them all)


def chart_table(fig: dict[str, Any], name: str) -> dict[str, Any]:
    """A chart's numbers as the report's data table shows them (``report.chart_rows``):
    ``{columns, rows, total}`` (the first ``TABLE_MAX_ROWS`` rows), each cell text (times
    to the minute, names defanged, bidi controls written out). Built from the figure the
    page draws, so a viewer's table names supporters by the same pseudonyms as the chart."""
    columns, rows = report.chart_rows(_figure_of(fig), name)
    return {
        "columns": [_table_cell(c) for c in columns],
        "rows": [[_table_cell(row.get(c)) for c in columns] for row in rows[:TABLE_MAX_ROWS]],
        "total": len(rows),
    }


def _row_cell(value: Any) -> str:
    """A cell of ``rows_table``: a flag as yes or no, else as ``_table_cell``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _table_cell(value)


def _table_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        value = round(value, 4)
    return queries.defang(charts.visible_controls(str(value)))


@router.get("/")
def dashboard(
    request: Request,
    user: Annotated[User, Depends(ANY)],
    since: str | None = None,
    until: str | None = None,
    outlet_id: str | None = None,
    outlet: Annotated[
        list[str] | None,
        Query(description="the trend's outlet, as `trend --outlet` (repeatable)"),
    ] = None,
    of: Annotated[str | None, Query(description="the trend's posts: official, ...")] = None,
) -> Response:
    """Charts, filterable by time range, outlet and the posts counted (``of``: the
    charts, the silence table and its coverage, and the trend, as ``--of``), and the trend
    (``mutewatch trend``) of the network or of the outlets ``outlet`` names (pseudonyms for
    a viewer, as the API)."""
    if user.role == "moderator":
        return RedirectResponse("/moderation", status_code=303)
    f = _filters(since, until, outlet_id)
    outlets = shown(request, user, cached(request, "outlets", (), queries.outlets))["outlets"]
    status = status_of(request)
    chosen = [name for name in outlet or () if name.strip()]
    # the trend first: it refuses a bad ``of`` as ``/api/v1/trend`` does, before any chart
    trend = _trend_view(request, user, f, as_named(chosen, outlets), of or "")
    f = dataclasses.replace(f, of=dashboard_of(of))
    view = _dashboard_view(request, user, f)
    return render(
        request, "dashboard.html", figures=view["figures"], tables=view["tables"],
        bucket=view["bucket"], outlets=outlets, status=status,
        since=since or "", until=until or "", outlet_id=f.outlet_id, trend=trend,
        trend_outlets=[queries.defang(name) for name in chosen], trend_of=of or "",
        of_choices=TREND_OF,
    )  # fmt: skip


def as_named(chosen: list[str], outlets: list[dict[str, Any]]) -> list[str]:
    """The trend's ``outlet`` values as the reader's outlet list names them: the page's
    select sends each name defanged (a link in an outlet's name is never written into the
    page, not even as an attribute), so a defanged name that is no outlet's own name is
    read as the name it stands for; any other value is passed on as it is."""
    names = {str(o["name"]) for o in outlets}
    defanged = {queries.defang(name): name for name in sorted(names, reverse=True)}
    return [name if name in names else defanged.get(name, name) for name in chosen]


TREND_OF = (("official", "official releases"), ("supporter", "supporter posts"),
            ("all", "all posts"))  # fmt: skip
TREND_ROLLING = ("date", "window_start", "posts", "per_day", "low", "high")
TREND_PERIODS = ("period", "start", "end", "days", "uncovered_days", "full", "posts", "per_day")


def trend_query(f: charts.Filters, outlets: list[str], of: str) -> dict[str, list[str]]:
    """The ``/api/v1/trend`` query of the dashboard's trend: its ``outlet`` names and
    ``of``, and the window as days (``from``; ``to`` the last day before Until, which a
    bare date includes whole, as ``--to`` does)."""
    query: dict[str, list[str]] = {}
    if outlets:
        query["outlet"] = list(outlets)
    if of:
        query["of"] = [of]
    if f.since is not None:
        query["from"] = [f.since.date().isoformat()]
    if f.until is not None:
        query["to"] = [(f.until - timedelta(microseconds=1)).date().isoformat()]
    return query


def _trend_view(
    request: Request, user: User, f: charts.Filters, outlets: list[str], of: str
) -> dict[str, Any]:
    """The trend section: ``mutewatch trend``'s JSON for the window, ``outlets`` and ``of``,
    read, checked and cached as ``GET /api/v1/trend`` reads that query (``api.measured``:
    one cache entry for both, supporters pseudonymised for a viewer), drawn
    (``charts.trend_figure``) with its rolling rates and periods as tables."""
    query = trend_query(f, outlets, of)

    def build() -> dict[str, Any]:
        data = measured(request, user, "trend", query)
        names = data["parameters"].get("outlets") or []
        title = f"Trend of {', '.join(names)}" if names else "Trend of the network"
        fig = charts.trend_figure(data, f"{title}: rolling posts per day, change points")
        return {
            "figure": _safe_json(charts.plain_text(json.loads(fig.to_json()))),
            "rolling": rows_table(data.get("rolling") or [], TREND_ROLLING),
            "periods": rows_table(data.get("periods") or [], TREND_PERIODS),
            "title": title,
            "table_title": charts.TITLES["trend"],
            "data": data,
        }

    # the query and the audience decide the view (a query refused is never cached), so a
    # warm request neither checks it again nor pseudonymises the trend's JSON again
    audience = "pseudonymised" if not user.sees_identities else "named"
    key = (tuple(sorted((k, tuple(v)) for k, v in query.items())), audience)
    view: dict[str, Any] = _cached_view(request, "trend", key, build)
    return view


def rows_table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> dict[str, Any]:
    """A measurement's rows as a data table (``_data_table.html``: ``{columns, rows,
    total}``, the first ``TABLE_MAX_ROWS``), cells as ``chart_table`` writes them."""
    shown_columns = [c for c in columns if any(c in row for row in rows)] or list(columns)
    return {
        "columns": shown_columns,
        "rows": [[_row_cell(r.get(c)) for c in shown_columns] for r in rows[:TABLE_MAX_ROWS]],
        "total": len(rows),
    }


def _dashboard_view(request: Request, user: User, f: charts.Filters) -> dict[str, Any]:
    """The dashboard's charts as the page embeds them: each figure's JSON and its data
    table (``chart_table``), with the silences and the bucket. Kept in the app's result
    cache under the store's data version (a new ingest changes it), the window, the outlet
    and whether supporters are pseudonymised: building the nine tables and figures took
    most of a dashboard request; the page only reads them."""

    def build() -> dict[str, Any]:
        payload = _chart_payload(request, user, f)
        figures = [
            (name, charts.TITLES[name], _safe_json(charts.plain_text(fig)), chart_table(fig, name))
            for name, fig in payload["figures"].items()
        ]
        return {"figures": figures, "tables": payload["tables"], "bucket": payload["bucket"]}

    audience = "pseudonymised" if not user.sees_identities else "named"
    view: dict[str, Any] = _cached_view(
        request, "dashboard", (f.since, f.until, f.outlet_id, f.of, audience), build
    )
    return view


def _cached_view(
    request: Request, what: str, params: tuple[Any, ...], build: Callable[[], Any]
) -> Any:
    """``build()`` (made of cached results, no store of its own) cached beside them, under
    the data version of the snapshot readers see now, as ``api.cached`` keys its results."""
    with request.app.state.gateway.reading() as lease:
        key = (lease.data_version, f"view:{what}", params)
        return request.app.state.cache.get_or_compute(key, build)


@router.get("/outlets/{outlet_id}")
def outlet_page(request: Request, outlet_id: int, user: Annotated[User, Depends(VIEW)]) -> Response:
    """One outlet: timeline, accounts and names over time, silences."""
    detail = shown(
        request,
        user,
        cached(request, "outlet", (outlet_id,), lambda s: queries.outlet_detail(s, outlet_id)),
    )
    f = charts.Filters(outlet_id=outlet_id)
    known = _silence_coverage(request, f)

    def gaps(store: Any) -> list[dict[str, Any]]:
        rows = report.apply_coverage(charts.silences(store, f), known)
        return queries.jsonable(rows)  # type: ignore[no-any-return]

    silences = cached(request, "outlet_silences", (outlet_id,), gaps)
    timeline = {
        "data": [
            {
                "type": "bar",
                "x": [d["day"] for d in detail["daily"]],
                "y": [d["posts"] for d in detail["daily"]],
                "name": "posts per day",
            }
        ],
        "layout": {"title": {"text": "Posts per day"}, "height": 320},
    }
    return render(
        request, "outlet.html", detail=detail, silences=silences, min_hours=f.min_hours,
        timeline=_safe_json(charts.plain_text(timeline)),
        timeline_table=chart_table(timeline, "timeline"),
    )  # fmt: skip


POSTS_PER_PAGE = 50
# the last page whose offset the post search takes (``queries.MAX_OFFSET``)
POST_PAGES = (1, queries.MAX_OFFSET // POSTS_PER_PAGE + 1)


@router.get("/posts")
def posts_page(
    request: Request,
    user: Annotated[User, Depends(READ)],
    _values: Annotated[None, query_values(page=POST_PAGES)],
    q: str | None = None,
    outlet_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: Annotated[int, Query(ge=POST_PAGES[0], le=POST_PAGES[1])] = 1,
) -> Response:
    """The post browser: full-text (substring) search, escaped text, defanged links. A bad
    ``page`` is a 400 naming it, after the role check (page 0 was read as 1, a page past
    the archive refused as ``offset=...``)."""
    f = _filters(since, until, outlet_id)
    limit = POSTS_PER_PAGE
    q = (q or "").strip()[:200] or None
    result = cached(
        request,
        "posts",
        (q, f.outlet_id, f.since, f.until, limit, (page - 1) * limit),
        lambda s: queries.search_posts(
            s, q=q, outlet_id=f.outlet_id, since=f.since, until=f.until,
            limit=limit, offset=(page - 1) * limit,
        ),
    )  # fmt: skip
    outlets = cached(request, "outlets", (), queries.outlets)["outlets"]
    base = {"q": q or "", "outlet_id": outlet_id or "", "since": since or "", "until": until or ""}
    return render(
        request, "posts.html", result=result, outlets=outlets, q=q or "", page=page,
        outlet_id=f.outlet_id, since=since or "", until=until or "",
        prev_url="/posts?" + urlencode({**base, "page": page - 1}) if page > 1 else None,
        next_url="/posts?" + urlencode({**base, "page": page + 1})
        if page * limit < result["total"] else None,
    )  # fmt: skip


# -- admin ---------------------------------------------------------------------------------
@router.get("/admin")
def admin_page(request: Request, user: Annotated[User, Depends(ADMIN)]) -> Response:
    """Users, the audit log, and uploads to ingest."""
    return _admin(request, new_token=None)


def _admin(request: Request, new_token: dict[str, str] | None) -> HTMLResponse:
    with request.app.state.gateway.reading() as snap:
        store = snap.store()
        users = queries.jsonable(list_users(store))
        audit = queries.jsonable(read_audit(store, 100))
    return render(request, "admin.html", users=users, audit=audit, roles=ROLES,
                  new_token=new_token)  # fmt: skip


@router.post("/admin/users")
def admin_add_user(
    request: Request,
    user: Annotated[User, Depends(ADMIN)],
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=20)],
    enable: Annotated[bool, Form()] = False,
) -> Response:
    """Create a user from the dashboard; its token is shown once (a disabled user's name
    needs the 're-enable' box)."""
    created, token, change, _ = create_user(request, user, name, role, enable=enable)
    new_token = {"name": created.name, "role": created.role, "token": token}
    return _admin(request, {**new_token, "change": change or ""})


@router.post("/admin/ingest")
async def admin_ingest(
    request: Request, user: Annotated[User, Depends(ADMIN)], file: UploadFile
) -> Response:
    """Upload an archive from the dashboard; it is queued for the writer."""
    job = await accept_upload(request, user, file)
    return RedirectResponse(f"/api/v1/ingest/{job['id']}", status_code=303)


# -- API docs (served locally, no CDN) -----------------------------------------------------
@router.get("/openapi.json")
def openapi(request: Request, user: Annotated[User, Depends(ANY)]) -> Any:
    """The OpenAPI document."""
    return request.app.openapi()


@router.get("/docs")
def docs(request: Request, user: Annotated[User, Depends(ANY)]) -> Response:
    """API reference rendered from the OpenAPI document."""
    spec = request.app.openapi()
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p.get("name"),
                    "in": p.get("in"),
                    "required": p.get("required", False),
                    "type": (p.get("schema") or {}).get("type", ""),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            ops.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "params": params,
                "tags": ", ".join(op.get("tags", [])),
                "body": body_fields(spec, op.get("requestBody")),
            })  # fmt: skip
    return render(request, "docs.html", ops=ops, info=spec.get("info", {}))


def body_fields(spec: dict[str, Any], body: dict[str, Any] | None) -> dict[str, Any] | None:
    """A request body as ``/docs`` lists it: its media type and each field's name, type,
    whether it is required and its description (with its limits). The API's bodies were
    missing from the page: a reader of ``POST /api/v1/comments`` learnt no field of it."""
    if not body:
        return None
    content: dict[str, Any] = body.get("content") or {}
    media = next(iter(content), "")
    schema = _resolved(spec, (content.get(media) or {}).get("schema") or {})
    required = set(schema.get("required", []))
    fields = [
        {"name": name, "type": _field_type(field), "required": name in required,
         "description": _field_description(_resolved(spec, field))}
        for name, field in (schema.get("properties") or {}).items()
    ]  # fmt: skip
    return {"media": media, "description": body.get("description", ""), "fields": fields}


def _resolved(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if not ref.startswith("#/components/schemas/"):
        return schema
    found: dict[str, Any] = (
        spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    )
    return found


def _field_type(field: dict[str, Any]) -> str:
    if "enum" in field:
        return " | ".join(map(str, field["enum"]))
    return str(field.get("type") or field.get("format") or "")


def _field_description(field: dict[str, Any]) -> str:
    limits = [
        form.format(field[key])
        for key, form in (
            ("maxLength", "at most {} characters"),
            ("minimum", "at least {}"),
            ("maximum", "at most {}"),
            ("default", "default {}"),
        )  # fmt: skip
        if key in field
    ]
    text = str(field.get("description") or "")
    return f"{text} ({', '.join(limits)})" if limits and text else text or ", ".join(limits)
