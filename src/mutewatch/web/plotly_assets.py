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
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import plotly

from mutewatch.errors import EngineError

log = logging.getLogger(__name__)

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
GLOBAL_SHEET = "plotly.js-style-global"
_STRING = r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"""
# the rule table: {"X,X div":'direction:ltr;...', ..., Y:'...', "Y p":"margin:0;", ...}
_TABLE_START = re.compile(r'=\{(?="X,X div":)')
_ENTRY = re.compile(rf"\s*({_STRING}|[A-Za-z_$][\w$]*)\s*:\s*({_STRING})\s*([,}}])")
# then: for(k in T)s=k.replace(/^,/," ,").replace(/X/g,"A").replace(/Y/g,"B"),L.addStyleRule(s,T[k])
_TABLE_LOOP = re.compile(
    r"\}\s*;\s*for\s*\(\s*[\w$]+ in [\w$]+\)\s*[\w$]+\s*=\s*[\w$]+"
    rf"\.replace\(/\^,/,({_STRING})\)\.replace\(/X/g,({_STRING})\)\.replace\(/Y/g,({_STRING})\)"
)
# a fixed sheet: if(!document.getElementById("ID")){var e=document.createElement("style");
#   e.id="ID",e.textContent='...'
_FIXED_SHEET = re.compile(
    r'document\.getElementById\("([^"\\]+)"\)\)\{var ([\w$]+)=document\.createElement\("style"\);'
    rf'\2\.id="\1",\2\.textContent=({_STRING})'
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def plotly_sheets() -> dict[str, str]:
    """Every stylesheet the served plotly.js would inject, by its element id (cached)."""
    return dict(_sheets(PLOTLY_JS))


@functools.cache
def _sheets(path: Path) -> tuple[tuple[str, str], ...]:
    source = path.read_text(encoding="utf-8")
    sheets = [(GLOBAL_SHEET, global_sheet(source, path))]
    for match in _FIXED_SHEET.finditer(source):
        sheets.append((match.group(1), _js_string(match.group(3))))
    return tuple(sheets)


def sheet_ids() -> list[str]:
    """The ids a page links (empty when the rules could not be read: logged once)."""
    try:
        return list(plotly_sheets())
    except EngineError as exc:
        _log_once(str(exc))
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
        f"{path}: cannot read plotly.js's stylesheet: {why}; the dashboard's charts will be "
        f"drawn without plotly's CSS (plotly {plotly.__version__}). Install the plotly version "
        "pyproject.toml names, or update mutewatch.web.plotly_assets for this one."
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
