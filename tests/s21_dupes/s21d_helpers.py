"""Helpers of the session-21 duplicate-submission tests (a plain module, uniquely named):
the app in-process over a store file, requests signed in with a role's token, and the
rows of each moderation table."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

for _folder in ("moderate", "moderate_s12_api"):  # modhelpers, s12_api_helpers
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / _folder))
from modhelpers import role_tokens  # noqa: E402
from s12_api_helpers import Api as S12Api  # noqa: E402

from mutewatch.moderate.checks import Moderator  # noqa: E402
from mutewatch.moderate.policy import Policy, load_policy  # noqa: E402
from mutewatch.moderate.service import GatewayAccess, ModerationService  # noqa: E402

ARTICLES = [
    {"id": "a1", "title": "City council approves the new tram line",
     "body": "The council voted to fund a tram line from the station to the hospital."},
    {"id": "b1", "title": "Library opens on Sundays",
     "body": "The city library will open on Sundays from May, with longer evening hours."},
]  # fmt: skip
ON_TOPIC = "The tram should run late in the evening too, after the last shifts end."


def small_policy() -> Policy:
    """The default policy's defamatory, racist, personal and irrelevant clauses."""
    policy = load_policy()
    keep = {"defamatory", "racist", "personal", "irrelevant"}
    return replace(policy, clauses=tuple(c for c in policy.clauses if c.clause in keep))


class Api(S12Api):
    """tests/moderate_s12_api's in-process client, with a comment poster."""

    def comment(self, body: dict[str, Any], role: str = "viewer", **headers: str) -> httpx.Response:
        return self("POST", "/api/v1/comments", role, json=body, headers=headers)


def text_moderator() -> Moderator:
    """The moderator of ``small_policy`` (loaded once per session by conftest.py)."""
    return Moderator(small_policy())


@contextmanager
def built_api(base: Path, moderator: Moderator, fresh: bool = True) -> Iterator[Api]:
    """The app over the store ``base/store.duckdb`` (``fresh``: users of each role and the
    articles added first; else the store as it is, its tokens in ``base/tokens``)."""
    from mutewatch.web.app import create_app

    store = base / "store.duckdb"
    if fresh:
        tokens = role_tokens(store)
        (base / "tokens").write_text("\n".join(f"{r} {t}" for r, t in tokens.items()))
    else:
        lines = (base / "tokens").read_text().splitlines()
        tokens = dict(line.split(" ", 1) for line in lines)  # type: ignore[misc]
    app = create_app(store, cache_dir=base / "cache", refresh_interval=0.2, linger=0.05,
                     pseudonym_key="test-key")  # fmt: skip
    app.state.moderation_service = ModerationService(
        GatewayAccess(app.state.gateway), small_policy(), moderator
    )
    api = Api(app, tokens, store)
    try:
        if fresh:
            for article in ARTICLES:
                got = api("POST", "/api/v1/articles", "moderator", json=article)
                assert got.status_code == 201, got.text
        yield api
    finally:
        app.state.gateway.stop()
