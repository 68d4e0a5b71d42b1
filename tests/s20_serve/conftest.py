"""The tests of `serve`'s early bind use tests/web/webfactory.py (its populated store)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory
