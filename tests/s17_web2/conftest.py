"""Session 17, second web pass (helper-116): the web tests' factory (``tests/web``) is
importable here (``webfactory``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory
