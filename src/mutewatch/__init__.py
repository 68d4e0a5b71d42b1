"""mutewatch: an observatory for propaganda ecosystems online, with a moderation workbench."""

from __future__ import annotations

from mutewatch.errors import (
    AuthError,
    EngineError,
    ForbiddenError,
    InputError,
    MutewatchError,
    NotFoundError,
    RegistryError,
    StoreBusyError,
    StoreError,
    UsageError,
)
from mutewatch.store import Store

__version__ = "0.1.0"

__all__ = [
    "AuthError",
    "EngineError",
    "ForbiddenError",
    "InputError",
    "MutewatchError",
    "NotFoundError",
    "RegistryError",
    "Store",
    "StoreBusyError",
    "StoreError",
    "UsageError",
    "__version__",
]
