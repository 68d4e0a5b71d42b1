"""``api.guard_query_parameters`` on a small app of its own: a parameter a route declares
(itself, through a dependency, or by alias) is taken at once, anything else is refused
before the route's body runs; a route marked ``parses_own_query`` is left to its parser."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from mutewatch.errors import UsageError
from mutewatch.web.api import guard_query_parameters, parses_own_query

CALLS: list[str] = []


class Page(BaseModel):
    """A model of query parameters (FastAPI reads each field from the query)."""

    limit: int = 10
    after: str | None = Field(default=None, alias="next")


def window(since: Annotated[str | None, Query(alias="from")] = None) -> str | None:
    """A dependency declaring a parameter of its own (sent as ``from``)."""
    return since


def small_app() -> FastAPI:
    router = APIRouter()

    @router.get("/with-request")
    def with_request(
        request: Request, a: int = 0, w: Annotated[str | None, Depends(window)] = None
    ) -> dict[str, Any]:
        CALLS.append("with-request")
        return {"a": a, "from": w, "path": request.url.path}

    @router.get("/without-request")
    async def without_request(b: str = "") -> dict[str, Any]:
        CALLS.append("without-request")
        return {"b": b}

    @router.get("/model")
    def model(page: Annotated[Page, Query()]) -> dict[str, Any]:
        return {"limit": page.limit, "after": page.after}

    @router.get("/own")
    @parses_own_query
    def own(request: Request) -> dict[str, Any]:
        return dict(request.query_params)

    app = FastAPI()
    app.include_router(router, prefix="/p")

    @app.exception_handler(UsageError)
    async def refused(request: Request, exc: UsageError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    guard_query_parameters(app)
    guard_query_parameters(app)  # a second call changes nothing
    return app


@pytest.mark.anyio
async def test_declared_parameters_are_taken_and_others_refused() -> None:
    app = small_app()
    CALLS.clear()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ok = await client.get("/p/with-request?a=2&from=2024-01-01")
        ok_async = await client.get("/p/without-request?b=x")
        typo = await client.get("/p/with-request?a=2&form=2024-01-01")
        typo_async = await client.get("/p/without-request?c=x")
        own = await client.get("/p/own?anything=1")
        model = await client.get("/p/model?limit=3&next=x")
        model_typo = await client.get("/p/model?limit=3&after=x")
    assert ok.json() == {"a": 2, "from": "2024-01-01", "path": "/p/with-request"}
    assert ok_async.json() == {"b": "x"}
    assert typo.status_code == 400
    assert typo.json() == {
        "error": "unknown query parameter 'form' for /p/with-request (known: a, from)"
    }
    assert typo_async.json() == {
        "error": "unknown query parameter 'c' for /p/without-request (known: b)"
    }
    assert own.json() == {"anything": "1"}
    assert model.json() == {"limit": 3, "after": "x"}
    assert model_typo.json() == {
        "error": "unknown query parameter 'after' for /p/model (known: limit, next)"
    }
    assert CALLS == ["with-request", "without-request"]  # the refused ones never ran
