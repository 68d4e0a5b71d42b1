"""Fixtures of session 18's access tests: ``limits``, a real `mutewatch serve` on 127.0.0.1
shared by the folder (defined in ``s18a_serving``, with what the tests do with it).

Like every web conftest it offers ``ARGS``, ``CHROMIUM`` and ``serving`` (see
``tests/web/webfixtures.py``); this folder's own names live in ``s18a_serving``, since
``from conftest import`` meets whichever folder's conftest pytest imported last.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from s18a_serving import limits  # noqa: E402
from webfixtures import ARGS, CHROMIUM, serving  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "limits", "serving"]
