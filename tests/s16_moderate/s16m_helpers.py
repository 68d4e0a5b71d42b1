"""Helpers of the session-16 moderation tests (a plain module, imported by path): the
in-process app of tests/moderate_s12_api (``built_api``: a fresh store file, a user of each
role, the small text-only policy), a service over a store file, and the rows of every
moderation table."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
for _folder in ("moderate_s12_api", "moderate", "moderate_service_more"):
    if str(TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(TESTS / _folder))

from s12_api_helpers import Api  # noqa: E402
from s12_shared import built_api  # noqa: E402
from service_more_helpers import ARTICLE, DEFAMATORY, ON_TOPIC, small_policy  # noqa: E402

from mutewatch.moderate.checks import Moderator  # noqa: E402
from mutewatch.moderate.service import ModerationService  # noqa: E402

TABLES = ("mod_articles", "mod_comments", "mod_revisions", "mod_decisions", "mod_audit",
          "mod_fired", "mod_author_counts", "mod_appeals", "mod_audit_head")  # fmt: skip
__all__ = ["ARTICLE", "DEFAMATORY", "ON_TOPIC", "Api", "Seeded", "built_api", "open_service",
           "rows", "small_policy"]  # fmt: skip


@dataclass
class Seeded:
    """conftest's shared app and what it holds: a published comment and a held one on a1,
    and a published one on a2."""

    api: Api
    published: str
    held: str
    other_article: str


def open_service(path: Path, moderator: Moderator) -> ModerationService:
    """A service over the store file ``path`` with the small policy and ``moderator``."""
    svc = ModerationService.open(path, small_policy())
    svc._moderator = moderator
    return svc


def rows(con: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every moderation table (the head row too): nothing partial is stored
    when two calls give equal answers."""
    return {t: sorted(map(tuple, con.execute(f"SELECT * FROM {t}").fetchall()), key=repr)
            for t in TABLES}  # fmt: skip
