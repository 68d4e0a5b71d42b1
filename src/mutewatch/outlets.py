"""The outlet registry (YAML) and the attribution of every post to an outlet.

One outlet may have many accounts, across platforms and over time (renamed or successor
channels). An account matches a registry entry by platform and id, or by any name it was
seen under where the entry gives no id. An account no registry names stands as its own
non-official outlet (``registered = false``). Loading a registry re-attributes the posts
already in the store; no archive is read again. An outlet's id, once given, is kept
(``load_registry``, ``attribute``): later ingests and registry loads neither renumber
outlets nor give a gone outlet's id to another. So is an own outlet's name while its
account's latest name is unchanged: an account coming later under the same name (case
ignored) is the one named with its platform and id added. A registered outlet is known
across loads by its name, or, renamed, by its accounts: an entry under a new name listing
the same accounts as one the file no longer names keeps that one's id (``_renamed``);
renamed and given other accounts at once, it is a new outlet.

```yaml
outlets:
  - name: "Province 01 Media Office"
    official: true          # official media office; false = supporter outlet
    region: "optional"
    accounts:
      - {platform: telegram, id: "1100000000"}
      - {platform: twitter, name: "some_handle"}
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mutewatch.errors import RegistryError
from mutewatch.store import Store

__all__ = [
    "AccountRule",
    "Outlet",
    "ambiguous_forwards",
    "attribute",
    "list_outlets",
    "load_registry",
    "parse_registry",
]


@dataclass(frozen=True)
class AccountRule:
    platform: str
    id: str | None = None
    name: str | None = None


@dataclass
class Outlet:
    name: str
    official: bool
    region: str | None = None
    accounts: list[AccountRule] = field(default_factory=list)


def parse_registry(path: Path) -> list[Outlet]:
    """Read and validate a registry file; errors name the entry and what to fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RegistryError(f"{path}: cannot read the registry: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("outlets"), list):
        raise RegistryError(
            f"{path}: the registry must be a mapping with an 'outlets' list",
            hint="start the file with 'outlets:' and list one entry per outlet",
        )
    outlets = [_outlet(path, i, entry) for i, entry in enumerate(data["outlets"])]
    names = [o.name for o in outlets]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise RegistryError(
            f"{path}: outlet names must be unique; repeated: {', '.join(duplicated)}",
            hint="merge the entries: one outlet may list many accounts",
        )
    _check_accounts_unique(path, outlets)
    return outlets


def _outlet(path: Path, index: int, entry: Any) -> Outlet:
    where = f"{path}: outlet #{index + 1}"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: an entry must be a mapping with name, official, accounts")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RegistryError(f"{where}: 'name' is missing or empty")
    _check_text(where, "name", name)
    official = entry.get("official")
    if not isinstance(official, bool):
        raise RegistryError(
            f"{where} ({name}): 'official' must be true or false",
            hint="true for an official media office, false for a supporter outlet",
        )
    accounts = entry.get("accounts") or []
    if not isinstance(accounts, list):
        raise RegistryError(f"{where} ({name}): 'accounts' must be a list")
    region = entry.get("region")
    _check_text(f"{where} ({name})", "region", region)
    return Outlet(
        name.strip(),
        official,
        str(region) if region is not None else None,
        [_account(f"{where} ({name})", j, a) for j, a in enumerate(accounts)],
    )


def _account(where: str, index: int, entry: Any) -> AccountRule:
    where = f"{where}: account #{index + 1}"
    platform = entry.get("platform") if isinstance(entry, dict) else None
    if not isinstance(platform, str) or not platform.strip():
        raise RegistryError(
            f"{where} needs a platform", hint='write e.g. {platform: telegram, id: "1100000000"}'
        )
    ident, name = entry.get("id"), entry.get("name")
    if ident is None and not name:
        raise RegistryError(
            f"{where} needs an id or a name",
            hint="give the platform id where known, else the account name or handle",
        )
    # an id of another type would be stored as its Python text ("1.5", "[1]", "True") and
    # never match an account
    if ident is not None and (
        isinstance(ident, bool) or not isinstance(ident, int | str) or not str(ident).strip()
    ):
        raise RegistryError(
            f"{where}: 'id' must be the platform's account id, an integer or text, not {ident!r}",
            hint='quote it as text, e.g. id: "1100000000"',
        )
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise RegistryError(
            f"{where}: 'name' must be the account's name or handle as text, not {name!r}",
            hint='quote it, e.g. name: "some_handle"',
        )
    for key, value in (("platform", platform), ("id", ident), ("name", name)):
        _check_text(where, key, value)
    return AccountRule(
        platform.strip(),
        str(ident).strip() if ident is not None else None,
        name.strip() if name else None,
    )


def _surrogates(text: str) -> list[str]:
    """The lone surrogates (U+D800..U+DFFF) in a text, as U+XXXX."""
    return [f"U+{ord(c):04X}" for c in text if 0xD800 <= ord(c) <= 0xDFFF]


def _check_text(where: str, key: str, value: Any) -> None:
    """A text field must be valid Unicode: a YAML escape such as "\\ud800" gives a lone
    surrogate, which no store or terminal can hold (DuckDB refused it with a raw error)."""
    bad = _surrogates(value) if isinstance(value, str) else []
    if bad:
        raise RegistryError(
            f"{where}: {key!r} {value!r} holds a lone surrogate ({', '.join(bad)}), "
            "which is not a character",
            hint="fix the \\u escape in the registry: write the character itself, or both "
            "halves of a surrogate pair as one \\U00XXXXXX escape",
        )


def _check_accounts_unique(path: Path, outlets: list[Outlet]) -> None:
    """One account belongs to one outlet: a platform id, or a name (matched without case),
    listed under two outlets would be attributed to whichever came first."""
    owner: dict[tuple[str, str, str], str] = {}
    for outlet in outlets:
        for rule in outlet.accounts:
            key = (
                (rule.platform, "id", rule.id)
                if rule.id is not None
                else (rule.platform, "name", (rule.name or "").lower())
            )
            first = owner.setdefault(key, outlet.name)
            if first != outlet.name:
                raise RegistryError(
                    f"{path}: the {rule.platform} account with {key[1]} {key[2]!r} is listed "
                    f"under two outlets, {first!r} and {outlet.name!r}",
                    hint="list each account under the one outlet it belongs to",
                )


def load_registry(store: Store, path: Path) -> list[Outlet]:
    """Replace the registry in the store with this file, then re-attribute every post.

    An outlet keeps its id: a registered outlet the store already holds under the same name
    keeps it however the file is ordered, and so does a renamed one (``_renamed``); a new one
    takes the next id never given (in file order; on an empty store 1, 2, ...), and own
    outlets keep theirs (see ``attribute``).
    """
    outlets = parse_registry(path)
    with store.transaction() as con:
        given = _given(con)
        kept = dict(con.execute("SELECT name, outlet_id FROM outlets WHERE registered").fetchall())
        renamed = _renamed(con, outlets, kept)
        ids: list[int] = []
        for index, outlet in enumerate(outlets):
            if outlet.name in kept:
                ids.append(kept[outlet.name])
            elif index in renamed:
                ids.append(renamed[index])
            else:
                given += 1
                ids.append(given)
        _remember_given(con, given)
        con.execute(
            "DELETE FROM outlet_accounts "
            "WHERE outlet_id IN (SELECT outlet_id FROM outlets WHERE registered)"
        )
        con.execute("DELETE FROM outlets WHERE registered")
        # an own outlet under a name the registry now gives steps aside, under the name
        # attribute() gives it (its platform and account id added), keeping its id; that
        # name, once given, it keeps (attribute() does the same where only the case differs)
        con.execute(
            """
            UPDATE outlets SET name = outlets.name || ' (' || r.platform || ':'
                                      || r.account_id || ')'
            FROM outlet_accounts r
            WHERE NOT outlets.registered AND r.outlet_id = outlets.outlet_id
              AND r.account_name IS NULL AND list_contains(?, outlets.name)
            """,
            [[o.name for o in outlets]],
        )
        for outlet_id, outlet in zip(ids, outlets, strict=True):
            con.execute(
                "INSERT INTO outlets VALUES (?, ?, ?, ?, true)",
                [outlet_id, outlet.name, outlet.official, outlet.region],
            )
            for rule in outlet.accounts:
                con.execute(
                    "INSERT INTO outlet_accounts VALUES (?, ?, ?, ?)",
                    [outlet_id, rule.platform, rule.id, rule.name],
                )
    attribute(store)
    return outlets


def _account_key(platform: str, account_id: str | None, name: str | None) -> tuple[str, ...]:
    """An account rule as ``_check_accounts_unique`` tells rules apart: the platform and id,
    else the platform and the name without case."""
    if account_id is not None:
        return (platform, "id", account_id)
    return (platform, "name", (name or "").lower())


def _renamed(con: Any, outlets: list[Outlet], kept: dict[str, int]) -> dict[int, int]:
    """The entries of a registry (by index) that are a registered outlet renamed, with the
    id that outlet had.

    An entry under a name the store's registered outlets do not hold is that outlet renamed
    when it lists the same accounts (``_account_key``: platform and id, or name without
    case), no more and no fewer, as a registered outlet whose name the file no longer
    gives. An account belongs to one outlet in a registry, so such a match is one to one.
    Anything else is a new outlet: an entry listing no account, or accounts that differ
    from every gone outlet's (renamed and given another account at once, merged, split),
    cannot be told from one, and no id is guessed."""
    rows = con.execute(
        "SELECT r.outlet_id, r.platform, r.account_id, r.account_name FROM outlet_accounts r "
        "JOIN outlets o USING (outlet_id) WHERE o.registered"
    ).fetchall()
    still = {kept[o.name] for o in outlets if o.name in kept}
    accounts: dict[int, set[tuple[str, ...]]] = {}
    for outlet_id, platform, account_id, name in rows:
        if outlet_id not in still:
            accounts.setdefault(outlet_id, set()).add(_account_key(platform, account_id, name))
    gone: dict[frozenset[tuple[str, ...]], list[int]] = {}
    for outlet_id, listed in accounts.items():
        gone.setdefault(frozenset(listed), []).append(outlet_id)
    out: dict[int, int] = {}
    for index, outlet in enumerate(outlets):
        keys = frozenset(_account_key(r.platform, r.id, r.name) for r in outlet.accounts)
        if outlet.name not in kept and keys and len(gone.get(keys, [])) == 1:
            out[index] = gone[keys][0]
    return out


# The highest outlet id ever given, kept in ``meta`` so that the id of an outlet gone from
# the store (an own outlet whose account a registry came to claim, a registered outlet left
# out of a later registry) is never given to another; a store from before it was kept
# starts from the highest id it holds.
_GIVEN_KEY = "outlets:last_id_given"
_GIVEN = f"""
SELECT greatest(
    coalesce((SELECT max(outlet_id) FROM outlets), 0),
    coalesce((SELECT max(value::BIGINT) FROM meta WHERE key = '{_GIVEN_KEY}'), 0)
)
"""


def _given(con: Any) -> int:
    row = con.execute(_GIVEN).fetchone()
    return int(row[0])


def _remember_given(con: Any, given: int) -> None:
    con.execute(
        "INSERT OR REPLACE INTO meta SELECT ?, ? WHERE ? IS DISTINCT FROM "
        "(SELECT value FROM meta WHERE key = ?)",
        [_GIVEN_KEY, str(given), str(given), _GIVEN_KEY],
    )


def attribute(store: Store) -> None:
    """Point every account and post at its outlet; unnamed accounts become their own outlet.

    The whole attribution is worked out first (``_TARGET``: reads only, cheap in a column
    store), then only the rows it changes are written: an ingest adding a few accounts to a
    store of many rewrites a few rows, not every account, own outlet and post.
    """
    with store.transaction() as con:
        con.execute(_TARGET)
        given = con.execute(
            f"SELECT greatest(({_GIVEN}), (SELECT coalesce(max(outlet_id), 0) FROM _attribution))"
        ).fetchone()
        _remember_given(con, int(given[0]) if given else 0)
        for statement in _APPLY:
            con.execute(statement)
        con.execute("DROP TABLE temp._attribution")  # on an error, the rollback drops it
        con.execute(_UPDATE_POSTS)
        con.execute(_RESOLVE_FORWARDS)


# Each account's outlet as a full re-attribution would set it: the registered outlet that
# names it by id (a Telegram id also in the Bot API's form: ``-100`` before the bare id
# that exports write, as Telethon and bots give channel ids), else by any name it was seen
# under (the lowest outlet id where several do), else an own outlet: the one it already
# stands as (an outlet's id, once given, is kept), or a new one numbered after every id
# ever given (``_GIVEN``), new ones in (platform, account_id) order (so a first ingest
# numbers them after the registered ones). An own outlet's name, once given, is kept too,
# while it is its account's latest name, or that name with the platform and id added, and
# is no registered outlet's name (case ignored): a later account under the same name
# leaves it alone. Any other (a new outlet, one whose account was renamed) is named after
# its account's latest name, with the platform and id added where that name (case ignored)
# is another own account's, a registered outlet's or a kept name: on a first ingest, every
# account of a shared name takes the longer form. Own outlets' rows (outlets not
# registered, and their outlet_accounts rows) are left out of the match, as if already
# deleted.
_TARGET = (
    """
CREATE OR REPLACE TEMP TABLE _attribution AS
WITH registered AS (
    SELECT * FROM outlet_accounts
    WHERE outlet_id NOT IN (SELECT outlet_id FROM outlets WHERE NOT registered)
), own_before AS (
    SELECT r.platform, r.account_id, min(r.outlet_id) AS outlet_id,
           arg_min(o.name, r.outlet_id) AS name
    FROM outlet_accounts r JOIN outlets o ON o.outlet_id = r.outlet_id AND NOT o.registered
    WHERE r.account_name IS NULL
    GROUP BY ALL
), matched AS (
    SELECT a.platform, a.account_id, a.name, (
        SELECT min(r.outlet_id) FROM registered r
        WHERE r.platform = a.platform
          AND (r.account_id = a.account_id
               OR r.platform = 'telegram' AND r.account_id = '-100' || a.account_id)
    ) AS by_id, (
        SELECT min(r.outlet_id) FROM registered r JOIN account_names n
          ON r.account_id IS NULL AND r.platform = n.platform
         AND lower(r.account_name) = lower(n.name)
        WHERE n.platform = a.platform AND n.account_id = a.account_id
    ) AS by_name
    FROM accounts a
), own AS (
    SELECT m.platform, m.account_id, coalesce(m.name, m.account_id) AS base,
           base || ' (' || m.platform || ':' || m.account_id || ')' AS suffixed,
           CASE WHEN b.name = suffixed
                  OR b.name = base AND lower(base) NOT IN (SELECT lower(name) FROM outlets
                                                           WHERE registered)
                THEN b.name END AS kept,
           coalesce(
        b.outlet_id,
        ("""
    + _GIVEN
    + """)
        + row_number() OVER (PARTITION BY b.outlet_id IS NULL
                             ORDER BY m.platform, m.account_id)
    ) AS outlet_id
    FROM matched m LEFT JOIN own_before b USING (platform, account_id)
    WHERE coalesce(m.by_id, m.by_name) IS NULL
)
SELECT platform, account_id, coalesce(by_id, by_name) AS outlet_id, NULL AS own_name
FROM matched WHERE coalesce(by_id, by_name) IS NOT NULL
UNION ALL
SELECT platform, account_id, outlet_id, coalesce(
           kept,
           CASE WHEN count(*) OVER (PARTITION BY lower(base)) > 1
                  OR lower(base) IN (SELECT lower(name) FROM outlets WHERE registered)
                  OR lower(base) IN (SELECT lower(kept) FROM own WHERE kept IS NOT NULL)
                THEN suffixed ELSE base END)
FROM own
"""
)

# Only the rows that differ from the target are written. An own outlet's rows are matched
# whole (id, name, official, region; platform and account id), so one renamed is deleted and
# inserted again under its id, as the full re-attribution did with all of them.
_APPLY = (
    """
    UPDATE accounts SET outlet_id = t.outlet_id FROM _attribution t
    WHERE accounts.platform = t.platform AND accounts.account_id = t.account_id
      AND accounts.outlet_id IS DISTINCT FROM t.outlet_id
    """,
    """
    DELETE FROM outlet_accounts r
    WHERE r.outlet_id IN (SELECT outlet_id FROM outlets WHERE NOT registered)
      AND NOT EXISTS (SELECT 1 FROM _attribution t
                      WHERE t.own_name IS NOT NULL AND r.account_name IS NULL
                        AND t.outlet_id = r.outlet_id AND t.platform = r.platform
                        AND t.account_id = r.account_id)
    """,
    """
    DELETE FROM outlets o
    WHERE NOT o.registered
      AND NOT EXISTS (SELECT 1 FROM _attribution t
                      WHERE NOT o.official AND o.region IS NULL
                        AND t.outlet_id = o.outlet_id AND t.own_name = o.name)
    """,
    """
    INSERT INTO outlets
    SELECT outlet_id, own_name, false, NULL, false FROM _attribution t
    WHERE own_name IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM outlets o WHERE o.outlet_id = t.outlet_id)
    """,
    """
    INSERT INTO outlet_accounts
    SELECT outlet_id, platform, account_id, NULL FROM _attribution t
    WHERE own_name IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM outlet_accounts r
                      WHERE r.outlet_id = t.outlet_id AND r.platform = t.platform
                        AND r.account_id = t.account_id AND r.account_name IS NULL)
    """,
)


_UPDATE_POSTS = """
UPDATE posts SET outlet_id = a.outlet_id, official = o.official
FROM accounts a JOIN outlets o USING (outlet_id)
WHERE posts.platform = a.platform AND posts.account_id = a.account_id
  AND (posts.outlet_id IS DISTINCT FROM a.outlet_id OR posts.official IS DISTINCT FROM o.official)
"""

# The accounts a forward's origin name may be: the accounts seen under that name as written,
# else under it with case ignored, else those of the outlet of that name, else the accounts
# its registry entry lists by id (case ignored; the first of the four that holds any), with
# how many outlets they are of (an account no outlet holds yet counts as its own).
_FORWARD_CANDIDATES = """
SELECT platform, forwarded_from, list(DISTINCT account_id ORDER BY account_id) AS candidates,
       count(DISTINCT outlet_key) AS outlets
FROM (
    SELECT *, min(tier) OVER (PARTITION BY platform, forwarded_from) AS best FROM (
        SELECT f.platform, f.forwarded_from,
               CASE WHEN n.name = f.forwarded_from THEN 1 ELSE 2 END AS tier, n.account_id,
               coalesce(a.outlet_id::VARCHAR, 'account:' || n.account_id) AS outlet_key
        FROM _forwarded f
        JOIN account_names n
          ON n.platform = f.platform AND lower(n.name) = lower(f.forwarded_from)
        LEFT JOIN accounts a ON a.platform = n.platform AND a.account_id = n.account_id
        UNION ALL
        SELECT f.platform, f.forwarded_from, 3, a.account_id, a.outlet_id::VARCHAR
        FROM _forwarded f JOIN outlets o ON lower(o.name) = lower(f.forwarded_from)
        JOIN accounts a ON a.outlet_id = o.outlet_id AND a.platform = f.platform
        UNION ALL
        SELECT f.platform, f.forwarded_from, 4, r.account_id, r.outlet_id::VARCHAR
        FROM _forwarded f JOIN outlets o ON lower(o.name) = lower(f.forwarded_from)
        JOIN outlet_accounts r ON r.outlet_id = o.outlet_id AND r.platform = f.platform
        WHERE r.account_id IS NOT NULL
    )
)
WHERE tier = best
GROUP BY platform, forwarded_from
"""
_FORWARDED = (
    "_forwarded AS (SELECT DISTINCT platform, forwarded_from FROM posts "
    "WHERE forwarded_from IS NOT NULL)"
)

# A forward's origin is the account its name names. Accounts of one outlet (a renamed or
# successor channel) are one origin: the forward is that outlet's, given its lowest account
# id. Accounts of different outlets are not: the forward is left unresolved (NULL), never
# given the lowest id, and ``ambiguous_forwards`` names it.
_RESOLVE_FORWARDS = f"""
UPDATE posts SET forwarded_account_id = r.account_id FROM (
    WITH {_FORWARDED}, c AS ({_FORWARD_CANDIDATES})
    SELECT f.platform, f.forwarded_from,
           CASE WHEN c.outlets = 1 THEN c.candidates[1] END AS account_id
    FROM _forwarded f LEFT JOIN c USING (platform, forwarded_from)
) r
WHERE posts.platform = r.platform AND posts.forwarded_from = r.forwarded_from
  AND posts.forwarded_account_id IS DISTINCT FROM r.account_id
"""

# How many of a file's ambiguous forwards a warning names by account and message id.
_NAMED_RECORDS = 3


def ambiguous_forwards(store: Store) -> list[str]:
    """A warning for each file and forward origin name that accounts of more than one
    outlet share: those forwards are attributed to no account (``attribute``), so they
    amplify no outlet. It names the file, the first records (account and message id) and
    the candidate accounts. Registering the accounts as one outlet (if they are one)
    resolves them."""
    rows = store.rows(
        f"""
        WITH {_FORWARDED}, c AS ({_FORWARD_CANDIDATES})
        SELECT s.path, p.platform, p.forwarded_from, c.candidates, count(*) AS forwards,
               list(p.account_id || ' #' || p.message_id
                    ORDER BY p.account_id, p.message_id) AS records
        FROM posts p JOIN c USING (platform, forwarded_from) JOIN sources s USING (source_id)
        WHERE c.outlets > 1
        GROUP BY ALL ORDER BY s.path, p.platform, p.forwarded_from
        """
    )
    return [_ambiguity_warning(r) for r in rows]


def _ambiguity_warning(row: dict[str, Any]) -> str:
    records = ", ".join(row["records"][:_NAMED_RECORDS])
    more = row["forwards"] - _NAMED_RECORDS
    if more > 0:
        records += f" and {more} more"
    candidates = ", ".join(f"{row['platform']}:{c}" for c in row["candidates"])
    return (
        f"{row['path']}: {row['forwards']} forward(s) from {row['forwarded_from']!r} "
        f"({row['platform']} {records}) left unattributed: accounts of different outlets "
        f"had that name ({candidates}). If they are one outlet, register them as one."
    )


def list_outlets(store: Store) -> list[dict[str, Any]]:
    """Every outlet with its id (``/outlets/{id}``, ``?outlet_id=``), accounts and post counts."""
    return store.rows(
        """
        SELECT o.name AS outlet, o.outlet_id, o.official, o.region, o.registered,
               count(DISTINCT a.platform || ':' || a.account_id) AS accounts,
               list(DISTINCT a.platform || ':' || a.account_id
                    ORDER BY a.platform || ':' || a.account_id)
                   FILTER (WHERE a.account_id IS NOT NULL) AS account_ids,
               coalesce(sum(p.posts), 0)::BIGINT AS posts,
               min(p.first) AS first, max(p.last) AS last
        FROM outlets o
        LEFT JOIN accounts a USING (outlet_id)
        LEFT JOIN (SELECT platform, account_id, count(*) AS posts, min(ts) AS first,
                          max(ts) AS last FROM posts GROUP BY ALL) p
               ON p.platform = a.platform AND p.account_id = a.account_id
        GROUP BY o.outlet_id, o.name, o.official, o.region, o.registered
        ORDER BY o.registered DESC, o.official DESC, o.name
        """
    )
