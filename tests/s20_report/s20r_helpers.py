"""Helpers of tests/s20_report: the report audit's store builder (tests/audit6_report's
``report_audit``), loaded by path under its own module name."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def report_audit() -> ModuleType:
    """tests/audit6_report/report_audit.py (stores by a real ingest, report figures)."""
    name = "_s20r_report_audit"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[1] / "audit6_report" / "report_audit.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
