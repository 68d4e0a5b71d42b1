"""Helpers of tests/s21_report: the report audit's store builder (tests/audit6_report's
``report_audit``, as tests/s20_report loads it) and the report's tables read back from its
HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.s20_report.s20r_helpers import report_audit

__all__ = ["report_audit", "table_after"]


class _Table(HTMLParser):
    """The first table after a heading: header cells and rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            if tag == "th":
                self.head.append(text)
            else:
                self.rows[-1].append(text)
            self._cell = None
        elif tag == "table":
            self._done = True


def table_after(page: str, heading: str) -> list[dict[str, str]]:
    """The rows of the table under ``<h3>heading</h3>`` as dicts of cell text ([] when the
    report says None.)."""
    start = page.index(f"<h3>{heading}</h3>") + len(heading) + 9
    if page.startswith("<p class='empty'>", start):
        return []
    parser = _Table()
    parser.feed(page[start : page.index("</table>", start) + 8])
    return [dict(zip(parser.head, row, strict=True)) for row in parser.rows if row]
