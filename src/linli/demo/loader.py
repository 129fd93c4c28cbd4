"""Fast bulk inserts of rows computed in Python: COPY on PostgreSQL, ``executemany`` on SQLite.

This is how the demo loads its own generated history straight into other apps' tables. It is
the one accepted exception to "an app only writes its own tables through its services":
running a hundred thousand orders one by one through ``place_order`` would take many minutes,
and the generator computes exactly the state the services would have left (see
``linli.demo.history``). Live group buys of the present are made through the services.

Rows are tuples in the order of the field names given; a time is given in whole seconds since
the epoch (on SQLite the database turns it into the text Django stores, on PostgreSQL it is
sent as UTC text for a ``timestamptz``). The database checks every constraint as the rows
arrive, or, for the foreign keys of the tables loaded inside ``foreign_keys_checked_after``,
once at the end of the load.
"""

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

_DAYS: dict[int, str] = {}


def _postgresql_time(value: int | None) -> str | None:
    """``2026-04-15 09:30:00+00``: half the time psycopg takes to send a ``datetime``, which
    counts when the history has close to a million of them."""
    if value is None:
        return None
    day, second = divmod(value, 86_400)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%d")
    return f"{date} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}+00"


class Table:
    """Where rows of one model go, and the columns they fill."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = tuple(fields)
        meta = model._meta
        concrete = [meta.get_field(name) for name in self.fields]
        self.columns = [field.column for field in concrete]  # type: ignore[union-attr]
        self.times = [
            index for index, field in enumerate(concrete) if isinstance(field, models.DateTimeField)
        ]
        self.name = meta.db_table

    def insert(self, rows: Iterable[tuple]) -> int:
        """Insert ``rows``; returns how many. Call inside the caller's transaction."""
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                count = 0
                if self.times:
                    rows = self._with_times(rows)
                with cursor.cursor.copy(f"COPY {quote(self.name)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            rows = list(rows)
            marks = ", ".join(
                "datetime(%s, 'unixepoch')" if index in self.times else "%s"
                for index in range(len(self.columns))
            )
            cursor.executemany(f"INSERT INTO {quote(self.name)} ({columns}) VALUES ({marks})", rows)
            return len(rows)

    def _with_times(self, rows: Iterable[tuple]) -> Iterator[list]:
        times = self.times
        for row in rows:
            values = list(row)
            for index in times:
                values[index] = _postgresql_time(values[index])
            yield values


@contextlib.contextmanager
def foreign_keys_checked_after(model_list: Sequence[type[models.Model]]) -> Iterator[None]:
    """Load these models' tables with their foreign keys checked once, after the load.

    PostgreSQL checks a deferred foreign key at commit one row at a time, one query per row
    and key: for the history of the default city well over a million queries, ten to twenty
    seconds of waiting at the commit. So the keys of these tables are dropped for the load and added back after it,
    which checks each key over the whole table in one query, in the same transaction: a row
    that breaks a key still rolls the whole load back. Without the right to alter the tables
    the keys stay, and are checked the slow way. SQLite checks as rows arrive, quickly enough.
    Call inside the load's transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    tables = [model._meta.db_table for model in model_list]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            "  FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])"
            " ORDER BY conrelid::regclass::text, conname",
            [tables],
        )
        keys = cursor.fetchall()
        # A table with checks still pending in this transaction cannot be altered: run them.
        connection.check_constraints()
        try:
            with transaction.atomic():
                for table, name, _definition in keys:
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        except DatabaseError:
            keys = []
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of ``model``'s table."""
    largest = model._default_manager.aggregate(largest=models.Max("pk"))["largest"]
    return (largest or 0) + 1


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past the ids that were inserted explicitly (SQLite's
    AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
