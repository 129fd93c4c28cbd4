"""Django's SQLite backend with one change: ``flush`` (test runs, ``linli demo --reset``)
drops the ledger's append-only triggers, empties the tables and creates the triggers again.
PostgreSQL needs nothing of the kind: its flush is ``TRUNCATE``, which fires no row triggers."""

from django.db.backends.sqlite3 import base, operations

from linli.ledger import triggers


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements or not set(triggers.TABLES) & set(tables):
            return statements
        return [*triggers.sqlite_drop(), *statements, *triggers.sqlite_create()]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
