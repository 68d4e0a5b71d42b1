"""The server answers its first comments warm: ``create_app`` returns only once the
measurement library is imported. Imported in a background thread after start, it held the
interpreter for about 2 s while the first comments arrived (130-230 ms each instead of
20-35 ms, measured with benchmarks/moderate.py); the benchmark holds the latency figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys, threading
from pathlib import Path
from mutewatch.web.app import create_app
app = create_app(Path(sys.argv[1]), moderation=False)
busy = [t.name for t in threading.enumerate() if t.name == "mutewatch-warm-up" and t.is_alive()]
print("registry" if "mutewatch.measure.registry" in sys.modules else "no registry", busy)
app.state.gateway.stop()
"""


def test_the_measurement_library_is_imported_before_the_app_is_returned(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "store.duckdb")],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert out.stdout.split("\n")[0] == "registry []"
