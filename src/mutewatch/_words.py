"""Small pieces of English that the findings' sentences and the CLI's lines share, and the
one way a value someone else typed is written on one line of a log or a terminal."""

from __future__ import annotations

# the outlets whose posts ``--of`` counts, as the findings' sentences and the report's
# chart titles name them
WHO = {"official": "official outlets", "supporter": "supporter outlets", "all": "outlets"}
# the posts ``--of`` counts, named as exactly as ``derived.counted`` takes them: a supporter
# post is any post not by an official outlet's account (a supporter outlet's, or an account
# no registry names: the report's "(no outlet)"), and ``--of all`` counts every account's,
# outlet or none. "posts by outlets" or "posts by supporter outlets" left those out in words
# while counting them.
POSTS = {
    "official": "posts by official outlets",
    "supporter": "supporter posts",
    "all": "posts by any account",
}


def counted(n: int, word: str) -> str:
    """``1 outlet``, ``0 outlets``, ``2 outlets``: a count and its noun, singular for one."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def printable(value: object) -> str:
    """A value as one line of plain text: every character that is not printable (a newline,
    an escape, a bidi control) written out as its escape (``\\n``, ``\\x1b``, ``\\u202e``).
    Audit actors are what anyone typed into the login form, and a crashing request's path is
    what anyone put in a URL: a newline in either wrote a forged line of its own making, and
    an escape sequence reached the admin's terminal."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode() for c in str(value)
    )
