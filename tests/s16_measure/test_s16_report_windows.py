"""`report` refuses the windows `findings` refuses (tests/report_s12's contract), also
when the refusal comes from the store: a --baseline or --period wholly outside the
archive, or a --baseline with no full month after it, wrote a report anyway, exit 0,
with every section 'None.' and the refusal hidden under 'Findings left out'."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from tests.s16_measure.conftest import run


@pytest.mark.parametrize(
    ("window", "says"),
    [
        (["--baseline", "2030"], "no full month after --baseline 2030-01-01..2030-12-31"),
        (["--period", "2030-02"], "--period 2030-02-01..2030-02-28 lies wholly outside"),
        (["--baseline", "2010", "--period", "2011"], "--baseline 2010-01-01..2010-12-31 lies"),
    ],
)
def test_a_window_findings_refuses_writes_no_report(
    two_channels: Path, tmp_path: Path, window: list[str], says: str
) -> None:
    out = tmp_path / "r.html"
    findings = run(two_channels, "findings", *window)
    assert findings.exit_code == 2 and says in findings.output, findings.output
    result = run(two_channels, "report", *window, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert result.output.count("\n") == 1  # one line: Error: ... (hint)
    assert not out.exists()


def test_windows_inside_the_archive_still_write_the_report(
    two_channels: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    result = run(
        two_channels, "report", "--baseline", "2015-02", "--period", "2016-03", "--out", str(out),
        "--generated-at", "2026-01-01T00:00:00Z",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Supporters made 100% of all posts in March 2016" in page and "No findings." not in page


def test_the_findings_warnings_are_in_the_report(two_channels: Path, tmp_path: Path) -> None:
    """A --period running past the archive's end is cut to its coverage with a warning,
    which `findings` prints and the report left out."""
    window = ["--baseline", "2015-02", "--period", "2016-03..2016-05"]
    found = json.loads(run(two_channels, "findings", *window, "--json").output)
    (cut,) = [w for w in found["warnings"] if w.startswith("period 2016-03-01..2016-05-31")]
    assert "rates use its 31 covered days" in cut
    out = tmp_path / "r.html"
    result = run(two_channels, "report", *window, "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    key_findings = page.split("id='key-findings'")[1].split("<section")[0]
    assert html.escape(cut, quote=False) in key_findings or html.escape(cut) in key_findings
