"""The app of conftest.py's ``api`` (in-process over a fresh store file, a user of each
role, the small text-only policy) built once for a module's tests that only read or are
refused: building the store and the app took ~2.5 s of each test under load."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modhelpers import role_tokens
from s12_api_helpers import Api
from service_more_helpers import small_policy

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import GatewayAccess, ModerationService


@contextmanager
def built_api(base: Path, moderator: Moderator) -> Iterator[Api]:
    """conftest.py's ``api`` over a store in the folder ``base``; stopped on leaving."""
    from mutewatch.web.app import create_app

    store = base / "store.duckdb"
    tokens = role_tokens(store)
    app = create_app(store, cache_dir=base / "cache", refresh_interval=0.2, linger=0.05,
                     pseudonym_key="test-key")  # fmt: skip
    app.state.moderation_service = ModerationService(
        GatewayAccess(app.state.gateway), small_policy(), moderator
    )
    try:
        yield Api(app, tokens, store)
    finally:
        app.state.gateway.stop()
