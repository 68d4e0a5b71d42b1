"""Helpers of the moderation performance tests (imported as a plain module)."""

from __future__ import annotations

from pathlib import Path

from service_more_helpers import small_policy

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import ModerationService


def open_service(path: Path, moderator: Moderator) -> ModerationService:
    """A service over the store file ``path`` deciding with ``moderator``."""
    svc = ModerationService.open(path, small_policy())
    svc._moderator = moderator
    return svc
