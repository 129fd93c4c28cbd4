"""SQLite's flush drops the triggers apps declared on the tables it empties, and creates them
again after; core knows the ledger's only because the ledger declares them."""

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLite

from linli.core.sqlite.base import DatabaseOperations
from linli.core.sqlite.flush import (
    around_flush,
    register_flush_triggers,
    unregister_flush_triggers,
)
from linli.ledger import triggers


@pytest.fixture
def audit_guard():
    register_flush_triggers(
        "audit",
        tables=["core_auditevent"],
        drop=["DROP TRIGGER IF EXISTS audit_guard"],
        create=["CREATE TRIGGER audit_guard …"],
    )
    yield
    unregister_flush_triggers("audit")


def test_the_ledger_declares_its_triggers_at_start_up():
    assert around_flush(["ledger_posting", "groupbuys_order"]) == (
        triggers.sqlite_drop(),
        triggers.sqlite_create(),
    )
    assert around_flush(["groupbuys_order"]) == ([], [])


def test_only_the_triggers_on_a_flushed_table_are_dropped_all_before_and_created_all_after(
    audit_guard,
):
    drop, create = around_flush(["core_auditevent", "ledger_entry"])
    assert drop == [*triggers.sqlite_drop(), "DROP TRIGGER IF EXISTS audit_guard"]
    assert create == [*triggers.sqlite_create(), "CREATE TRIGGER audit_guard …"]
    assert around_flush(["core_auditevent"]) == (
        ["DROP TRIGGER IF EXISTS audit_guard"],
        ["CREATE TRIGGER audit_guard …"],
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's flush")
def test_sqlite_flush_runs_them_around_its_own_statements():
    ops = DatabaseOperations(connection)

    def djangos_own(tables):
        return SQLite.ops_class.sql_flush(ops, no_style(), tables)

    guarded = ["ledger_posting", "ledger_entry"]
    assert ops.sql_flush(no_style(), guarded) == [
        *triggers.sqlite_drop(),
        *djangos_own(guarded),
        *triggers.sqlite_create(),
    ]
    assert ops.sql_flush(no_style(), ["groupbuys_order"]) == djangos_own(["groupbuys_order"])
    assert ops.sql_flush(no_style(), []) == []
