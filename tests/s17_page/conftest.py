"""The moderator page tests of session 17 use tests/moderate's server helpers and its
module-scoped Chromium (imported from that folder and tests/moderate_s11_page as they are)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate_s11_page"))
