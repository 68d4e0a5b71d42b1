"""Session 18's review tests: the journals beside the store (``STORE.audit.jsonl``,
``STORE.revoked.jsonl``) read by real `mutewatch serve`s and `mutewatch audit` on real
DuckDB files.

Like every web conftest it offers ``ARGS``, ``CHROMIUM`` and ``serving`` (see
``tests/web/webfixtures.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "serving"]
