"""The text as the patterns read it: Unicode evasion undone, offsets kept (``text_view``)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from mutewatch.errors import EngineError

# --- the text as the patterns read it: Unicode evasion undone, offsets kept ----------------
#
# "You are an іdіоt" (Cyrillic і and о), "id\u200biot" (a zero-width space), "ｉｄｉｏｔ"
# (fullwidth), "1d10t", "i d i o t" and "stuuupid" all read "idiot"/"stupid" to a person but
# not to a regular expression. The lexicon, the allegation and identity-group patterns and
# the spam signals therefore read a *view* of the comment in which such spellings are undone;
# every view character remembers the comment character it came from, so evidence spans are
# offsets into the comment as submitted and quote it as it was written.

CONFUSABLES_FILE = Path(__file__).parent / "data" / "confusables.json"
_DROP_CATEGORIES = frozenset(("Mn", "Me", "Cf", "Cc", "Cs", "Co", "Cn"))
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # blank "letters" (Hangul, braille)


def visible(ch: str) -> bool:
    """Whether a reader sees the character: not a space, control or format character
    (zero-width spaces and joiners, soft hyphens, direction marks), nor one the text view
    drops (a combining mark or variation selector, which shows nothing without a letter to
    sit on; private-use and unassigned code points) or reads as a blank "letter" (a Hangul
    filler U+3164, the blank braille pattern U+2800): a text or name of only these is blank."""
    return not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE and ch not in _FILLERS


_INVISIBLE = _DROP_CATEGORIES | frozenset({"Zs", "Zl", "Zp"})
_LEET_TOKEN_RE = re.compile(r"(?<![\w@$!|])[\w@$!|]+")
# four letters or more: "r u a" and "u r a" are chat spelling of words, not one word spaced out
_SPACED_RE = re.compile(r"(?<![\w'’])[A-Za-z](?:([ .*_-])[A-Za-z])(?:\1[A-Za-z]){2,}(?![\w'’])")
_REPEAT_RE = re.compile(r"([A-Za-z])\1{2,}")
_LETTER_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class TextView:
    """A comment as the patterns read it, and where each of its characters came from."""

    original: str
    text: str
    origin: tuple[int, ...] | None = None
    """``origin[i]``: the index in ``original`` of view character ``i`` (None: the same)."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The comment's ``[start, end)`` that the view's ``[start, end)`` was read from (all
        of it, when a right-to-left override reversed part of it)."""
        if self.origin is None:
            return start, end
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        covered = self.origin[start:end]
        return min(covered), max(covered) + 1


@cache
def _confusables() -> tuple[dict[str, str], dict[str, str]]:
    """(lookalike letter -> Latin letter, leetspeak symbol -> letter) from the shipped file."""
    try:
        data = json.loads(CONFUSABLES_FILE.read_text(encoding="utf-8"))
        return dict(data["map"]), dict(data["leet"])
    except (OSError, ValueError, KeyError) as exc:
        raise EngineError(
            f"the lookalike-letter list {CONFUSABLES_FILE} cannot be read: {exc}",
            hint="reinstall mutewatch, or restore the file from the repository",
        ) from exc


_RLO = "\u202e"
_RLO_END_RE = re.compile(r"[\u202a-\u202e\u2066-\u2069\n\r\u2029]")


def _display_order(text: str) -> list[int]:
    """The character indices of ``text`` in the order a reader sees them: a right-to-left
    override (U+202E) shows what follows it, up to the next directional formatting character
    or line end, reversed ("\u202etoidi" shows "idiot")."""
    order = list(range(len(text)))
    at = text.find(_RLO)
    while at >= 0:
        end = _RLO_END_RE.search(text, at + 1)
        stop = end.start() if end else len(text)
        order[at + 1 : stop] = order[at + 1 : stop][::-1]
        at = text.find(_RLO, stop)
    return order


def _plain_chars(text: str, display: bool = False) -> tuple[list[str], list[int]]:
    """Each character (in display order if ``display``: ``_display_order``) in compatibility
    form (NFKD:
    fullwidth, mathematical and ligature letters become plain ones) without combining marks,
    zero-width, bidi and other format or control characters; line and paragraph separators
    become line breaks."""
    chars: list[str] = []
    origin: list[int] = []
    order = _display_order(text) if display else range(len(text))
    for i in order:
        ch = text[i]
        if ch.isascii():
            if ch.isprintable() or ch in "\t\n\r":
                chars.append(ch)
                origin.append(i)
            continue
        for c in unicodedata.normalize("NFKD", ch):
            kind = unicodedata.category(c)
            if kind in ("Zl", "Zp"):
                c = "\n"
            elif kind[0] == "Z":
                c = " "
            elif kind in _DROP_CATEGORIES or c in _FILLERS:
                continue
            chars.append(c)
            origin.append(i)
    return chars, origin


def _unconfuse(chars: list[str]) -> None:
    """Lookalike letters of other scripts read as the Latin letters they imitate, in words
    that hold a Latin letter, or everywhere when Latin letters outnumber other-script ones
    that imitate none (a Russian comment keeps its Cyrillic)."""
    table, _ = _confusables()
    text = "".join(chars)
    if not any(c in table for c in text):
        return
    latin = sum(c.isascii() and c.isalpha() for c in text)
    foreign = sum(c.isalpha() and not c.isascii() and c not in table for c in text)
    latin_text = latin > foreign
    for m in _LETTER_RE.finditer(text):
        word = m.group(0)
        if latin_text or any(c.isascii() for c in word):
            for i in range(m.start(), m.end()):
                chars[i] = table.get(chars[i], chars[i])


def _unleet(chars: list[str]) -> None:
    """Digits and symbols inside a word read as the letters they imitate ("1d10t"); a word
    needs a letter, and "!" and "|" stay punctuation unless a small letter follows."""
    _, leet = _confusables()
    text = "".join(chars)
    for m in _LEET_TOKEN_RE.finditer(text):
        token = m.group(0)
        if not _LEET_CHAR_RE.search(token):
            continue
        core = token.rstrip("!|")
        if not any(c.isascii() and c.isalpha() for c in core):
            continue
        for k, c in enumerate(core):
            if c in leet and _leet_letter(core, k):
                chars[m.start() + k] = leet[c]


def _leet_letter(token: str, k: int) -> bool:
    """Whether ``token[k]``, a leetspeak symbol, stands for a letter: "@" not at the start
    (a mention), "!" and "|" only before a small letter ("id!ot"; "refugees!How" is two
    sentences)."""
    c = token[k]
    if c == "@":
        return k > 0
    if c in "!|":
        return k + 1 < len(token) and token[k + 1].islower()
    return True


def _squeeze(chars: list[str], origin: list[int]) -> tuple[str, list[int]]:
    """Spaced-out letters ("i d i o t", "i.d.i.o.t") joined, and a letter written three or
    more times in a row ("stuuupid") written once."""
    text = "".join(chars)
    for pattern, keep in ((_SPACED_RE, _letters_of), (_REPEAT_RE, _first_of)):
        if not pattern.search(text):
            continue
        out: list[str] = []
        where: list[int] = []
        last = 0
        for m in pattern.finditer(text):
            out.extend(text[last : m.start()])
            where.extend(origin[last : m.start()])
            for k in keep(m):
                out.append(text[k])
                where.append(origin[k])
            last = m.end()
        out.extend(text[last:])
        where.extend(origin[last:])
        text, origin = "".join(out), where
    return text, origin


def _letters_of(m: re.Match[str]) -> list[int]:
    return [k for k in range(m.start(), m.end()) if m.string[k].isalpha()]


def _first_of(m: re.Match[str]) -> list[int]:
    return [m.start()]


_ASCII_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LEET_CHAR_RE = re.compile(r"[0-9@$!|]")


def _plain_ascii(text: str, leet: bool) -> bool:
    """True when the view of ``text`` is ``text`` itself, as for most comments."""
    if not text.isascii() or _ASCII_CONTROL_RE.search(text):
        return False
    return not leet or not any(rx.search(text) for rx in (_LEET_CHAR_RE, _SPACED_RE, _REPEAT_RE))


@lru_cache(maxsize=32)
def text_view(text: str, leet: bool = True, display: bool = False) -> TextView:
    """The view of ``text`` the patterns read (see above); ``leet=False`` keeps digits and
    symbols and does not join letters, as links, e-mail addresses and phone numbers need (the
    spam signals). ``display`` reads the characters in the order a reader sees them (a
    right-to-left override reversed). The last few views are kept: several checks read the
    same comment."""
    if _plain_ascii(text, leet):
        return TextView(text, text)
    chars, origin = _plain_chars(text, display)
    _unconfuse(chars)
    if leet:
        _unleet(chars)
        squeezed, origin = _squeeze(chars, origin)
    else:
        squeezed = "".join(chars)
    if squeezed == text:
        return TextView(text, text)
    return TextView(text, squeezed, tuple(origin))
