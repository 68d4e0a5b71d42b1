"""plotly.js's stylesheets as files, so the dashboard's CSP needs no ``'unsafe-inline'`` style.

plotly.js writes its CSS (the modebar, hover tooltips, the layers of ``.main-svg``) into
``<style>`` elements it adds to the page at run time, which a Content-Security-Policy
without ``style-src 'unsafe-inline'`` refuses; the charts then lose their layout. plotly
skips a sheet whose element is already on the page (``plotly.js-style-global``: when it
has the class ``no-inline-styles``), so a page links each sheet, under its id, to the
file served here; the rules are read from the installed ``plotly.min.js`` itself, so they
are always the served version's::

    from mutewatch.web.plotly_assets import plotly_sheets
    plotly_sheets()  # {"plotly.js-style-global": ".js-plotly-plot .plotly .modebar{...}...", ...}

The global sheet is built as plotly builds it: each rule ``insertRule(rule, 0)``-ed, so the
sheet holds them in reverse order of its table.

A plotly whose bundle is laid out otherwise still gets styled charts: its global sheet is
then mutewatch's copy of the last one read (``plotly_fallback.css``, plotly 7.1.0's: a
superset of plotly 6.1's 50 rules but for 3 modebar ones changed), the page links it under the same
id (so plotly injects nothing the CSP would refuse), and a warning saying so is logged
once, when the app is built (``mutewatch serve`` prints it at start). Refresh the copy after
upgrading plotly with ``python -m mutewatch.web.plotly_assets --write-fallback``; a test
fails until then.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from pathlib import Path

import plotly

from mutewatch.errors import EngineError

log = logging.getLogger(__name__)

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
FALLBACK = Path(__file__).resolve().parent / "plotly_fallback.css"
GLOBAL_SHEET = "plotly.js-style-global"
_STRING = r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"""
# the rule table: {"X,X div":'direction:ltr;...', ..., Y:'...', "Y p":"margin:0;", ...}
_TABLE_START = re.compile(r'=\{(?="X,X div":)')
_ENTRY = re.compile(rf"\s*({_STRING}|[A-Za-z_$][\w$]*)\s*:\s*({_STRING})\s*([,}}])")
# then the loop adding them, as esbuild writes it (plotly 6-7):
#   for(k in T)s=k.replace(/^,/," ,").replace(/X/g,"A").replace(/Y/g,"B"),L.addStyleRule(s,T[k])
# or webpack (plotly 5): for(var k in T){var s=k.replace(/^,/," ,")...;L.addStyleRule(s,T[k])}
_VAR = r"(?:(?:var|let|const)\s+)?"
_TABLE_LOOP = re.compile(
    rf"\}}\s*;\s*for\s*\(\s*{_VAR}[\w$]+ in [\w$]+\)\s*\{{?\s*{_VAR}[\w$]+\s*=\s*[\w$]+"
    rf"\.replace\(/\^,/,({_STRING})\)\.replace\(/X/g,({_STRING})\)\.replace\(/Y/g,({_STRING})\)"
    r"[;,]\s*[\w$]+\.addStyleRule\("
)
# a fixed sheet: if(!document.getElementById("ID")){var e=document.createElement("style");
#   e.id="ID",e.textContent='...'
_FIXED_SHEET = re.compile(
    r'document\.getElementById\("([^"\\]+)"\)\)\{var ([\w$]+)=document\.createElement\("style"\);'
    rf'\2\.id="\1",\2\.textContent=({_STRING})'
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def plotly_sheets() -> dict[str, str]:
    """Every stylesheet the served plotly.js would inject, by its element id (cached); the
    global one is mutewatch's copy when the bundle's cannot be read (see the module doc)."""
    return dict(_sheets(PLOTLY_JS)[0])


def fallback_in_use() -> str | None:
    """Why the global sheet served is mutewatch's copy, or None when it is the bundle's."""
    return _sheets(PLOTLY_JS)[1]


@functools.cache
def _sheets(path: Path) -> tuple[tuple[tuple[str, str], ...], str | None]:
    source = path.read_text(encoding="utf-8")
    problem = None
    try:
        sheets = [(GLOBAL_SHEET, global_sheet(source, path))]
    except EngineError as exc:
        problem = str(exc)
        log.warning("%s", problem)
        sheets = [(GLOBAL_SHEET, FALLBACK.read_text(encoding="utf-8"))]
    for match in _FIXED_SHEET.finditer(source):
        sheets.append((match.group(1), _js_string(match.group(3))))
    return tuple(sheets), problem


def sheet_ids() -> list[str]:
    """The ids a page links; empty, logged once, when plotly.min.js itself cannot be read
    (the page then still shows its tables)."""
    try:
        return list(plotly_sheets())
    except (EngineError, OSError) as exc:
        _log_once(f"plotly's stylesheets are not linked: {exc}")
        return []


@functools.cache
def _log_once(message: str) -> None:
    log.error("%s", message)


def global_sheet(source: str, path: Path = PLOTLY_JS) -> str:
    """plotly.js's global CSS (``Lib.addStyleRule``'s rules) read from its bundle ``source``."""
    start = _TABLE_START.search(source)
    if start is None:
        raise _unreadable(path, "its table of CSS rules (starting '\"X,X div\":') is not there")
    rules: list[tuple[str, str]] = []
    at = start.end()
    while True:
        entry = _ENTRY.match(source, at)
        if entry is None:
            raise _unreadable(path, f"the CSS rule table is not readable at character {at}")
        rules.append((_key(entry.group(1)), _js_string(entry.group(2))))
        at = entry.end()
        if entry.group(3) == "}":
            break
    loop = _TABLE_LOOP.match(source, at - 1)
    if loop is None:
        raise _unreadable(path, "the loop adding the CSS rules is not where it was")
    comma, plot, notifier = (_js_string(loop.group(i)) for i in (1, 2, 3))
    lines = []
    for key, value in reversed(rules):  # each rule was inserted at index 0
        selector = comma + key[1:] if key.startswith(",") else key
        selector = selector.replace("X", plot).replace("Y", notifier)
        lines.append(f"{selector}{{{value}}}")
    return "\n".join(lines) + "\n"


def _unreadable(path: Path, why: str) -> EngineError:
    return EngineError(
        f"{path}: cannot read plotly.js's stylesheet: {why} (plotly {plotly.__version__}); the "
        f"dashboard's charts are styled by mutewatch's copy of plotly {FALLBACK_VERSION}'s "
        f"({FALLBACK.name}), which may lack this version's newer rules. Install the plotly "
        "version pyproject.toml names (7.1 is tested), or update mutewatch.web.plotly_assets "
        "for this one."
    )


def _key(token: str) -> str:
    return _js_string(token) if token[0] in "\"'" else token


def _js_string(token: str) -> str:
    """The value of a JavaScript string literal (quotes included in ``token``)."""
    body = token[1:-1]
    return re.sub(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", _unescape, body, flags=re.S)


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "ux" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)


def fallback_text(sheet: str) -> str:
    """The content of ``plotly_fallback.css`` for ``sheet``, the installed plotly's global sheet."""
    return (
        f"/* plotly {plotly.__version__}'s global stylesheet, read from its plotly.min.js by "
        "mutewatch.web.plotly_assets: served only when a plotly's bundle cannot be read */\n"
        + sheet
    )


def _version_of(path: Path) -> str:
    """The plotly version the fallback copy was made from (its first line names it)."""
    try:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    except OSError:
        return "?"
    found = re.match(r"/\* plotly (\S+)'s", first)
    return found.group(1) if found else "?"


FALLBACK_VERSION = _version_of(FALLBACK)


def main(argv: list[str] | None = None) -> int:
    """``--write-fallback``: refresh ``plotly_fallback.css`` from the installed plotly."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["--write-fallback"]:
        print("usage: python -m mutewatch.web.plotly_assets --write-fallback", file=sys.stderr)
        return 2
    FALLBACK.write_text(fallback_text(global_sheet(PLOTLY_JS.read_text(encoding="utf-8"))))
    print(f"wrote {FALLBACK} from plotly {plotly.__version__}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
