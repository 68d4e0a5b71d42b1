"""Small pieces of English that the findings' sentences and the CLI's lines share."""

from __future__ import annotations


def counted(n: int, word: str) -> str:
    """``1 outlet``, ``0 outlets``, ``2 outlets``: a count and its noun, singular for one."""
    return f"{n} {word}{'' if n == 1 else 's'}"
