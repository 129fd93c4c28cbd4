from datetime import datetime

from ninja import Schema
from pydantic import StrictBool

from linli.core.schemas import Id, In, text

from .limits import MAX_NAME, MAX_PHONE, MAX_ROOM


class CopyOut(Schema):
    id: int
    status: str
    requested_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    taken_at: datetime | None
    size: int


class ProfileIn(In):
    contact_name: text(MAX_NAME)
    phone: text(MAX_PHONE, default="")


class ProfileOut(Schema):
    id: int
    community: str
    building: str
    room: str
    contact_name: str
    phone: str


class RoomChangeIn(In):
    building_id: Id
    room: text(MAX_ROOM, min_length=1)


class RoomChangeOut(Schema):
    id: int
    household_id: int
    building_id: int
    room: str
    status: str
    requested_at: datetime
    decided_at: datetime | None


class RoomDecisionIn(In):
    confirm: StrictBool


class ConsentOut(Schema):
    purpose: str
    title: str
    text: str
    version: str
    granted: bool
    answered_version: str | None
    at: datetime | None


class ConsentIn(In):
    granted: StrictBool


class ClosingOut(Schema):
    may_close: bool
    cancellable_orders: list[int]
    waiting_orders: int
    balance_fen: int
    after_cancelling_fen: int
    blocked_by_role: bool


class CloseIn(In):
    word: text(20)


class ClosedOut(Schema):
    household_id: int
    cancelled_orders: int
    balance_fen: int
