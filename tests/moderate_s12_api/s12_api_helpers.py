"""The in-process API client of the session-12 moderation API tests (a plain module: a
module named ``conftest`` is another folder's when the folders are collected together)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx


class Api:
    """Requests to the app in-process, one event loop each, signed in with a role's token
    (or anonymous: ``role`` None)."""

    def __init__(self, app: Any, tokens: dict[str, str], store: Path) -> None:
        self.app, self.tokens, self.store = app, tokens, store

    def __call__(self, method: str, path: str, role: str | None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        headers.update(kw.pop("headers", {}))

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return await client.request(method, path, headers=headers, **kw)

        return asyncio.run(go())

    def counts(self) -> dict[str, int]:
        """Rows in each moderation table, read through the service (after its own writes)."""
        tables = ("mod_comments", "mod_revisions", "mod_decisions", "mod_audit", "mod_fired",
                  "mod_author_counts", "mod_appeals")  # fmt: skip

        def read(con: Any) -> dict[str, int]:
            return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}

        return dict(self.app.state.moderation_service.access.read(read))
