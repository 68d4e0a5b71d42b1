"""``mutewatch --help`` and every command's ``--help`` do not import the library's heavy
dependencies: the CLI modules import ingest (pyarrow, numpy) and the outlet registry inside
the commands that use them. Checked on ``sys.modules`` in a fresh interpreter: structural,
not a timing."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pyarrow", "numpy", "pandas", "ibis", "scipy", "yaml")

_RUN = """
import json, runpy, sys
sys.argv = ["mutewatch", "--help"]
try:
    runpy.run_module("mutewatch", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""

_EVERY = """
import json, sys
import click
from mutewatch.cli import main

def paths(group, prefix):
    for name, command in sorted(group.commands.items()):
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from paths(command, [*prefix, name])

seen = []
for path in paths(main, []):
    try:
        main.main([*path, "--help"], prog_name="mutewatch", standalone_mode=False)
    except SystemExit:
        pass
    seen.append(" ".join(path))
print(json.dumps({"commands": seen, "modules": sorted({n.split(".")[0] for n in sys.modules})}))
"""


def _modules(script: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_mutewatch_help_imports_no_pyarrow_or_numpy() -> None:
    modules = _modules(_RUN)
    assert isinstance(modules, list) and "click" in modules and "mutewatch" in modules
    assert [name for name in HEAVY if name in modules] == []


def test_every_command_help_imports_no_pyarrow_or_numpy() -> None:
    seen = _modules(_EVERY)
    assert isinstance(seen, dict)
    assert {"ingest", "outlets load", "demo", "moderate", "serve"} <= set(seen["commands"])
    assert [name for name in HEAVY if name in seen["modules"]] == []


def test_mutewatch_help_imports_no_duckdb() -> None:
    modules = _modules(_RUN)
    assert isinstance(modules, list) and "duckdb" not in modules
