"""The CLI starts light: heavy libraries load only when a command needs them."""

from __future__ import annotations

import subprocess
import sys


def test_cli_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, mutewatch.cli; "
        "heavy = [m for m in ('fastapi', 'onnxruntime', 'pyspark', 'ruptures', 'lingua') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_literal_choices_match_the_library() -> None:
    from mutewatch.cli.serving import ROLES
    from mutewatch.measure.trend import INTERVALS
    from mutewatch.web.auth import ROLES as WEB_ROLES

    assert tuple(ROLES) == tuple(WEB_ROLES)
    assert list(INTERVALS) == ["poisson", "negbin"]
