"""mutewatch: an observatory for propaganda ecosystems online, with a moderation workbench."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """``Store`` on first use: importing it loads DuckDB, which ``mutewatch --help`` needs not."""
    if name == "Store":
        from mutewatch.store import Store

        return Store
    raise AttributeError(f"module 'mutewatch' has no attribute {name!r}")
