"""Importing mutewatch.moderate.checks while another thread imports modules does not fail.

`mutewatch serve` imports the moderation checks in one thread (preloading the models) while
another warms up the measurements. checks.py walked sys.modules lazily at import (a
generator over sys.modules.items()), so a module imported by the other thread during the
walk made the import fail with "RuntimeError: dictionary changed size during iteration"
(seen once in three `serve` starts here, and in a loop of imports with a thread adding to
sys.modules; the preload thread died with it). A thread switch is not reproducible on
demand, so the test makes the import happen at a fixed point of the walk: one entry of
sys.modules has a name whose `startswith` (the walk's filter) first imports another module.
A walk over a copy of sys.modules, or over the modules checks.py names, is not disturbed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys, types
    import mutewatch.moderate as pkg
    for info in pkgutil.iter_modules(pkg.__path__):  # everything checks imports, first
        if info.name.startswith("_"):
            importlib.import_module(f"mutewatch.moderate.{info.name}")

    class ImportsMeanwhile(str):
        def startswith(self, *args):
            sys.modules.setdefault("_imported_meanwhile", types.ModuleType("elsewhere"))
            return str.startswith(self, *args)

    sys.modules[ImportsMeanwhile("_walked_past")] = types.ModuleType("walked_past")
    import mutewatch.moderate.checks
    print("imported")
    """
)


def test_checks_import_while_another_module_is_imported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and "imported" in done.stdout, done.stderr[-2000:]
