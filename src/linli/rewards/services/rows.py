"""Many rows in one statement, and one parameter for many values: the ORM's ``bulk_create``
builds a model instance per row first, and its ``__in`` prepares and compiles every value on
its own, which together were most of the time of earning for a large group buy
(``bench/rewards.py``)."""

import json
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime

from django.db import connection
from django.db.models import BooleanField, DateTimeField, Field, Model
from django.db.models.expressions import RawSQL


def insert(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """``INSERT INTO model's table (columns) VALUES (…)`` for every row, as one executemany;
    the values of its datetime columns adapted for the database, each distinct one once (the
    lots of one pickup share their times)."""
    adapt = (
        _sqlite_datetime
        if connection.vendor == "sqlite"
        else connection.ops.adapt_datetimefield_value
    )
    fields = {field.column: field for field in model._meta.concrete_fields}
    times = [i for i, c in enumerate(columns) if isinstance(fields[c], DateTimeField)]
    adapted: dict[datetime, object] = {None: None}  # type: ignore[dict-item]

    def prepare(row: Sequence) -> list:
        values = list(row)
        for i in times:
            value = values[i]
            if value not in adapted:
                adapted[value] = adapt(value)
            values[i] = adapted[value]
        return values

    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    prepared = [prepare(row) for row in rows]
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)


def among(model: type[Model], column: str, values: Collection[int] | Collection[str]) -> RawSQL:
    """A filter ``column IN values`` on ``model``'s own table passed as one parameter (a JSON
    array on SQLite, an array on PostgreSQL), for lists of thousands:
    ``Lot.objects.filter(among(Lot, "source", sources))``."""
    quote = connection.ops.quote_name
    field = model._meta.get_field(column)
    assert isinstance(field, Field) and field.column
    name = f"{quote(model._meta.db_table)}.{quote(field.column)}"
    if connection.vendor == "postgresql":
        return RawSQL(f"{name} = ANY(%s)", [list(values)], output_field=BooleanField())
    return RawSQL(
        f"{name} IN (SELECT value FROM json_each(%s))",
        [json.dumps(list(values))],
        output_field=BooleanField(),
    )


def existing(
    model: type[Model], pairs: Collection[tuple[int, str]], **equal: int | None
) -> set[tuple[int, str]]:
    """Which of these (household, source) pairs already have a row of ``model`` with the
    ``equal`` columns (``rule_id=3``; ``None`` for IS NULL): one join of the pairs, passed as
    one parameter, against the unique index that starts (…, household, source)."""
    if not pairs:
        return set()
    quote = connection.ops.quote_name
    where: list[str] = []
    params: list = []
    for column, value in sorted(equal.items()):
        if value is None:
            where.append(f"t.{quote(column)} IS NULL")
        else:
            where.append(f"t.{quote(column)} = %s")
            params.append(value)
    table = quote(model._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (
            "SELECT t.household_id, t.source FROM unnest(%s::bigint[], %s::text[]) AS j(h, s)"
            f" JOIN {table} t ON t.household_id = j.h AND t.source = j.s"
        )
        households, sources = zip(*pairs, strict=True)
        params = [list(households), list(sources), *params]
    else:
        # CROSS JOIN: SQLite then walks the pairs and looks each one up in the index.
        sql = (
            f"SELECT t.household_id, t.source FROM json_each(%s) AS j CROSS JOIN {table} t"
            " ON t.household_id = json_extract(j.value, '$[0]')"
            " AND t.source = json_extract(j.value, '$[1]')"
        )
        params = [json.dumps([list(pair) for pair in pairs]), *params]
    if where:
        sql += " WHERE " + " AND ".join(where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(household, source) for household, source in cursor.fetchall()}


def _sqlite_datetime(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text), without
    its per-value checks: a million of them take seconds there."""
    return str(value.astimezone(UTC).replace(tzinfo=None))
