"""`report.write_pngs` returns only PNGs that were written. kaleido can return without
writing a file (under load tests/web's test_png_export read a.png and met
FileNotFoundError; alone it passes); write_pngs returned the path anyway. It now writes the
missing ones once more and, if they are still missing or empty, raises the UsageError
naming them. kaleido's silent failure is simulated by a ``pio.write_images`` that writes
only some of the files it is given (the real one, through Chromium, writes every file);
the files are real files in a real directory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from mutewatch.errors import UsageError
from mutewatch.show import report

PNG = b"\x89PNG\r\n\x1a\n placeholder"


def _figures() -> dict[str, go.Figure]:
    return {name: go.Figure(go.Bar(x=[1, 2], y=[3, 4])) for name in ("a", "b", "c")}


class Kaleido:
    """Writes every file asked for but those named in ``skip`` (``skip_first``: only on the
    first call); records the file names of each call."""

    def __init__(self, skip: set[str], *, skip_first: bool) -> None:
        self.skip, self.skip_first = skip, skip_first
        self.calls: list[list[str]] = []

    def __call__(self, figs: Sequence[Any], files: Sequence[str], **_: Any) -> None:
        assert len(figs) == len(files)
        names = [Path(f).name for f in files]
        skipped = self.skip if (not self.skip_first or not self.calls) else set()
        self.calls.append(names)
        for file in files:
            if Path(file).name not in skipped:
                Path(file).write_bytes(PNG)


def test_a_png_kaleido_left_out_is_written_once_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kaleido = Kaleido({"b.png"}, skip_first=True)
    monkeypatch.setattr(report.pio, "write_images", kaleido)
    paths = report.write_pngs(_figures(), tmp_path / "png")
    assert [p.name for p in paths] == ["a.png", "b.png", "c.png"]
    assert all(p.read_bytes() == PNG for p in paths)
    assert kaleido.calls == [["a.png", "b.png", "c.png"], ["b.png"]]


def test_a_png_still_missing_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """b.png of an earlier run is not taken for this run's; c.png written empty counts as
    missing."""
    out = tmp_path / "png"
    out.mkdir()
    (out / "b.png").write_bytes(PNG)  # an earlier run's
    kaleido = Kaleido({"b.png"}, skip_first=False)

    def empty_c(figs: Sequence[Any], files: Sequence[str], **kw: Any) -> None:
        kaleido(figs, files, **kw)
        for file in files:
            if Path(file).name == "c.png":
                Path(file).write_bytes(b"")

    monkeypatch.setattr(report.pio, "write_images", empty_c)
    with pytest.raises(UsageError) as raised:
        report.write_pngs(_figures(), out)
    assert str(raised.value).startswith(f"could not write PNGs to {out}: ")
    assert "b.png, c.png" in str(raised.value)
    assert "a.png" not in str(raised.value)
    assert kaleido.calls == [["a.png", "b.png", "c.png"], ["b.png", "c.png"]]
