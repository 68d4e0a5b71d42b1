"""A CLI command imports only the measurements it runs: `silences`, `output` and `outlets
status` never import `findings`, `trend`, `supporters` or `platforms` (the registry used to
import every measurement up front, a second of a one-shot run), and `--help` imports no
measurement and not Ibis. Each run is a fresh interpreter running the CLI entry point in
process, so ``sys.modules`` shows exactly what the command imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mutewatch.measure import registry

UNUSED = (
    "mutewatch.measure.findings",
    "mutewatch.measure.trend",
    "mutewatch.measure.supporters",
    "mutewatch.measure.platforms",
    "ruptures",  # only stats' reference (_ruptures_reference) and trend use it
    "scipy.stats",
)

RUN = """
import json, sys
from mutewatch.cli import main
try:
    main(sys.argv[1:], prog_name="mutewatch")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def run_cli(*args: str) -> tuple[str, int, set[str]]:
    """stdout, exit code and the modules imported by `mutewatch ARGS` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=300
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, report["code"], set(report["modules"])


@pytest.mark.parametrize(
    "args",
    [
        ["silences", "--json"],
        ["output", "--json"],
        ["outlets", "status", "--json", "--baseline", "2016-01-01..2016-03-31",
         "--period", "2017-06-01..2017-08-31"],
    ],
    ids=["silences", "output", "outlets-status"],
)  # fmt: skip
def test_a_measurement_imports_no_other_measurement(demo_store: Path, args: list[str]) -> None:
    stdout, code, modules = run_cli("--store", str(demo_store), *args)
    assert code in (0, None), stdout
    assert "error" not in json.loads(stdout)
    assert "mutewatch.measure.engine" in modules  # it did measure
    assert not modules & set(UNUSED), sorted(modules & set(UNUSED))


@pytest.mark.parametrize(
    "args",
    [["--help"], ["silences", "--help"], ["output", "--help"], ["findings", "--help"],
     ["trend", "--help"], ["outlets", "status", "--help"], ["serve", "--help"]],
)  # fmt: skip
def test_help_imports_no_measurement(args: list[str]) -> None:
    stdout, code, modules = run_cli(*args)
    assert code in (0, None) and "Usage: mutewatch" in stdout
    heavy = {m for m in modules if m.startswith(("mutewatch.measure.", "ibis", "ruptures"))}
    assert heavy <= {"mutewatch.measure.params"}, sorted(heavy)


def test_the_registry_still_names_every_measurement_and_runs_them() -> None:
    assert list(registry.MEASUREMENTS) == [
        "output", "outlets_status", "silences", "trend", "supporters", "platforms", "findings"
    ]  # fmt: skip
    assert "findings" in registry.MEASUREMENTS and "nope" not in registry.MEASUREMENTS
    from mutewatch.measure import findings, status, trend

    assert registry.MEASUREMENTS["findings"] is findings.measure
    assert registry.MEASUREMENTS.get("outlets_status") is status.measure
    assert registry.trend is trend and registry.status is status  # the old attributes
    with pytest.raises(AttributeError):
        registry.nothing_here  # noqa: B018


def test_an_unknown_measurement_is_still_a_usage_error(demo_store: Path) -> None:
    from mutewatch.errors import UsageError

    with pytest.raises(UsageError, match="no measurement named 'nope'") as caught:
        registry.run_measurement("nope", demo_store)
    assert "findings" in (caught.value.hint or "")
