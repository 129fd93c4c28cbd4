"""Django's SQLite backend with one change: ``flush`` (test runs, ``linli demo --reset``)
drops the triggers apps declared on the flushed tables (the ledger's append-only ones:
:mod:`linli.core.sqlite.flush`), empties the tables and creates the triggers again.
PostgreSQL needs nothing of the kind: its flush is ``TRUNCATE``, which fires no row triggers."""

from django.db.backends.sqlite3 import base, operations

from .flush import around_flush


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        before, after = around_flush(tables)
        if not statements or not (before or after):
            return statements
        return [*before, *statements, *after]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
