"""Small stores for the session-16 measurement tests (placeholder posts, neutral channel
names, ``tests.measure_s8.conftest.build``), and the CLI run on them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mutewatch.cli import main
from tests.measure_s8.conftest import build, every


@pytest.fixture(scope="package")
def two_channels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``chan_a`` posts every 6 hours from 2015-01-01 to 2016-03-31; ``chan_b`` every 6
    hours on 2015-01-01..2015-01-05 and again from 2016-03-01 (a gap of 10,104 hours);
    ``chan_c`` every 6 hours on 2015-01-01..2015-01-03 only (silent to the end). No
    registry: every outlet is a supporter's, so measurements count with --of all."""
    end = datetime(2016, 3, 31, 18)
    a = every(datetime(2015, 1, 1), end, 6)
    b = every(datetime(2015, 1, 1), datetime(2015, 1, 5), 6) + every(datetime(2016, 3, 1), end, 6)
    c = every(datetime(2015, 1, 1), datetime(2015, 1, 3), 6)
    folder = tmp_path_factory.mktemp("s16-two")
    return build(folder, [{"chan_a": a, "chan_b": b, "chan_c": c}], "web")


def run(store: Path, *args: str) -> Result:
    """``mutewatch --store STORE ARGS`` (its output holds stdout and stderr)."""
    return CliRunner().invoke(main, ["--store", str(store), *args])
