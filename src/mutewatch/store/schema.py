"""Tables of the store and their versioned migrations.

Times are stored as naive ``TIMESTAMP`` values that mean UTC: Parquet exports then read the
same in Spark (TimestampNTZ) and DuckDB, and no session time zone can shift them.
"""

from __future__ import annotations

import duckdb

MIGRATIONS: list[str] = [
    # 1: the foundation
    """
    CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
    CREATE SEQUENCE IF NOT EXISTS source_ids START 1;
    CREATE TABLE IF NOT EXISTS sources (
        source_id BIGINT PRIMARY KEY,
        path VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL UNIQUE,
        size_bytes BIGINT NOT NULL,
        status VARCHAR NOT NULL,            -- running | done
        position BIGINT NOT NULL DEFAULT 0, -- records committed so far (resume point)
        read BIGINT NOT NULL DEFAULT 0,
        new BIGINT NOT NULL DEFAULT 0,
        duplicates BIGINT NOT NULL DEFAULT 0,
        quarantined BIGINT NOT NULL DEFAULT 0,
        skipped BIGINT NOT NULL DEFAULT 0,
        first_time TIMESTAMP,
        last_time TIMESTAMP,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP
    );
    -- what each source covered, per channel: separates "silent" from "not collected"
    CREATE TABLE IF NOT EXISTS coverage (
        source_id BIGINT NOT NULL,
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        first_time TIMESTAMP,
        last_time TIMESTAMP,
        first_message_id BIGINT,
        last_message_id BIGINT,
        messages BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (source_id, platform, account_id)
    );
    CREATE TABLE IF NOT EXISTS accounts (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        name VARCHAR,                        -- latest name seen
        chat_type VARCHAR,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        outlet_id INTEGER,                   -- attribution, set by the registry
        PRIMARY KEY (platform, account_id)
    );
    CREATE TABLE IF NOT EXISTS account_names (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        PRIMARY KEY (platform, account_id, name)
    );
    CREATE TABLE IF NOT EXISTS outlets (
        outlet_id INTEGER PRIMARY KEY,
        name VARCHAR NOT NULL UNIQUE,
        official BOOLEAN NOT NULL,
        region VARCHAR,
        registered BOOLEAN NOT NULL          -- false: an unnamed account standing as its own outlet
    );
    CREATE TABLE IF NOT EXISTS outlet_accounts (
        outlet_id INTEGER NOT NULL,
        platform VARCHAR NOT NULL,
        account_id VARCHAR,
        account_name VARCHAR
    );
    CREATE TABLE IF NOT EXISTS posts (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        message_id BIGINT NOT NULL,
        ts TIMESTAMP NOT NULL,               -- UTC
        edited TIMESTAMP,                    -- UTC; "touched after sending", not proof of an edit
        time_from_local BOOLEAN NOT NULL,    -- true: no unixtime, read from local `date` + --tz
        kind VARCHAR NOT NULL,               -- medium: text, photo, video, audio, voice, ...
        text VARCHAR,
        forwarded_from VARCHAR,              -- a name only, as the export gives it
        forwarded_account_id VARCHAR,        -- resolved from the name where it matches
        reply_to BIGINT,
        author VARCHAR,
        media VARCHAR,                       -- JSON: file name, size, mime, duration, placeholder
        source_id BIGINT NOT NULL,
        outlet_id INTEGER,                   -- attribution (denormalised from accounts)
        official BOOLEAN,
        PRIMARY KEY (platform, account_id, message_id)
    );
    CREATE TABLE IF NOT EXISTS links (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        message_id BIGINT NOT NULL,
        url VARCHAR NOT NULL,
        host VARCHAR,
        host_class VARCHAR NOT NULL,
        ts TIMESTAMP NOT NULL
    );
    CREATE TABLE IF NOT EXISTS id_gaps (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        after_id BIGINT NOT NULL,
        before_id BIGINT NOT NULL,
        missing BIGINT NOT NULL,
        after_ts TIMESTAMP,                  -- time of the last known message before the gap
        before_ts TIMESTAMP                  -- time of the first known message after it
    );
    -- ids of messages that are not posts (service, unsupported, quarantined): not gaps
    CREATE TABLE IF NOT EXISTS nonpost_ids (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        message_id BIGINT NOT NULL,
        ts TIMESTAMP,
        PRIMARY KEY (platform, account_id, message_id)
    );
    CREATE TABLE IF NOT EXISTS quarantine (
        source_id BIGINT NOT NULL,
        path VARCHAR NOT NULL,
        position BIGINT NOT NULL,            -- record index within the file (0-based)
        reason VARCHAR NOT NULL,
        raw VARCHAR,
        PRIMARY KEY (source_id, position)
    );
    CREATE TABLE IF NOT EXISTS ingest_runs (
        finished_at TIMESTAMP NOT NULL,
        source_id BIGINT NOT NULL,
        path VARCHAR NOT NULL,
        read BIGINT NOT NULL,
        new BIGINT NOT NULL,
        duplicates BIGINT NOT NULL,
        quarantined BIGINT NOT NULL,
        skipped BIGINT NOT NULL
    );
    """,
    # Title changes, so that each name's first and last seen cover only the posts made
    # under it (posts carry the export-time name).
    """
    CREATE TABLE IF NOT EXISTS account_renames (
        platform VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        renamed_at TIMESTAMP NOT NULL,
        PRIMARY KEY (platform, account_id, renamed_at, name)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def current_version(con: duckdb.DuckDBPyConnection, component: str = "core") -> int:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta'"  # 5x cheaper
    ).fetchall()[0]
    if not exists[0]:
        return 0
    rows = con.execute(
        "SELECT value FROM meta WHERE key = ?", [f"schema_version:{component}"]
    ).fetchall()
    return int(rows[0][0]) if rows else 0


def migrate(
    con: duckdb.DuckDBPyConnection,
    component: str = "core",
    migrations: list[str] | None = None,
) -> int:
    """Bring one component's tables up to date, one migration per transaction.

    Capabilities beside the observatory (moderation, web users) keep their own numbered
    migrations under their own component name, so none of them edits this list.
    """
    steps = MIGRATIONS if migrations is None else migrations
    if component != "core":
        migrate(con)  # the meta table lives in the core schema
    version = current_version(con, component)
    for number, sql in enumerate(steps[version:], start=version + 1):
        con.execute("BEGIN TRANSACTION")
        con.execute(sql)
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [f"schema_version:{component}", str(number)],
        )
        con.execute("COMMIT")
    return len(steps)
