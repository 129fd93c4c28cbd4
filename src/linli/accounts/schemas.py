from datetime import datetime

from ninja import Schema
from pydantic import Field, StrictStr

from linli.core.schemas import In


class RolesOut(Schema):
    operator: bool
    household_id: int | None
    community_id: int | None
    leader_id: int | None
    led_community_ids: list[int]
    supplier_ids: list[int]


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: RolesOut


class TokenIn(In):
    name: StrictStr = Field("api", min_length=1, max_length=60)


class PasswordLoginIn(In):
    username: StrictStr = Field(min_length=1, max_length=150)
    password: StrictStr = Field(min_length=1, max_length=200)
    name: StrictStr = Field("api", min_length=1, max_length=60)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str
