"""Import heavy modules from any thread, one import at a time.

The web server imports the measurement library (Ibis) lazily from several threads: a
warm-up thread at start, the store's writer thread before a snapshot, request threads.
Two threads importing the same package tree at once can deadlock inside Python's import
machinery (``_DeadlockError`` on a module of Ibis), so every such import goes through one
lock here. Once a module is imported this costs a dictionary lookup under the lock.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

_LOCK = threading.RLock()


def load(name: str) -> ModuleType:
    """``importlib.import_module(name)``, never concurrently with another ``load``."""
    with _LOCK:
        return importlib.import_module(name)
