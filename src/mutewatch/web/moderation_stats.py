"""``GET /api/v1/moderation/stats?from=&to=&article_id=``: numbers about the moderation itself.

For moderators (and admins). Answers ``mutewatch.moderate.stats.moderation_stats`` as JSON:
the same object ``mutewatch moderate stats --json`` prints for the same store and options.
``from`` and ``to`` are UTC days (``YYYY-MM-DD``, both included); a bad one is a 400
``{"error": {"code": "bad_request", "message"}}``, and so is an unknown parameter
(``?form=`` for ``?from=`` answered the figures of all time as if for the window), one
given twice (``?from=`` twice took the last) and an ``article_id`` empty or over 200
characters (the queue's cap and words).

Included by ``mutewatch.web.app`` beside the moderation router. Reads go through the
moderation service's access when the app has one (so a moderator's own action is counted at
once), else through the store gateway's snapshot.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mutewatch.web.moderation import ModeratorUser, Once

router = APIRouter()


def _stats(request: Request, since: str | None, until: str | None, article: str | None) -> Any:
    """Run ``moderation_stats`` on the service's reader, or on a gateway lease."""
    from mutewatch.moderate.stats import moderation_stats

    def read(con: Any) -> dict[str, Any]:
        return moderation_stats(con, since=since, until=until, article_id=article)

    service = getattr(request.app.state, "moderation_service", None)
    if service is not None:
        return service.access.read(read)
    with request.app.state.gateway.reading() as lease:
        return read(lease.cursor())


@router.get("/api/v1/moderation/stats")
async def get_moderation_stats(
    request: Request,
    user: ModeratorUser,
    _once: Once,
    since: Annotated[str | None, Query(alias="from")] = None,
    until: Annotated[str | None, Query(alias="to")] = None,
    article_id: str | None = None,
) -> JSONResponse:
    """Machine decisions, clause firings, moderator overturns, queue times and findings."""
    result = await run_in_threadpool(_stats, request, since, until, article_id)
    return JSONResponse(result)
