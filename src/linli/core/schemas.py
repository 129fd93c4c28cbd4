"""Building blocks for API schemas: strict types, so ``"5"`` is not a quantity and ``true``
is not a number, and unknown fields are refused rather than silently ignored."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
)
from pydantic_core import PydanticCustomError

Id = Annotated[StrictInt, Field(ge=1, le=2**62)]
# An id (or a 1-based number such as a 跟团号) in a query string, where it comes as text:
# bounded, so that a number past any database integer is a 422, not an overflow (a 500).
QueryId = Annotated[int, Field(ge=1, le=2**62)]


def _iso_text(value: Any) -> Any:
    """JSON has no date type: a moment comes as ISO 8601 text. Pydantic would also take a
    number as seconds since 1970 (and ``true`` as 1 s past it); refuse those as wrong types."""
    if isinstance(value, str | datetime):
        return value
    raise PydanticCustomError("datetime_type", "Input should be a valid datetime")


# A date and time with its offset, sent as text: "2026-11-24T20:00:00+08:00".
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


def _no_nul(value: Any) -> Any:
    """PostgreSQL cannot store or even compare text holding NUL (``\\u0000`` in JSON, ``%00``
    in a query): refuse it here as malformed rather than fail there with a 500."""
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("string_pattern_mismatch", "Text cannot contain NUL characters")
    return value


# Text from a query string (a filter, a search).
QueryText = Annotated[str, AfterValidator(_no_nul)]


class In(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text_without_nul(cls, value: Any) -> Any:
        return _no_nul(value)


class Error(Schema):
    code: str
    message: str
    details: list[dict] | None = None


def text(max_length: int, *, min_length: int = 0, default: str | None = None):
    """A string field of bounded length."""
    field = Field(min_length=min_length, max_length=max_length)
    if default is not None:
        field = Field(default, min_length=min_length, max_length=max_length)
    return Annotated[StrictStr, field]


__all__ = ["Error", "Id", "In", "Moment", "QueryId", "QueryText", "StrictInt", "StrictStr", "text"]
