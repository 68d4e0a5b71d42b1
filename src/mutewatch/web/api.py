"""The JSON API under ``/api/v1``: the CLI's measurements, posts, users, ingest and audit.

Measurement endpoints take the CLI command's options as query parameters in snake_case
(``/api/v1/silences?scope=network&min_hours=12``), convert them with the CLI's own click
types, and return the same JSON as ``--json``. Results are cached per store snapshot.

A bad query value on any route is a 400 ``bad_request`` in the one error shape naming the
parameter as sent: FastAPI's validation of a declared parameter (``app.py``), a parameter
given twice (``given_once``; a measurement's ``_once``), and each measurement parameter
checked here before the library runs (``_check_type``, ``_check_bounds``,
``_check_days``). Only the library's refusals of a combination of values or of what the
store holds still arrive in the CLI's words and are respelt (``in_query_words``). The
dashboard's pages refuse alike, in the same words, as an error page for a browser (a
parameter given twice: ``guard_query_parameters``; a number: ``query_values``).
"""

from __future__ import annotations

import copy
import functools
import gzip
import hashlib
import importlib
import inspect
import json
import logging
import math
import os
import re
import shutil
import sys
import threading
import uuid
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, TypeVar

import click
from fastapi import APIRouter, Depends, FastAPI, File, Query, Request, UploadFile
from fastapi._compat import field_annotation_is_sequence
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from mutewatch.errors import EngineError, InputError, MutewatchError, NotFoundError, UsageError
from mutewatch.lazy import load
from mutewatch.measure.params import parse_date
from mutewatch.store import Store
from mutewatch.web import queries
from mutewatch.web.auth import (
    ROLES,
    TOKEN_IN_TEXT,
    USER_NAME_WORDS,
    User,
    add_user_noting,
    audit_report,
    disable_user,
    list_users,
    user_change,
    user_problem,
)
from mutewatch.web.auth import require_role as _require_role

router = APIRouter(prefix="/api/v1")
log = logging.getLogger(__name__)

VIEW = _require_role("viewer", "analyst")
READ = _require_role("analyst")
ADMIN = _require_role("admin")

# endpoint path -> measurement name in mutewatch.measure.registry
MEASUREMENTS: dict[str, str] = {
    "/outlets/status": "outlets_status",
    "/output": "output",
    "/silences": "silences",
    "/trend": "trend",
    "/platforms": "platforms",
    "/supporters": "supporters",
    "/findings": "findings",
}
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
GZIP_OVER = 4096  # cached answers larger than this go gzip-compressed when the client accepts


CACHE_MB_ENV = "MUTEWATCH_CACHE_MB"
CACHE_MB = 64  # the result cache's default bound in MiB (a demo dashboard view is about 0.7 MiB)


def approx_size(value: Any) -> int:
    """The approximate bytes ``value`` holds: ``sys.getsizeof`` of it and of everything
    its containers (dicts, lists, tuples, sets, an object's ``__dict__``) hold, each object
    counted once however often it is shared."""
    seen: set[int] = set()
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, str | bytes | bytearray | int | float | bool) or item is None:
            continue
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif _record(item):
            stack.append(vars(item))
    return total


def _record(item: Any) -> bool:
    """Whether ``item`` is an object whose fields ``approx_size`` counts (its ``__dict__``;
    never a module's, a class's or a function's)."""
    return (
        hasattr(item, "__dict__") and not isinstance(item, type | ModuleType) and not callable(item)
    )


def mib_bytes(mib: float) -> int:
    """Bytes in ``mib`` MiB (the unit of ``serve --cache-mb`` and ``MUTEWATCH_CACHE_MB``)."""
    return int(mib * (1 << 20))


def _cache_bytes(max_bytes: int | None) -> int:
    """``max_bytes``, else ``MUTEWATCH_CACHE_MB`` MiB, else ``CACHE_MB`` MiB."""
    if max_bytes is not None:
        return max_bytes
    text = os.environ.get(CACHE_MB_ENV, "").strip()
    if not text:
        return mib_bytes(CACHE_MB)
    try:
        mb = float(text)
    except ValueError:
        mb = -1.0
    if not (math.isfinite(mb) and mb >= 0):
        raise UsageError(
            f"{CACHE_MB_ENV}={text!r} is not a number of MiB",
            hint=f"set it to the result cache's size in MiB, e.g. {CACHE_MB}, or unset it",
        )
    return mib_bytes(mb)


class ResultCache:
    """LRU of results keyed by (snapshot generation, what, parameters), bounded by entries
    (``size``) and by approximate bytes (``max_bytes``, ``approx_size`` of each value when
    it is stored; default ``MUTEWATCH_CACHE_MB`` MiB, else 64 MiB): the least recently used
    go first when either is exceeded. A value larger than ``max_bytes`` alone is returned
    but not kept (it would push out everything else).

    One computation per key at a time: a request for a key being computed waits for that
    result instead of computing it again (20 identical requests at once, a dashboard's
    readers after new data, ran the measurement 20 times over, each holding a worker).
    A failure is not shared: the waiters of a leader that failed try again themselves.
    """

    def __init__(self, size: int = 512, max_bytes: int | None = None) -> None:
        self.size = size
        self.max_bytes = _cache_bytes(max_bytes)
        self.bytes = 0  # approximate bytes of the values kept
        self._data: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._sizes: dict[tuple[Any, ...], int] = {}
        self._flights: dict[tuple[Any, ...], Future[Any]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get_or_compute(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            flight = self._flights.get(key)
            if flight is None:
                flight = self._flights[key] = Future()
                leader = True
            else:
                leader = False
        if not leader:
            try:
                return flight.result()
            except Exception:  # noqa: BLE001 - the leader's error: try again, as a leader
                return self.get_or_compute(key, compute)
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                self._flights.pop(key, None)
            flight.set_exception(exc)
            raise
        try:
            size = approx_size(value)
        except Exception:  # noqa: BLE001 - a value that cannot be sized is answered, not kept
            size = self.max_bytes + 1  # (raising here left its waiters waiting for ever)
        with self._lock:
            if size <= self.max_bytes:
                self._keep(key, value, size)
            self._flights.pop(key, None)
        flight.set_result(value)
        return value

    def _keep(self, key: tuple[Any, ...], value: Any, size: int) -> None:
        """Store ``value`` (under the lock), evicting the least recently used beyond the
        bounds."""
        self.bytes += size - self._sizes.get(key, 0)
        self._data[key], self._sizes[key] = value, size
        self._data.move_to_end(key)
        while len(self._data) > self.size or self.bytes > self.max_bytes:
            old, _ = self._data.popitem(last=False)
            self.bytes -= self._sizes.pop(old)


class BusyError(UsageError):
    """A user already has ``ComputeSlots.per_user`` computations running (HTTP 429)."""

    http_status = 429
    code = "too_many_requests"
    retry_after = 5


class ComputeSlots:
    """At most ``per_user`` computations (cache misses) at once per user: one viewer
    sending many different queries at once held every server worker, computing, and
    everybody else's requests waited. Beyond it a ``BusyError`` (429, Retry-After)."""

    def __init__(self, per_user: int = 4) -> None:
        self.per_user = per_user
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, name: str | None) -> Iterator[None]:
        """A slot of ``name`` (None: not counted) while the block runs."""
        if name is None:
            yield
            return
        with self._lock:
            running = self._running.get(name, 0)
            if running >= self.per_user:
                raise BusyError(
                    f"{name} has {running} computations running already; retry when they "
                    "are done (a cached answer is immediate)",
                    hint="send measurement requests one after another, not all at once",
                )
            self._running[name] = running + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._running.pop(name) - 1
                if left:
                    self._running[name] = left


def _slot(request: Request) -> AbstractContextManager[None]:
    """The compute slot of the request's user (set by the role check), if slots are kept."""
    slots: ComputeSlots | None = getattr(request.app.state, "compute_slots", None)
    user: User | None = getattr(request.state, "user", None)
    if slots is None:
        return nullcontext()
    return slots.hold(user.name if user is not None else None)


def cached(request: Request, what: str, params: tuple[Any, ...], fn: Callable[[Store], Any]) -> Any:
    """Compute ``fn(store)`` on the current snapshot, or return the cached result."""
    gateway = request.app.state.gateway
    with gateway.reading() as snap:
        key = (snap.data_version, what, params)

        def compute() -> Any:
            with _slot(request):
                store = snap.store()
                try:
                    return fn(store)
                finally:
                    store.con.close()

        result: Any = request.app.state.cache.get_or_compute(key, compute)
    return result


def json_cached(
    request: Request,
    user: User,
    what: str,
    params: tuple[Any, ...],
    fn: Callable[[Store], Any],
) -> Response:
    """A JSON response whose bytes are cached per data version, query and audience.

    Viewers get supporter identifiers pseudonymised; the serialised answer is cached apart.
    """
    gateway = request.app.state.gateway
    cache: ResultCache = request.app.state.cache
    masked = not user.sees_identities
    with gateway.reading() as lease:
        version = lease.data_version

        def compute() -> Any:
            with _slot(request):
                store = lease.store()
                try:
                    return queries.jsonable(fn(store))
                finally:
                    store.con.close()

        def body() -> bytes:
            data = cache.get_or_compute((version, what, params), compute)
            if masked:
                data = request.app.state.auth.pseudonymiser().apply(data)
            return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")

        raw: bytes = cache.get_or_compute((version, what, params, "json", masked), body)
        if len(raw) > GZIP_OVER and "gzip" in request.headers.get("accept-encoding", ""):
            packed: bytes = cache.get_or_compute(
                (version, what, params, "gzip", masked), lambda: gzip.compress(raw, 6, mtime=0)
            )
            return Response(
                packed,
                media_type="application/json",
                headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
            )
    return Response(raw, media_type="application/json", headers={"Vary": "Accept-Encoding"})


def shown(request: Request, user: User, data: Any) -> Any:
    """Pseudonymise supporter identifiers for users who may not see them."""
    if user.sees_identities:
        return data
    return request.app.state.auth.pseudonymiser().apply(data)


# -- query parameters ---------------------------------------------------------------------
# Perspective's routes speak Google's protocol, whose client libraries send system
# parameters (alt, prettyPrint, fields, $.xgafv, quotaUser ...) beside ``key``: they take
# any query, and answer in Google's error shape
OPEN_QUERY = ("/v1alpha1/", "/$discovery/")
OWN_QUERY = "mutewatch_own_query"  # endpoint attribute: a parser of its own checks the query
GUARDED = "mutewatch_query_guarded"  # a route's call already wrapped by _guard
REQUEST_ARG = "mutewatch_request"  # the request handed to the guard of a call not taking it
E = TypeVar("E", bound=Callable[..., Any])


def parses_own_query(endpoint: E) -> E:
    """Mark ``endpoint`` as reading its query with a parser of its own, which refuses what
    it does not know (the measurements: ``options_from_query``, the CLI's options)."""
    setattr(endpoint, OWN_QUERY, True)
    return endpoint


def declared_query(route: Any) -> tuple[str, ...] | None:
    """The query parameters an API route (an ``APIRoute`` or its ``RouteContext`` in an
    app) declares, in order (its dependencies' too, by the name sent: ``from`` for
    ``since: Annotated[..., Query(alias="from")]``); None for a route taking any query
    (``OPEN_QUERY``) or checking its own (``parses_own_query``)."""
    if route.path.startswith(OPEN_QUERY) or getattr(route.endpoint, OWN_QUERY, False):
        return None
    return tuple(_query_fields(route))


def repeatable_query(route: Any) -> tuple[str, ...]:
    """The query parameters of ``route`` declared as lists (``outlet: list[str]``), which
    may be given more than once; every other one is read once (see ``declared_query``)."""
    return tuple(name for name, many in _query_fields(route).items() if many)


def _query_fields(route: Any) -> dict[str, bool]:
    """Each query parameter ``route`` declares, by the name it is sent as, and whether it
    is a list (given as often as wanted)."""
    names: dict[str, bool] = {}
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop(0)
        for field in dependant.query_params:
            names.update(_query_names(field))
        pending.extend(dependant.dependencies)
    return names


def _query_names(field: Any) -> dict[str, bool]:
    """The names a query parameter is sent by: its alias, or for a model of parameters
    (``filters: Annotated[Filters, Query()]``) each of its fields', each with whether it
    is a list."""
    model = field.field_info.annotation
    if isinstance(model, type) and issubclass(model, BaseModel):
        return {
            info.alias or name: field_annotation_is_sequence(info.annotation)
            for name, info in model.model_fields.items()
        }
    return {field.alias: field_annotation_is_sequence(model)}


def api_routes(app: FastAPI) -> list[Any]:
    """Every API route of ``app`` as it serves it (routers included: their
    ``RouteContext``, whose ``dependant`` and handler are the app's own)."""
    return [c for c in iter_route_contexts(app.routes) if isinstance(c.original_route, APIRoute)]


def guard_query_parameters(app: FastAPI) -> None:
    """Make every route of ``app`` refuse a query parameter it does not declare, or one
    given more than once that it does not declare as a list (a 400 naming it: JSON, or the
    dashboard's error page for a browser; a dashboard page took the last value of
    ``?since=A&since=B`` silently, as the API did before ``given_once``). The check runs
    where each route called ``known_parameters`` itself: after the role check and the
    validation of what it declares, before its body. No route can forget it, and a
    parameter added to a route's signature is taken at once. Call it once the routers
    are included (FastAPI builds each included route's handler once per app)."""
    document_measurement_queries()  # what they refuse and take, documented alike
    for route in api_routes(app):
        if not getattr(route.dependant.call, GUARDED, False):
            known = declared_query(route)
            if known is not None:
                _guard(route.dependant, known, repeatable_query(route))


def _guard(dependant: Dependant, known: tuple[str, ...], many: tuple[str, ...]) -> None:
    """Wrap the route's call (which its handler runs with the solved arguments) in the
    check; a call not taking the request is handed it under ``REQUEST_ARG``. ``many``: the
    parameters that may be given more than once."""
    call = dependant.call
    assert call is not None
    takes_request = dependant.request_param_name
    dependant.request_param_name = takes_request or REQUEST_ARG

    def check(values: dict[str, Any]) -> None:
        request = values[takes_request] if takes_request else values.pop(REQUEST_ARG)
        known_parameters(request, *known)
        given_once(request, many)

    if inspect.iscoroutinefunction(call):

        @functools.wraps(call)
        async def guarded_async(**values: Any) -> Any:
            check(values)
            return await call(**values)

        wrapper: Callable[..., Any] = guarded_async
    else:

        @functools.wraps(call)
        def guarded(**values: Any) -> Any:
            check(values)
            return call(**values)

        wrapper = guarded
    setattr(wrapper, GUARDED, True)
    dependant.call = wrapper


# -- measurement dispatch ------------------------------------------------------------------
def _cli_command(name: str) -> click.Command | None:
    """The click command behind a measurement, to reuse its options and types."""
    try:
        cli = importlib.import_module("mutewatch.cli")
    except Exception:  # noqa: BLE001 - the CLI may be incomplete; fall back to plain strings
        return None
    command: Any = getattr(cli, "main", None)
    for part in name.split("_") if name == "outlets_status" else [name]:
        if not isinstance(command, click.Group):
            return None
        command = command.commands.get(part)
    return command if isinstance(command, click.Command) else None


def _guess(value: str) -> Any:
    low = value.lower()
    if low in ("true", "false"):
        return low == "true"
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


# options that would let a caller pick files, hosts or a heavy engine: CLI only
API_DENIED = {"engine", "spark_master", "parquet", "as_json", "json", "store"}


def measurement_options(name: str, request: Request) -> dict[str, Any]:
    """Query parameters converted like the CLI would convert the same options."""
    return options_from_query(name, request.query_params)


def options_from_query(name: str, query: Any) -> dict[str, Any]:
    """Options from a query (a mapping with ``getlist``, or a dict of lists) as the CLI
    would parse them.

    A parameter is named like the CLI option in snake_case (``--min-hours`` is
    ``min_hours``, ``--from`` is ``from``); the option's own name (``date_from``) works too,
    but not both at once, nor one twice unless its option takes many (``outlet``). Each
    value is checked here, naming the parameter as sent: its click type, the library's
    numeric bounds (``registry.OPTION_BOUNDS``) and the days of ``from``/``to``.
    """
    if not hasattr(query, "getlist"):
        query = _MultiDict(query)
    command = _cli_command(name)
    denied = [key for key in query if key in API_DENIED]
    if denied:
        raise UsageError(
            f"the option {denied[0]!r} is not available over the API",
            hint="the server always measures its own store with DuckDB; use the CLI for more",
        )
    if command is None:
        return {key: _guess(query[key]) for key in query}
    params: dict[str, click.Option] = {}
    negations: dict[str, click.Option] = {}  # --no-x of an --x/--no-x flag: no_x
    for candidate in command.params:
        if (
            isinstance(candidate, click.Option)
            and candidate.name
            and candidate.name not in API_DENIED
        ):
            params[candidate.name] = candidate
            for opt in candidate.opts:
                params.setdefault(_snake(opt), candidate)
            for opt in candidate.secondary_opts:
                negations.setdefault(_snake(opt), candidate)
    argv: list[str] = []
    given: dict[str, str] = {}  # option name -> the query parameter it was sent as
    for key in query:
        found = params.get(key)
        negated = found is None and key in negations
        if negated:
            found = negations[key]
        if found is None:
            known = ", ".join(sorted([*params, *negations]))
            raise UsageError(
                f"unknown query parameter {key!r} for {name}", hint=f"known: {known or 'none'}"
            )
        values = query.getlist(key)
        _once(found, key, values, given)
        for value in values:
            _check_type(name, found, key, value)
        argv.extend(_as_argv(found, values, negated=negated))
    try:  # click parses exactly as the CLI does: types, choices, defaults
        ctx = command.make_context(name, argv)
    except click.MissingParameter as exc:  # click says "Missing option '--baseline'"
        raise _missing(name, exc) from exc
    except click.ClickException as exc:  # a callback's refusal: the values passed their types
        raise in_query_words(
            UsageError(f"bad query parameters for {name}: {exc.format_message()}"), name
        ) from exc
    options = {k: v for k, v in ctx.params.items() if k not in API_DENIED}
    _check_finite(name, options)
    _check_bounds(name, options, given)
    _check_days(options, given)
    return options


def _once(option: click.Option, key: str, values: list[str], given: dict[str, str]) -> None:
    """Refuse a query parameter given twice, by one name or two (``from`` and
    ``date_from``; ``coordinated`` and ``no_coordinated``), unless its option takes many
    (``outlet``): click kept the last, while a proxy or log reading the first saw another."""
    assert option.name is not None
    earlier = given.setdefault(option.name, key)
    if earlier != key:
        raise UsageError(
            f"the query parameters {earlier!r} and {key!r} both give"
            f" {_snake(max(option.opts, key=len))}: which one counts is not agreed between readers",
            hint=f"give {earlier} once, and not {key}",
        )
    if len(values) > 1 and not option.multiple:
        raise given_twice(key)


def _check_type(name: str, option: click.Option, key: str, value: str) -> None:
    """Refuse ``value`` of the query parameter ``key`` unless the option's click type takes
    it (a number, one of a Choice's values), naming ``key``: click's own error names the
    command-line option (``Invalid value for '--top'``)."""
    if option.is_flag:
        return  # its words are checked by _as_argv
    try:
        option.type.convert(value, option, None)
    except click.BadParameter as exc:
        example = option.metavar or (option.default if option.default is not None else "VALUE")
        raise UsageError(
            f"bad query parameters for {name}: Invalid value for {key!r}: {exc.message}",
            hint=f"send {key}={example}, or leave it out",
        ) from exc


def _check_bounds(name: str, options: dict[str, Any], given: dict[str, str]) -> None:
    """Refuse a number outside the measurement library's bounds (``OPTION_BOUNDS``: ``top``
    at least 1, ``silenced_below`` a share) naming the query parameter as sent; the
    library's own refusal names the option (``silenced-below must be ...``)."""
    registry = load("mutewatch.measure.registry")
    for option, key in given.items():
        refusal = registry.check_bound(option, options.get(option))
        if refusal is not None:
            raise UsageError(
                f"bad query parameters for {name}: {key} {refusal}",
                hint=f"send {key} within those bounds, or leave it out for its default",
            )


def _check_days(options: dict[str, Any], given: dict[str, str]) -> None:
    """Refuse ``from``/``to`` that are not days (YYYY-MM-DD, the measurement's own rule)
    or a ``to`` before ``from``, naming them as sent."""
    days = {
        option: parse_date(options.get(option), given.get(option, option.removeprefix("date_")))
        for option in ("date_from", "date_to")
    }
    start, end = days["date_from"], days["date_to"]
    if start is not None and end is not None and end < start:
        first, last = given.get("date_from", "from"), given.get("date_to", "to")
        raise UsageError(
            f"{last}={end} is before {first}={start}",
            hint=f"give {first}=A {last}=B with A <= B",
        )


def _missing(name: str, exc: click.MissingParameter) -> UsageError:
    """A required option the query did not give, named as the query parameter."""
    param = exc.param
    if not isinstance(param, click.Option):
        return in_query_words(UsageError(f"bad query parameters for {name}: {exc}"), name)
    key = _snake(max(param.opts, key=len))
    value = param.metavar or "VALUE"
    return UsageError(
        f"bad query parameters for {name}: the query parameter {key!r} is missing",
        hint=f"add {key}={value} to the query" + (f": {param.help}" if param.help else ""),
    )


def _query_spellings(name: str) -> dict[str, str]:
    """``--option`` -> the query parameter it is sent as (``--min-hours``: ``min_hours``),
    for the options of the measurement ``name`` that the API takes."""
    command = _cli_command(name)
    spellings: dict[str, str] = {}
    for param in command.params if command is not None else []:
        if isinstance(param, click.Option) and param.name not in API_DENIED:
            for opt in [*param.opts, *param.secondary_opts]:
                if opt.startswith("--"):
                    spellings[opt] = _snake(opt)
    return spellings


# ``--option`` with, after a space, a value of the kind messages give: a quoted text, a
# number or date, a placeholder (A, A..B) or a lower-case word (a choice: --of all)
_OPTION_IN_TEXT = re.compile(
    r"(?<![\w-])(--[a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?![\w-])"
    r"(?: ('[^']*'|\"[^\"]*\"|[0-9][^\s,;()]*|[A-Z](?:\.\.[A-Z])?(?![\w.])|[a-z]+(?![\w-])))?",
    re.ASCII,
)


Refused = TypeVar("Refused", bound=MutewatchError)


def in_query_words(exc: Refused, name: str) -> Refused:
    """``exc`` with the command-line options its message and hint name spelled as the query
    parameters of the measurement ``name`` (``--to 2017-01-01 is before --from 2017-02-01``:
    ``to=2017-01-01 is before from=2017-02-01``; ``swap --baseline and --period``: ``swap
    baseline and period``), for a reader of the API, who sent no ``--options``. The library
    and click keep the CLI's words; text in backquotes (a command to run) is kept as it is.
    The same exception when nothing changes.

    What is left to it: a click callback's refusal and the library's refusals of a
    combination of values (``baseline`` and ``period`` overlapping, ``outlet`` without
    ``scope=outlet``) or of what the store holds (``findings``' full months); each value on
    its own is checked in the query's words first (``options_from_query``). Naming those
    structurally needs the library's errors to carry the option they are about."""
    message = in_query_text(exc.message, name)
    hint = in_query_text(exc.hint, name) if exc.hint is not None else None
    if message == exc.message and hint == exc.hint:
        return exc
    renamed = copy.copy(exc)
    renamed.message, renamed.hint = message, hint
    renamed.args = (message,)
    return renamed


def in_query_text(text: str, name: str) -> str:
    """``text`` with the options of the measurement ``name`` spelled as query parameters
    (see ``in_query_words``)."""
    spellings = _query_spellings(name)
    choices = _choice_words(name)

    def one(match: re.Match[str]) -> str:
        option, value = match[1], match[2]
        key = spellings.get(option)
        if key is None:
            return match[0]
        if value is None:
            return key
        if value[0].islower() and value not in choices.get(option, ()):
            return f"{key} {value}"  # a word of the sentence, not the option's value
        return f"{key}={value}"

    pieces = text.split("`")
    return "`".join(
        piece if i % 2 else _OPTION_IN_TEXT.sub(one, piece) for i, piece in enumerate(pieces)
    )


@contextmanager
def query_words(name: str) -> Iterator[None]:
    """Raise a UsageError of the block ``in_query_words`` of the measurement ``name``."""
    try:
        yield
    except UsageError as exc:
        renamed = in_query_words(exc, name)
        if renamed is exc:
            raise
        raise renamed from exc


def _choice_words(name: str) -> dict[str, tuple[str, ...]]:
    """``--option`` -> the values its click Choice takes (``--of``: official, supporter, all)."""
    command = _cli_command(name)
    words: dict[str, tuple[str, ...]] = {}
    for param in command.params if command is not None else []:
        if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
            for opt in param.opts:
                words[opt] = tuple(str(c) for c in param.type.choices)
    return words


def _check_finite(name: str, options: dict[str, Any]) -> None:
    """Refuse ``nan``, ``inf`` and numbers too large to compute with (click takes them)."""
    for key, value in options.items():
        if isinstance(value, float) and not (math.isfinite(value) and abs(value) < 1e12):
            raise UsageError(
                f"bad query parameters for {name}: {key}={value!r} is not a usable number",
                hint="give a finite number, e.g. min_hours=12",
            )


class _MultiDict(dict[str, Any]):
    """A dict of lists (or single values) with ``getlist``, like Starlette's query."""

    def getlist(self, key: str) -> list[str]:
        value = dict.__getitem__(self, key)
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

    def __getitem__(self, key: str) -> str:
        return self.getlist(key)[-1]


# the values a flag takes in a query; anything else is refused (not read as false)
FLAG_WORDS = {"": True, "1": True, "true": True, "yes": True, "on": True,
              "0": False, "false": False, "no": False, "off": False}  # fmt: skip


def _snake(opt: str) -> str:
    """``--min-hours`` as a query parameter: ``min_hours``."""
    return opt.lstrip("-").replace("-", "_")


def _as_argv(option: click.Option, values: list[str], *, negated: bool = False) -> list[str]:
    """The command-line words for one query parameter (``negated``: the ``--no-x`` form)."""
    long = max(option.opts, key=len)
    if option.is_flag and not option.multiple:
        word = values[-1].strip().lower()
        shown = _snake(option.secondary_opts[0]) if negated else option.name
        if word not in FLAG_WORDS:
            raise UsageError(
                f"{shown}={values[-1]!r} is not true or false",
                hint=f"write {shown}=true or {shown}=false",
            )
        if FLAG_WORDS[word] != negated:
            return [long]
        return [max(option.secondary_opts, key=len)] if option.secondary_opts else []
    words: list[str] = []
    for value in values if option.multiple else values[-1:]:
        words.extend([long, value])
    return words


def _library_options(registry: Any, name: str, options: dict[str, Any]) -> dict[str, Any]:
    """Turn the CLI's negative flags into the library's keywords, as the CLI commands do.

    ``--no-coordinated`` arrives as ``no_coordinated``; the library takes
    ``with_coordinated`` (or ``coordinated``) with the opposite value.
    """
    fn = getattr(registry, "MEASUREMENTS", {}).get(name)
    if fn is None:
        return options
    accepted = set(inspect.signature(fn).parameters)
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key.startswith("no_") and key not in accepted:
            base = key[3:]
            target = next((c for c in (f"with_{base}", base) if c in accepted), None)
            if target is not None:
                out[target] = not value
                continue
        out[key] = value
    return out


def library_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """The keywords ``run_measurement`` takes for CLI-parsed options."""
    registry = load("mutewatch.measure.registry")
    return _library_options(registry, name, options)


def run_measurement_on(name: str, store_path: Path, options: dict[str, Any]) -> Any:
    """Call the measurement library (imported late: it may land after this module)."""
    try:
        registry = load("mutewatch.measure.registry")
    except ImportError as exc:
        raise EngineError(
            f"the measurement {name!r} is not available: {exc}",
            hint="install a mutewatch with mutewatch.measure.registry",
        ) from exc
    try:
        with query_words(name):
            return registry.run_measurement(
                name, store_path, **_library_options(registry, name, options)
            )
    except MutewatchError:
        raise
    except (TypeError, ValueError, OverflowError) as exc:
        # the options passed the CLI's own parsing; the library refused their values
        log.warning("measurement %s refused options %r", name, options, exc_info=True)
        raise UsageError(
            f"bad options for {name}: {type(exc).__name__}: {exc}",
            hint="check the values against `mutewatch " + name.replace("_", " ") + " --help`",
        ) from exc


def _measurement_endpoint(path: str, name: str) -> None:
    def endpoint(request: Request, user: Annotated[User, Depends(VIEW)]) -> Response:
        options, key = measurement_request(request, user, name, request.query_params)
        return json_cached(
            request, user, name, key, lambda s: run_measurement_on(name, s.path, options)
        )

    parses_own_query(endpoint)
    endpoint.__name__ = f"measure_{name}"
    endpoint.__doc__ = (
        f"The `{name.replace('_', ' ')}` measurement, as `mutewatch {name.replace('_', ' ')} "
        "--json` prints it. Query parameters are the command's options in snake_case."
    )
    # filled in by ``document_measurement_queries`` once the app is built: reading the
    # click commands here would import the CLI with this module
    extra = QUERY_DOCS.setdefault(name, {})
    router.add_api_route(
        path, endpoint, methods=["GET"], tags=["measurements"], openapi_extra=extra
    )


#: measurement -> the ``openapi_extra`` of its route, whose ``parameters`` are its query's
QUERY_DOCS: dict[str, dict[str, Any]] = {}


def document_measurement_queries() -> None:
    """Give each measurement route's OpenAPI operation its query parameters, built from
    the click command's options (``query_parameters``): the routes read their query
    themselves (``parses_own_query``), so FastAPI sees none of them."""
    for name, extra in QUERY_DOCS.items():
        if "parameters" not in extra:
            extra["parameters"] = query_parameters(name)


def query_parameters(name: str) -> list[dict[str, Any]]:
    """The OpenAPI query parameters of the measurement ``name``: each option of its click
    command the API takes (``options_from_query``), by the name it is sent as, with its
    type, whether it is required, its help and, for a click Choice, its values."""
    command = _cli_command(name)
    documented: list[dict[str, Any]] = []
    for param in command.params if command is not None else []:
        if not isinstance(param, click.Option) or param.name in API_DENIED or param.hidden:
            continue
        schema = _query_schema(param)
        if param.multiple:
            schema = {"type": "array", "items": schema}
        default = param.default  # click's own "unset" marker is no value to show
        if isinstance(default, str | int | float) or (isinstance(default, tuple) and default):
            schema["default"] = list(default) if isinstance(default, tuple) else default
        entry: dict[str, Any] = {
            "name": _snake(max(param.opts, key=len)),
            "in": "query",
            "required": bool(param.required),
            "schema": schema,
            "description": in_query_text(param.help or "", name),
        }
        if param.is_flag and param.secondary_opts:
            entry["description"] += f" ({_snake(param.secondary_opts[0])}=true: the opposite)"
        documented.append(entry)
    return documented


def _query_schema(option: click.Option) -> dict[str, Any]:
    """The JSON schema of one option's value (enum for a Choice, bounds for a range)."""
    kind = option.type
    if option.is_flag:
        return {"type": "boolean"}
    if isinstance(kind, click.Choice):
        return {"type": "string", "enum": [str(c) for c in kind.choices]}
    schema: dict[str, Any] = {"type": "string"}
    if isinstance(kind, click.types.IntParamType):
        schema = {"type": "integer"}
    elif isinstance(kind, click.types.FloatParamType):
        schema = {"type": "number"}
    elif isinstance(kind, click.types.BoolParamType):
        schema = {"type": "boolean"}
    if isinstance(kind, click.types._NumberRangeBase):
        if kind.min is not None:
            schema["exclusiveMinimum" if kind.min_open else "minimum"] = kind.min
        if kind.max is not None:
            schema["exclusiveMaximum" if kind.max_open else "maximum"] = kind.max
    if option.metavar and schema["type"] == "string":
        schema["format"] = option.metavar
    return schema


def measurement_request(
    request: Request, user: User, name: str, query: Any
) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """The options of the measurement ``name`` for ``query`` (parsed as the CLI parses
    them, ``options_from_query``) and their cache key, as its endpoint reads them: the
    ``outlet`` names of a user who sees supporters pseudonymised are read as those
    pseudonyms (``outlets_as_seen``), and days far outside the archive are refused."""
    with query_words(name):
        options = options_from_query(name, query)
        if options.get("outlets") and not user.sees_identities:  # output?outlet=NAME
            options["outlets"] = outlets_as_seen(request, options["outlets"])
        _near_the_archive(request, options)
    return options, tuple(sorted((k, repr(v)) for k, v in options.items()))


def measured(request: Request, user: User, name: str, query: Any) -> Any:
    """The JSON of the measurement ``name`` for ``query`` as its endpoint answers it
    (pseudonymised for viewers), from the same cache entry: the dashboard's trend and
    ``GET /api/v1/trend`` with the same options compute once."""
    options, key = measurement_request(request, user, name, query)
    data = cached(
        request, name, key, lambda s: queries.jsonable(run_measurement_on(name, s.path, options))
    )
    return shown(request, user, data)


def outlets_as_seen(request: Request, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """``outlet`` values of a user who sees supporters pseudonymised, as the store names
    them. Supporter outlets go by the pseudonyms that user sees; their real names are
    unknown to them (a guessed name cannot confirm itself), and an unknown name is refused
    with close matches among the names they see (``output.chosen_outlets``)."""
    rows = cached(
        request,
        "outlet_names",
        (),
        lambda s: s.con.execute("SELECT outlet_id, name FROM outlets").fetchall(),
    )
    pseudonymiser = request.app.state.auth.pseudonymiser()
    seen = {pseudonymiser.apply(str(name)): (int(oid), str(name)) for oid, name in rows}
    output = load("mutewatch.measure.output")
    chosen = output.chosen_outlets({k: oid for k, (oid, _) in seen.items()}, wanted)
    return tuple(seen[k][1] for k in chosen)


# how far --from/--to may lie outside the archive over the API (days)
MAX_DAYS_OUTSIDE = 366


def _near_the_archive(request: Request, options: dict[str, Any]) -> None:
    """Refuse ``from``/``to`` far outside the archive: the series are zero-filled, so
    ``from=0001-01-01`` made any viewer's request compute 740,000 empty days (10 s and
    39 MB for output; trend ran on for minutes) on the shared server."""
    given = [(key, options.get(key)) for key in ("date_from", "date_to") if options.get(key)]
    if not given:
        return
    status = status_of(request)
    first, last = status.get("first"), status.get("last")
    if not first or not last:
        return
    low = date.fromisoformat(str(first)[:10]) - timedelta(days=MAX_DAYS_OUTSIDE)
    high = date.fromisoformat(str(last)[:10]) + timedelta(days=MAX_DAYS_OUTSIDE)
    for key, value in given:
        # the measurement's own rule (YYYY-MM-DD only), so 20261105 is named as a bad date
        # rather than as a day far outside the archive
        day = parse_date(value, key.removeprefix("date_"))
        if day is not None and not low <= day <= high:
            raise UsageError(
                f"{key.removeprefix('date_')}={value} lies more than a year outside the "
                f"archive ({str(first)[:10]} to {str(last)[:10]})",
                hint=f"choose days from {low} to {high}; the CLI has no such bound",
            )


@router.get("/status", tags=["measurements"])
def get_status(request: Request, user: Annotated[User, Depends(VIEW)]) -> Any:
    """What the store holds, as `mutewatch status --json` prints it."""
    return _status_response(request, user)


def status_of(request: Request) -> dict[str, Any]:
    """The status JSON, naming the served store (not the snapshot behind it)."""
    result: dict[str, Any] = cached(request, "status", (), _status_computer(request))
    return result


def _status_response(request: Request, user: User) -> Response:
    return json_cached(request, user, "status", (), _status_computer(request))


def _status_computer(request: Request) -> Callable[[Store], dict[str, Any]]:
    """``queries.status`` of a store, naming the served store rather than its snapshot."""
    name = request.app.state.gateway.store_path.name

    def compute(store: Store) -> dict[str, Any]:
        data = queries.status(store)
        if "store" in data:
            data["store"] = name
        return data

    return compute


@router.get("/outlets", tags=["measurements"])
def get_outlets(request: Request, user: Annotated[User, Depends(VIEW)]) -> Any:
    """Every outlet, as `mutewatch outlets list --json` prints it: official or supporter,
    registered, its accounts (``platform:account_id``), posts, first and last post."""
    return json_cached(request, user, "outlet_list", (), queries.outlet_list)


for _path, _name in MEASUREMENTS.items():
    _measurement_endpoint(_path, _name)


@router.get("/outlets/{outlet_id}", tags=["measurements"])
def get_outlet(request: Request, outlet_id: int, user: Annotated[User, Depends(VIEW)]) -> Any:
    """One outlet: accounts, names over time, daily posts (supporters pseudonymised for viewers)."""
    return json_cached(
        request, user, "outlet", (outlet_id,), lambda s: queries.outlet_detail(s, outlet_id)
    )


# -- posts (analyst) -----------------------------------------------------------------------
@router.get("/posts", tags=["posts"])
def get_posts(
    request: Request,
    user: Annotated[User, Depends(READ)],
    q: Annotated[
        str | None, Query(max_length=200, description="substring, case-insensitive")
    ] = None,
    outlet_id: int | None = None,
    since: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD, exclusive")] = None,
    limit: int = 50,
    offset: int = 0,
) -> Any:
    """Search post texts (links defanged; media as labels, never URLs). Analysts only."""
    start, end = queries.parse_time(since, "since"), queries.parse_time(until, "until")
    check_window(since, until, start, end)
    params = (q, outlet_id, start, end, limit, offset)
    return json_cached(
        request,
        user,
        "posts",
        params,
        lambda s: queries.search_posts(
            s, q=q, outlet_id=outlet_id, since=start, until=end, limit=limit, offset=offset
        ),
    )


def check_window(
    since: str | None,
    until: str | None,
    start: datetime | None,
    end: datetime | None,
    *,
    until_has_its_day: bool = False,
) -> None:
    """Refuse the window ``since``/``until`` (as sent; ``start``, ``end`` as read) whose end
    is not after its start, in one wording for ``/api/v1/posts`` and the dashboard's pages:
    ``since=A until=B (until is exclusive): the end is not after the start, ...``.
    ``until_has_its_day``: ``until`` is a date the pages read as the end of that day."""
    note = "until includes its day" if until_has_its_day else "until is exclusive"
    queries.check_window(start, end, f"since={since} until={until} ({note})")


def known_parameters(request: Request, *known: str) -> None:
    """Refuse a query parameter not in ``known``: ``?query=x`` for ``?q=x`` had answered
    every post, unfiltered, as if it had searched. Every route of the app is checked this
    way already (``guard_query_parameters``), with what it declares."""
    for key in request.query_params:
        if key not in known:
            raise UsageError(
                f"unknown query parameter {key!r} for {request.url.path}",
                hint=f"known: {', '.join(known)}" if known else "it takes no query parameters",
            )


def given_once(request: Request, many: tuple[str, ...] = ()) -> None:
    """Refuse a query parameter given more than once, but those in ``many`` (declared as
    lists): the routes read one value, and Starlette hands them the last
    (``?limit=1&limit=500``), while a proxy or log reading the first saw another. Every
    route, the dashboard's pages too, is checked this way (``guard_query_parameters``);
    moderation's by ``once_each`` first."""
    seen: set[str] = set()
    for key, _ in request.query_params.multi_items():
        if key in seen and key not in many:
            raise given_twice(key)
        seen.add(key)


def given_twice(key: str) -> UsageError:
    """The refusal of the query parameter ``key`` given more than once, in the one wording
    of every route (``given_once``) and measurement (``_once``)."""
    return UsageError(
        f"the query parameter {key!r} is given more than once: which one counts is"
        " not agreed between readers",
        hint=f"give {key} once",
    )


_WHOLE = TypeAdapter(int)
_FLAG = TypeAdapter(bool)
Bounds = tuple[int, int | None]
Kind = Bounds | type[int] | type[bool]


def query_values(**kinds: Kind) -> Any:
    """A dependency refusing a query parameter of ``kinds`` whose value FastAPI would refuse
    with a 422 ``validation_error`` (``query.limit: Input should be ...``): a UsageError
    (HTTP 400 ``bad_request``) naming the parameter instead, as every other bad query value
    is (an unknown ``clause``, an empty ``article_id``, a bad ``from``). A kind is ``(low,
    high)`` for a whole number (``high`` None: no upper bound), ``int`` for any whole number
    or ``bool``. Moderation's routes and the dashboard's pages declare it.

    The values accepted are FastAPI's own (pydantic reads them: ``" 5"``, ``"5.0"``,
    ``yes``/``off``), and the same bounds go to ``Query(ge=, le=)``, so the route's OpenAPI
    and what it takes stay as they were. Declared after the route's role check, it runs
    after it (a reader without the role never learns what the query got wrong), before
    FastAPI validates the parameters; each value of a parameter sent twice is checked
    (``given_once`` refuses the second later)."""

    def check(request: Request) -> None:
        for name, kind in kinds.items():
            for text in request.query_params.getlist(name):
                check_value(name, text, kind)

    return Depends(check)


def check_value(name: str, text: str, kind: Kind) -> Any:
    """The value of the query parameter ``name`` sent as ``text``, read as ``kind`` (see
    ``query_values``); a UsageError naming ``name`` and what it takes unless it is one."""
    if kind is bool:
        try:
            return _FLAG.validate_python(text)
        except ValidationError:
            raise UsageError(
                refused_value(name, VALUE_WORDS["bool_parsing"], text),
                hint=f"send {name}=true or {name}=false, or leave it out",
            ) from None
    low, high = kind if isinstance(kind, tuple) else (None, None)
    try:
        value = _WHOLE.validate_python(text)
    except ValidationError:
        value = None
    if low is None:
        if value is None:
            raise UsageError(
                refused_value(name, whole_number(None), text),
                hint=f"send {name} as a number, or leave it out",
            )
        return value
    if value is None or value < low or (high is not None and value > high):
        raise UsageError(
            refused_value(name, whole_number((low, high)), text),
            hint=f"send {name} as a number such as {low}, or leave it out",
        )
    return value


# pydantic's error types of a parameter's value, in the words of check_value: the one
# wording of a refused value, for every value FastAPI refuses too (the app's validation
# handler; FastAPI's were ``query.limit: Input should be a valid integer, unable to parse
# string as an integer``), on the API and the dashboard's pages alike
VALUE_WORDS = {
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing_size": "must be a whole number of at most 19 digits",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be true or false",
}
# pydantic's error types of a whole number outside a parameter's bounds (``Query(ge=, le=)``)
BOUND_ERRORS = ("greater_than_equal", "less_than_equal", "int_parsing", "int_from_float")


def whole_number(bounds: Bounds | None) -> str:
    """What a whole-number parameter must be: ``must be a whole number from 1 to 500``
    (``bounds`` ``(low, high)``; ``high`` None: ``of at least low``; None: any)."""
    if bounds is None:
        return VALUE_WORDS["int_parsing"]
    low, high = bounds
    span = f"from {low} to {high}" if high is not None else f"of at least {low}"
    return f"{VALUE_WORDS['int_parsing']} {span}"


def refused_value(name: str, words: str, text: str, what: str = "query parameter") -> str:
    """``the query parameter 'limit' must be a whole number, not 'abc'``: a value ``text``
    of ``name`` refused, ``words`` saying what it must be (its first 40 characters shown,
    none when it holds a token: a token pasted into an over-long login field came back)."""
    if TOKEN_IN_TEXT.search(text):
        return f"the {what} {name!r} {words} (its value is withheld: it holds a token)"
    shown = repr(text[:40] + ("..." if len(text) > 40 else ""))
    return f"the {what} {name!r} {words}, not {shown}"


def declared_bounds(route: Any, place: str, name: str) -> Bounds | None:
    """The bounds of the whole-number parameter ``name`` sent in ``place`` (``query`` or
    ``path``) that ``route`` or its dependencies declare with ``Query(ge=, le=)``, as
    ``query_values`` takes them; None without a lower bound, or for another route."""
    pending: list[Dependant] = [route.dependant] if hasattr(route, "dependant") else []
    while pending:
        dependant = pending.pop(0)
        for field in dependant.query_params if place == "query" else dependant.path_params:
            if field.alias != name:
                continue
            metadata = field.field_info.metadata
            low = next((m.ge for m in metadata if isinstance(getattr(m, "ge", None), int)), None)
            high = next((m.le for m in metadata if isinstance(getattr(m, "le", None), int)), None)
            return None if low is None else (low, high)
        pending.extend(dependant.dependencies)
    return None


# -- users and audit (admin) ---------------------------------------------------------------
class NewUser(BaseModel):
    """A user to create; the answer carries its token, shown once."""

    name: str = Field(min_length=1, max_length=64, description=USER_NAME_WORDS)
    role: str = Field(
        description=f"one of {', '.join(ROLES)}", json_schema_extra={"enum": [*ROLES]}
    )
    enable: bool = Field(
        default=False,
        description="re-enable the user if it was disabled (otherwise such a name is a 409)",
    )


@router.get("/users", tags=["admin"])
def get_users(request: Request, user: Annotated[User, Depends(ADMIN)]) -> Any:
    """Every user, its role and number of live tokens."""
    with request.app.state.gateway.reading() as snap:
        return {"users": queries.jsonable(list_users(snap.store()))}


@router.post(
    "/users",
    tags=["admin"],
    status_code=201,
    responses={200: {"description": "The user existed: a new token (`created` false)"}},
)
def post_user(request: Request, body: NewUser, user: Annotated[User, Depends(ADMIN)]) -> Any:
    """Create a user (or issue a new token); returns `{name, role, token, created, changed}`,
    the token once: 201 when the user is new, 200 when it existed (`created` false; its
    older tokens stay valid), `changed` saying in words what changed about it (a new role,
    a re-enable) or null. A disabled user's name is a 409 unless `enable` is true."""
    check_new_user(body)
    created, token, change, new = create_user(
        request, user, body.name, body.role, enable=body.enable
    )
    answer = {"name": created.name, "role": created.role, "token": token,
              "created": new, "changed": change}  # fmt: skip
    return JSONResponse(answer, status_code=201 if new else 200)


class BodyFieldError(InputError):
    """A body field a route's model declares, refused as FastAPI's own check refuses one
    (422 ``validation_error``), though the library checked it (``auth.user_problem``)."""

    code = "validation_error"


def check_new_user(body: NewUser) -> None:
    """BodyFieldError naming the field of ``body`` :func:`add_user` would refuse: a role
    not among ROLES, a name with spaces, was a 400 ``bad_request`` beside the model's 422
    for a name too long or of the wrong type."""
    field = user_problem(body.name, body.role)
    if field is None:
        return
    words = (
        f"must be one of {', '.join(ROLES)}" if field == "role" else f"must be {USER_NAME_WORDS}"
    )
    value = body.role if field == "role" else body.name
    raise BodyFieldError(refused_value(field, words, value, "body field"))


def create_user(
    request: Request, admin: User, name: str, role: str, *, enable: bool
) -> tuple[User, str, str | None, bool]:
    """Add a user in the writer and audit it with what it was before; return the user,
    its token, what changed about an existing user, in words (or None), and whether the
    user is new."""
    created, token, before = request.app.state.gateway.write(
        lambda s: add_user_noting(s, name, role, enable=enable)
    )
    detail: dict[str, Any] = {"role": created.role}
    if before is not None:
        detail["previous"] = before
    request.app.state.auth.audit(
        "user.add", actor=admin.name, target=created.name, detail=detail, ip=_ip(request)
    )
    return created, token, user_change(created.name, before, created.role), before is None


@router.delete("/users/{name}", tags=["admin"])
def delete_user(request: Request, name: str, user: Annotated[User, Depends(ADMIN)]) -> Any:
    """Disable a user and revoke its tokens and sessions."""
    request.app.state.gateway.write(lambda s: disable_user(s, name))
    request.app.state.auth.forget_user(name)
    request.app.state.auth.audit("user.disable", actor=user.name, target=name, ip=_ip(request))
    return {"name": name, "disabled": True}


@router.get("/audit", tags=["admin"])
def get_audit(request: Request, user: Annotated[User, Depends(ADMIN)], limit: int = 200) -> Any:
    """The newest audit entries (logins, failed logins, admin actions) and the state of
    the log's hash chain (`chain.intact`, `chain.head`, `chain.broken_at`), and of the
    moderation audit log's chain (`moderation_chain`), as `mutewatch audit --json`."""
    if not 1 <= limit <= 5000:
        raise UsageError(f"limit={limit} is out of range", hint="use 1..5000")
    with request.app.state.gateway.reading() as snap:
        return queries.jsonable(audit_report(snap.store(), limit))


@router.get("/me", tags=["admin"])
def get_me(request: Request, user: Annotated[User, Depends(_require_role(*ROLES))]) -> Any:
    """Who the token or session belongs to."""
    return {"name": user.name, "role": user.role}


# -- ingest (admin) ------------------------------------------------------------------------
@router.post("/ingest", tags=["admin"], status_code=202)
async def post_ingest(
    request: Request,
    user: Annotated[User, Depends(ADMIN)],
    file: Annotated[UploadFile, File(description="an export archive or file to ingest")],
) -> Any:
    """Upload an archive; it is queued and ingested by the server's single writer.

    Reads keep being served from the snapshot meanwhile. Poll `GET /api/v1/ingest/{job}`.
    """
    return await accept_upload(request, user, file)


async def accept_upload(request: Request, user: User, file: UploadFile) -> dict[str, Any]:
    """Receive an upload, refuse it now if it cannot be ingested, else queue it (audited)."""
    jobs: IngestJobs = request.app.state.ingest_jobs
    job = await jobs.receive(file)
    try:
        await run_in_threadpool(jobs.vet, job["id"])
    except MutewatchError as exc:
        # audits in a worker thread: each is fsync'd, which on the event loop held up every
        # other request meanwhile (awaited: durable before the answer, as before)
        await run_in_threadpool(
            request.app.state.auth.audit,
            "ingest.rejected",
            actor=user.name,
            target=job["file"],
            detail={"job": job["id"], "reason": str(exc)},
            ip=_ip(request),
            ok=False,
        )
        raise
    await run_in_threadpool(
        request.app.state.auth.audit,
        "ingest.upload",
        actor=user.name,
        target=job["file"],
        detail={"job": job["id"]},
        ip=_ip(request),
    )
    jobs.start(request.app.state.gateway, job["id"], request.app.state.auth, user.name)
    return jobs.get(job["id"])


@router.get("/ingest/{job_id}", tags=["admin"])
def get_ingest(request: Request, job_id: str, user: Annotated[User, Depends(ADMIN)]) -> Any:
    """The state of an upload: queued, running, done (with the ingest report) or failed."""
    return request.app.state.ingest_jobs.get(job_id)


class IngestJobs:
    """Uploaded files waiting for, or done with, the writer."""

    def __init__(self, upload_dir: Path, ingest: Callable[[Store, Path], Any] | None = None):
        self.upload_dir = upload_dir
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        self._ingest = ingest
        self._jobs: dict[str, dict[str, Any]] = {}

    async def receive(self, upload: UploadFile) -> dict[str, Any]:
        job_id = uuid.uuid4().hex[:12]
        name = upload_name(upload.filename)
        (self.upload_dir / job_id).mkdir(parents=True)
        target = self.upload_dir / job_id / name  # the name tells ingest the format
        digest, size = hashlib.sha256(), 0
        with target.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    out.close()
                    target.unlink(missing_ok=True)
                    raise UsageError(
                        f"the upload {name} is larger than {MAX_UPLOAD_BYTES >> 20} MB",
                        hint="run `mutewatch ingest PATH` on the server instead",
                    )
                digest.update(chunk)
                out.write(chunk)
        job = {
            "id": job_id,
            "file": name,
            "path": str(target),
            "bytes": size,
            "sha256": digest.hexdigest(),
            "state": "queued",
            "queued_at": datetime.now(UTC).isoformat(),
            "report": None,
            "error": None,
        }
        self._jobs[job_id] = job
        return job

    def vet(self, job_id: str) -> None:
        """Refuse now (a 4xx) an upload the ingest cannot read at all, instead of queuing
        a job that fails later: a ``.zip`` that is not one, an archive with nothing to
        ingest in it, a file whose format its name does not tell or that is not that format.
        A zip is unpacked here; the job then ingests the folder. With a custom ``ingest``
        (tests) the upload is taken as it is.
        """
        job = self._jobs[job_id]
        path = Path(job["path"])
        try:
            if self._ingest is None:
                job["path"] = str(_readable_upload(path))
        except MutewatchError as exc:
            shutil.rmtree(path.parent, ignore_errors=True)
            del self._jobs[job_id]
            raise type(exc)(_unplaced(exc.message, path.parent), hint=exc.hint) from exc

    def start(self, gateway: Any, job_id: str, auth: Any, actor: str) -> None:
        job = self._jobs[job_id]

        def run(store: Store) -> Any:
            job["state"] = "running"
            return self.ingest_file(store, Path(job["path"]))

        future = gateway.submit(run, timeout=3600)

        def done(fut: Any) -> None:
            exc = fut.exception()
            where = self.upload_dir / job_id
            if exc is None:
                report = queries.jsonable(_as_dict(fut.result()))
                job.update(state="done", report=json.loads(_unplaced(json.dumps(report), where)))
            else:
                job.update(
                    state="failed",
                    error={
                        "code": getattr(exc, "code", "internal_error"),
                        "message": _unplaced(str(exc), where),
                    },
                )
            auth.audit(
                "ingest.finish",
                actor=actor,
                target=job["file"],
                detail={"job": job_id, "state": job["state"]},
                ok=exc is None,
            )

        def finish(fut: Any) -> None:
            # a thread of its own: a callback added to a future already done (an ingest
            # the writer finished before this line ran) runs at once on the caller's
            # thread, the event loop's, where its fsync'd audit held up every request
            threading.Thread(target=done, args=(fut,), name=f"ingest-finish-{job_id}").start()

        future.add_done_callback(finish)

    def ingest_file(self, store: Store, path: Path) -> Any:
        if path.is_file() and zipfile.is_zipfile(path):
            path = extract_zip(path, path.parent / "extracted")
        if self._ingest is not None:
            return self._ingest(store, path)
        try:
            module = importlib.import_module("mutewatch.ingest")
        except ImportError as exc:
            raise EngineError(f"ingest is not available: {exc}") from exc
        return module.ingest(store, [path], module.IngestOptions())

    def get(self, job_id: str) -> dict[str, Any]:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no ingest job {job_id!r}", hint="POST /api/v1/ingest first")
        return {k: v for k, v in job.items() if k != "path"}


MAX_UNZIPPED_BYTES = 8 * 1024 * 1024 * 1024


def upload_name(filename: str | None) -> str:
    """A safe file name for an upload, keeping its suffix (which tells ingest the format):
    no folders, no ``..``, no control characters, at most 100 characters."""
    name = Path((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable())
    if name in ("", ".", ".."):
        name = "upload"
    if len(name) > 100:
        suffix = Path(name).suffix[:20]
        name = name[: 100 - len(suffix)] + suffix
    return name


def _readable_upload(path: Path) -> Path:
    """The path to ingest for an upload (a zip unpacked), or the error why it is unreadable."""
    ingest = load("mutewatch.ingest")
    if zipfile.is_zipfile(path):
        folder = extract_zip(path, path.parent / "extracted")
        skipped: list[Any] = []
        if not ingest.discover([folder], "auto", ingest.IngestOptions(), skipped):
            reasons = "; ".join(
                f"{Path(s.path).relative_to(folder)}: {s.reason}" for s in skipped[:5]
            )
            raise InputError(
                f"{path.name} holds nothing mutewatch can ingest"
                + (f" ({reasons})" if reasons else " (it is empty)"),
                hint=f"upload an archive of {ingest.SUPPORTED}",
            )
        return folder
    if path.suffix.lower() == ".zip":
        raise InputError(
            f"{path.name} is not a zip archive", hint="upload the export zipped, or the file itself"
        )
    ingest.discover([path], "auto", ingest.IngestOptions())
    return path


def _unplaced(text: str, job_dir: Path) -> str:
    """A message without the server's upload folder (names are relative to the upload)."""
    return text.replace(f"{job_dir}/extracted/", "").replace(f"{job_dir}/", "")


def extract_zip(archive: Path, target: Path) -> Path:
    """Extract an uploaded zip safely: no absolute paths, no ``..``, no links, bounded size."""
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    with zipfile.ZipFile(archive) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        total = sum(m.file_size for m in members)
        if total > MAX_UNZIPPED_BYTES:
            raise InputError(
                f"{archive.name} unpacks to {total >> 20} MB, over the limit",
                hint="unpack it on the server and run `mutewatch ingest DIR`",
            )
        for member in members:
            mode = member.external_attr >> 16
            if (mode & 0o170000) == 0o120000:  # a symbolic link
                continue
            dest = (root / member.filename).resolve()
            if not dest.is_relative_to(root):
                raise InputError(
                    f"{archive.name}: the entry {member.filename!r} points outside the archive",
                    hint="upload a plain export archive",
                )
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(member) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
    return target


def _as_dict(report: Any) -> Any:
    if isinstance(report, dict):
        return report
    for attr in ("to_dict", "as_dict"):
        if callable(getattr(report, attr, None)):
            return getattr(report, attr)()
    if hasattr(report, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(report)
    return {"result": str(report)}


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def error_response(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    fields: dict[str, Any] | None = None,
) -> JSONResponse:
    """The one error shape of the API; ``fields`` (an error's own, ``MutewatchError.fields``)
    are more keys beside ``code`` and ``message``."""
    error = {"code": code, "message": message, **(fields or {})}
    return JSONResponse({"error": error}, status_code=status, headers=headers)
