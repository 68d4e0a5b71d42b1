"""What a stored link host may hold.

A URL cut short inside its host, as truncated tweets show them ("https://t.c…",
"https://…"), has no host: read as one, every cut would count as another place links point
to. Ingest stores such hosts as '', as it stores a URL without a host (``store.writer``),
and measurements read '' and the cut hosts older stores kept as no host
(``measure.derived.readable_host``): never a distinct host. Letters, digits and combining
marks (internationalised names), dots, hyphens and underscores; nothing else.
"""

from __future__ import annotations

#: A whole host name (RE2 and Java regex syntax: DuckDB and Spark read it alike).
HOST_NAME_RE = r"[\p{L}\p{N}\p{M}._-]+"


def is_host_name_sql(expr: str) -> str:
    """DuckDB SQL: whether the text ``expr`` is a whole host name (``HOST_NAME_RE``); the
    one form of the rule that ingest (``store.writer``) and the report (``show.charts``)
    write into their SQL."""
    return f"regexp_full_match({expr}, '{HOST_NAME_RE}')"
