"""The database itself refuses to change or remove a journal entry or a posting.

PostgreSQL: a row trigger raising an exception. ``TRUNCATE`` (how test runs and
``linli demo --reset`` empty a PostgreSQL database) fires no row triggers. SQLite: ``RAISE``
in row triggers; SQLite has no ``TRUNCATE``, so its flush drops these triggers, empties the
tables and creates them again (declared to ``linli.core.sqlite.flush`` by ``apps.py``) — the
only way to empty the ledger.
"""

TABLES = ("ledger_entry", "ledger_posting")
MESSAGE = "the ledger is append-only: post a reversing entry instead"


def sqlite_create() -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        for table in TABLES
        for verb in ("update", "delete")
    ]


def sqlite_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_{verb}"
        for table in TABLES
        for verb in ("update", "delete")
    ]


def postgresql_create() -> list[str]:
    statements = [
        "CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$"
    ]
    statements += [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
        for table in TABLES
    ]
    return statements


def postgresql_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES] + [
        "DROP FUNCTION IF EXISTS ledger_append_only()"
    ]
