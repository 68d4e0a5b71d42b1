"""`mutewatch report --generated-at` fixes the report's time from the command line, as
``ReportOptions.generated_at`` does in the library."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main


def _report(store: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(store), "report", "--out", str(out), *extra])
    return f"{result.exit_code}\n{result.output}"


def test_generated_at_gives_the_same_bytes(stores: dict[str, Path], tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        assert (
            _report(stores["one"], tmp_path / name, "--generated-at", "2026-01-02T03:04Z")[0] == "0"
        )
    page = (tmp_path / "a.html").read_bytes()
    assert page == (tmp_path / "b.html").read_bytes()
    assert b"Generated 2026-01-02 03:04 UTC." in page


def test_a_bad_generated_at_is_a_usage_error(stores: dict[str, Path], tmp_path: Path) -> None:
    answer = _report(stores["one"], tmp_path / "r.html", "--generated-at", "yesterday")
    assert answer.startswith("2\n") and "--generated-at 'yesterday' is not a time" in answer
    assert not (tmp_path / "r.html").exists()
