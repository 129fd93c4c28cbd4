"""Triggers that SQLite's flush drops before it empties their tables, and creates again after.

SQLite has no ``TRUNCATE``: its flush is ``DELETE``, which row triggers guarding a table (the
ledger's append-only ones) refuse. An app that installs such triggers declares them here, from
its ``AppConfig.ready()``, so that core, which knows no app, can let a flush through::

    register_flush_triggers("ledger", tables=TABLES, drop=sqlite_drop(), create=sqlite_create())
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FlushTriggers:
    tables: frozenset[str]
    drop: tuple[str, ...]
    create: tuple[str, ...]


_registered: dict[str, FlushTriggers] = {}


def register_flush_triggers(
    name: str, *, tables: Iterable[str], drop: Sequence[str], create: Sequence[str]
) -> None:
    """Declare (or replace, by ``name``) the statements that drop and create again the
    triggers on ``tables``; a flush of any of those tables runs them around its own."""
    _registered[name] = FlushTriggers(frozenset(tables), tuple(drop), tuple(create))


def unregister_flush_triggers(name: str) -> None:
    _registered.pop(name, None)


def around_flush(tables: Iterable[str]) -> tuple[list[str], list[str]]:
    """What to run before and after a flush of ``tables``: the drops and the creates of every
    declared trigger on one of them, in the order they were declared."""
    flushed = set(tables)
    concerned = [one for one in _registered.values() if one.tables & flushed]
    return (
        [statement for one in concerned for statement in one.drop],
        [statement for one in concerned for statement in one.create],
    )
