"""Helpers of the review tests (session 7), imported as a plain module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from webfactory import Env


def r7_app(env: Env, cache_dir: Path, **settings: Any) -> Any:
    """The app over ``env``'s store with ``settings`` (stop its gateway when done)."""
    from mutewatch.web.app import create_app

    return create_app(
        env.path, cache_dir=cache_dir, refresh_interval=0.2, linger=0.05,
        pseudonym_key="r7-key", **settings,
    )  # fmt: skip
