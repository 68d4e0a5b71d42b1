"""The moderator page's server and browser are those of tests/moderate/test_moderation_page
(``server``: a real server on 127.0.0.1 over a real store; ``moderation_page``: headless
Chromium as its moderator), imported from that folder as they are."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate"))
