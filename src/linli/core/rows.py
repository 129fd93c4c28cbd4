"""Model instances from a written-out query (``docs/decisions/0008-hot-queries-in-sql.md``).

A query every page asks may be one fixed SQL string joining several tables; :class:`Picked`
names a model's columns in it and builds the model back from its part of a row, as the ORM
would (``Model.from_db``: the same objects, saving and related lookups work)::

    GROUP_BUY, COMMUNITY = Picked(GroupBuy, "g"), Picked(Community, "c")
    sql = f"SELECT {GROUP_BUY.columns}, {COMMUNITY.columns} FROM … g JOIN … c ON …"
    row = cursor.fetchone()
    group_buy, rest = GROUP_BUY.build(row)
    community, rest = COMMUNITY.build(rest)
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model


class Picked[M: Model]:
    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)

    @property
    def table(self) -> str:
        """``"table" alias``, for the FROM or JOIN clause."""
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"

    @cached_property
    def columns(self) -> str:
        return ", ".join(f"{self.alias}.{_quoted(field)}" for field in self.fields)

    def column(self, name: str) -> str:
        """One field's column, qualified by the alias (``g."community_id"``)."""
        return f"{self.alias}.{_quoted(self.model._meta.get_field(name))}"

    @cached_property
    def _attnames(self) -> list[str]:
        return [field.attname for field in self.fields]

    @cached_property
    def _pk_at(self) -> int:
        return self._attnames.index(self.model._meta.pk.attname)  # type: ignore[union-attr]

    @cached_property
    def _converters(self) -> list[tuple[int, Any]]:
        """The database's converters for fields that need one (SQLite's datetimes, booleans
        and decimals come back as text or numbers), as the ORM applies them."""
        found = []
        for index, field in enumerate(self.fields):
            expression = field.get_col(self.alias)
            functions = connection.ops.get_db_converters(expression) + field.get_db_converters(
                connection
            )
            if functions:
                found.append((index, (functions, expression)))
        return found

    def build(self, row: Sequence[Any]) -> tuple[M | None, Sequence[Any]]:
        """This model from the start of ``row`` (``None`` when its id is NULL, as after a LEFT
        JOIN that found nothing), and the rest of the row."""
        width = len(self.fields)
        values, rest = list(row[:width]), row[width:]
        if values[self._pk_at] is None:
            return None, rest
        for index, (functions, expression) in self._converters:
            value = values[index]
            for function in functions:
                value = function(value, expression, connection)
            values[index] = value
        return self.model.from_db(DEFAULT_DB_ALIAS, self._attnames, values), rest


def moment(value: Any) -> datetime | None:
    """A moment as a written-out query returns it outside a model's columns (an aggregate, a
    light row): PostgreSQL gives a datetime, SQLite the text Django stored, in UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _quoted(field: Any) -> str:
    return connection.ops.quote_name(str(field.column))


def storable_id(value: int) -> bool:
    """Whether ``value`` can be a row's id at all (a 64-bit integer). Ids typed into URLs are
    checked with it before a written-out query: SQLite refuses a larger number outright, where
    the ORM would have found nothing."""
    return -(2**63) <= value < 2**63
