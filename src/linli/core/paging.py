"""Paging of every list in the API: ``limit`` and ``offset`` within documented bounds.

A list answers ``{"items": [...], "count": N}``. ``limit`` (how many, 1…200, 50 unless asked)
and ``offset`` (how many to skip, 0…1,000,000,000) are checked before any query runs: a number
out of range, or not a whole number, gets a 422 naming the bounds in the caller's language,
never a 500 from the database (SQLite takes at most a 64-bit integer; ``offset + limit`` past
it overflowed). The OpenAPI document states the bounds as ``minimum`` and ``maximum``.

``NINJA_PAGINATION_CLASS`` in the settings makes this the class behind every ``@paginate``.
"""

from collections.abc import Callable
from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ValidationError, ValidatorFunctionWrapHandler, field_validator
from pydantic_core import PydanticCustomError

LIMIT_DEFAULT = 50
LIMIT_MAX = 200  # the pages and the CLI read at most 100 at a time
OFFSET_MAX = 1_000_000_000  # far past any list we keep, far inside a 32-bit integer


def _within(value: Any, handler: ValidatorFunctionWrapHandler, low: int, high: int) -> int:
    """The number, or one error that states the whole range (whatever was wrong with it)."""
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "paging_range",
            "Must be a whole number from {minimum} to {maximum}",
            {"minimum": low, "maximum": high},
        ) from None


#: Told of every page of a model's rows the API answers, after the page is cut: ``(request,
#: the rows)``. The group buys record who looked at the households on a page of orders.
_on_page: dict[type, Callable[[Any, list], None]] = {}


def on_page(model: type, hook: Callable[[Any, list], None]) -> None:
    """Call ``hook(request, rows)`` with each page of ``model``'s rows the API answers."""
    _on_page[model] = hook


class LinliPagination(LimitOffsetPagination):
    """Limit and offset, bounded (see the module)."""

    class Input(Schema):
        limit: int = Field(
            LIMIT_DEFAULT, ge=1, le=LIMIT_MAX, description=f"How many, 1 to {LIMIT_MAX}."
        )
        offset: int = Field(
            0, ge=0, le=OFFSET_MAX, description=f"How many to skip, 0 to {OFFSET_MAX}."
        )

        @field_validator("limit", mode="wrap")
        @classmethod
        def _limit(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> int:
            return _within(value, handler, 1, LIMIT_MAX)

        @field_validator("offset", mode="wrap")
        @classmethod
        def _offset(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> int:
            return _within(value, handler, 0, OFFSET_MAX)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=LIMIT_MAX, **kwargs)

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        hook = _on_page.get(getattr(queryset, "model", None))  # type: ignore[arg-type]
        if hook is not None:
            rows = list(page[self.items_attribute])
            page[self.items_attribute] = rows
            hook(request, rows)
        return page
