"""Session 18's revocation tests: a real `mutewatch serve` on 127.0.0.1 (``webfactory``),
killed with SIGKILL right after it answered a log-out (or a disable), and started again
on the same store.

Like every web conftest it offers ``ARGS``, ``CHROMIUM`` and ``serving`` (see
``tests/web/webfixtures.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "serving"]
