"""What the consumer-connect API takes and gives."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import Id, In, Moment, StrictInt, text

from .limits import MAX_NAME, MAX_NOTE, MAX_TEXT


class ProgrammeIn(In):
    name: text(MAX_NAME, min_length=1)  # type: ignore[valid-type]
    starts_on: date
    weeks: StrictInt = 8
    stay_days: StrictInt = 7
    mandated_days: StrictInt = 7
    new_staff_days: StrictInt = 30
    host_kinds: list[Literal["household", "farm", "shop"]] = ["household", "farm", "shop"]
    no_repeat_years: StrictInt = 3
    max_distance_km: StrictInt = 50
    host_stays_per_year: StrictInt = 4
    meal_fee_fen: StrictInt = 2500


class ProgrammeOut(Schema):
    id: int
    name: str
    year: int
    starts_on: date
    weeks: int
    stay_days: int
    mandated_days: int
    new_staff_days: int
    host_kinds: list[str]
    meal_fee_fen: int
    participants: int
    hosts: int


class SheetImportOut(Schema):
    added: int
    updated: int


class AssignmentOut(Schema):
    cost: int
    placed: int
    unplaced: int
    seconds: float
    reasons: dict[str, int]


class RunOut(Schema):
    id: int
    programme_id: int
    cost: int
    bound: int
    gap: float
    greedy_gap: float | None
    flow: AssignmentOut
    greedy: AssignmentOut
    kept: int
    unplaced: list[dict]
    passes: int = 1
    method: str = "priced"
    variety: int = 0
    long_stays: dict = {}


class PairingIn(In):
    participant_id: Id
    host_id: Id
    rule: Literal["pin", "forbid"]


class PairingOut(Schema):
    id: int
    participant_id: int
    host_id: int
    rule: str


class ParticipantDaysOut(Schema):
    id: int  # the participant
    staff_no: str
    name: str
    department: str
    owed: int
    done: int
    behind: int


class StayOut(Schema):
    id: int
    programme: str
    participant: str
    host: str  # the label, or who it is for readers with the permission
    host_kind: str
    week: int
    starts_on: date
    days_planned: int
    days_done: int
    status: str
    report_id: int | None


class CheckInIn(In):
    token: text(64) = ""  # type: ignore[valid-type]
    at: Moment | None = None


class CheckOutIn(In):
    at: Moment | None = None


class CancelIn(In):
    reason: text(MAX_NAME, min_length=1)  # type: ignore[valid-type]


class NoteIn(In):
    part: Literal["observe", "listen", "dialogue"]
    voice: Literal["etic", "emic"]
    text: text(MAX_NOTE, min_length=1)  # type: ignore[valid-type]
    quote: bool = False


class StayReportIn(In):
    title: text(MAX_NAME, min_length=1)  # type: ignore[valid-type]
    notes: list[NoteIn] = Field(min_length=1, max_length=200)


class NoteOut(Schema):
    id: int
    part: str
    voice: str
    text: str
    quote: bool


class StayReportOut(Schema):
    id: int
    stay_id: int
    title: str
    submitted_at: datetime | None
    notes: list[NoteOut]


class TagIn(In):
    name: text(40, min_length=1)  # type: ignore[valid-type]
    parent_id: Id | None = None


class TagOut(Schema):
    id: int
    name: str
    parent_id: int | None


class HighlightIn(In):
    note_id: Id
    start: StrictInt
    end: StrictInt
    tag_ids: list[Id] = Field(default_factory=list, max_length=20)


class HighlightOut(Schema):
    id: int
    note_id: int
    start: int
    end: int
    text: str
    tags: list[str]


class InsightIn(In):
    programme_id: Id
    title: text(MAX_NAME, min_length=1)  # type: ignore[valid-type]
    body: text(MAX_NOTE) = ""  # type: ignore[valid-type]
    highlight_ids: list[Id] = Field(min_length=1, max_length=100)


class InsightOut(Schema):
    id: int
    programme_id: int
    title: str
    body: str
    evidence: list[int]


class ActionIn(In):
    kind: Literal["source_product", "pickup_time", "change_rule", "other"]
    title: text(MAX_NAME, min_length=1)  # type: ignore[valid-type]
    owner_id: Id


class ActionUpdateIn(In):
    status: Literal["open", "doing", "done", "dropped"]
    link: text(200) = ""  # type: ignore[valid-type]
    outcome: text(MAX_TEXT) = ""  # type: ignore[valid-type]


class ActionOut(Schema):
    id: int
    insight_id: int
    kind: str
    title: str
    owner_id: int
    status: str
    link: str
    outcome: str
    reported_back_at: datetime | None


class HitOut(Schema):
    kind: str
    id: int
    programme_id: int
    rank: float
    text: str
    link: str
