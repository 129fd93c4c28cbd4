"""Building blocks for API schemas: strict types, so ``"5"`` is not a quantity and ``true``
is not a number, and unknown fields are refused rather than silently ignored."""

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt, StrictStr

Id = Annotated[StrictInt, Field(ge=1, le=2**62)]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


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


__all__ = ["Error", "Id", "In", "StrictInt", "StrictStr", "text"]
