"""The tests of `mutewatch serve --port 0 --port-file` use tests/web/webfactory.py (its
populated store and its way of starting a server)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory
