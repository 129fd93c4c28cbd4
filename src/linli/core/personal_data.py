"""Where each app's data about a household is found, for a copy or an erasure (PIPL).

Every app that stores something about a household registers a holder at start-up: how to copy
the household's own rows, and how to erase or anonymise them. The privacy app asks every holder
for a household's copy, and every holder to erase when the household leaves; a new app that
forgets to register is caught by a test that looks for models pointing at a household.
Core knows no app: the apps fill this registry, as they fill the tiles and the subscribers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Holder:
    name: str
    # household id -> {table name: rows of plain JSON values}, only that household's own.
    export: Callable[[int], dict[str, Rows]]
    # household id -> None: erase or anonymise, inside the caller's transaction.
    erase: Callable[[int], None]
    # The models whose rows point at a household that this holder covers ("app_label.model").
    covers: tuple[str, ...] = ()


_holders: dict[str, Holder] = {}


def register(
    name: str,
    *,
    export: Callable[[int], dict[str, Rows]],
    erase: Callable[[int], None],
    covers: tuple[str, ...] = (),
) -> None:
    """Declare that ``name`` holds data about households (registering twice replaces)."""
    _holders[name] = Holder(name=name, export=export, erase=erase, covers=covers)


def holders() -> list[Holder]:
    return [_holders[name] for name in sorted(_holders)]


def plain_rows(queryset: Any, *fields: str) -> Rows:
    """``queryset.values(*fields)`` as plain JSON values (times and dates as ISO text), for a
    holder's ``export``."""
    return [{key: _plain(value) for key, value in row.items()} for row in queryset.values(*fields)]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


#: A row's key naming a file in Django's default storage that belongs in the copy too (a
#: photo the household sent); the copy holds the file beside the rows.
STORED_FILE = "stored_file"
