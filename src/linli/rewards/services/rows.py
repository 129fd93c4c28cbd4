"""Many rows in one statement: the ORM's ``bulk_create`` builds a model instance per row
first, which is most of the time of earning for a large group buy (``bench/rewards.py``)."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from django.db import connection


def insert(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """``INSERT INTO table (columns) VALUES (…)`` for every row, as one executemany;
    datetimes adapted for the database."""
    adapt = (
        _sqlite_datetime
        if connection.vendor == "sqlite"
        else connection.ops.adapt_datetimefield_value
    )
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    prepared = [
        [adapt(value) if isinstance(value, datetime) else value for value in row] for row in rows
    ]
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)


def _sqlite_datetime(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text), without
    its per-value checks: a million of them take seconds there."""
    return str(value.astimezone(UTC).replace(tzinfo=None))
