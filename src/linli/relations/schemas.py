from datetime import date
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field, StrictBool, StrictFloat, StrictInt
from pydantic_core import PydanticCustomError

from linli.core.schemas import Id, In, text

from .limits import MAX_CADENCE_DAYS, MAX_NAME, MAX_TAG, MAX_TAGS, MAX_TEXT, MAX_VALUE_FEN
from .models import Interaction, Organisation, Post, Tie


def _date_text(value: Any) -> Any:
    """A day comes as ISO text ("2026-12-07"), never as a number of seconds."""
    if isinstance(value, str | date):
        return value
    raise PydanticCustomError("date_type", "Input should be a valid date")


Day = Annotated[date, BeforeValidator(_date_text)]
Tags = Annotated[list[text(MAX_TAG)], Field(max_length=MAX_TAGS)]
IdList = Annotated[list[Id], Field(max_length=50)]

OrganisationKind = Literal[tuple(Organisation.Kind.values)]  # type: ignore[valid-type]
Level = Literal[tuple(Post.Level.values)]  # type: ignore[valid-type]
InteractionKind = Literal[tuple(Interaction.Kind.values)]  # type: ignore[valid-type]
TieKind = Literal[tuple(Tie.Kind.values)]  # type: ignore[valid-type]


class OrganisationIn(In):
    name: text(MAX_NAME, min_length=1)
    kind: OrganisationKind
    parent_id: Id | None = None
    community_id: Id | None = None
    supplier_id: Id | None = None
    leader_id: Id | None = None
    tags: Tags = []


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    community_id: int | None
    supplier_id: int | None
    leader_id: int | None
    tags: list[str]
    people: int = 0

    @staticmethod
    def of(found) -> "OrganisationOut":
        return OrganisationOut(
            id=found.pk,
            name=found.name,
            kind=found.kind,
            kind_label=str(found.get_kind_display()),
            parent_id=found.parent_id,
            community_id=found.community_id,
            supplier_id=found.supplier_id,
            leader_id=found.leader_id,
            tags=found.tag_list,
            people=getattr(found, "people", 0),
        )


class PersonIn(In):
    name: text(MAX_NAME, min_length=1)
    phone: text(20, default="")
    wechat: text(40, default="")
    email: text(254, default="")
    birthday: Day | None = None
    notes: text(MAX_TEXT, default="")
    tags: Tags = []


class PersonOut(Schema):
    """A person in a list; contact details masked without ``relations.view_contact``."""

    id: int
    name: str
    pinyin: str
    phone: str
    wechat: str
    tags: list[str]
    posts: list[str]
    strength: float | None = Field(description="The caller's own tie today, if any.")


class PostIn(In):
    organisation_id: Id
    level: Level
    role: text(MAX_NAME, default="")
    started_on: Day
    ended_on: Day | None = None


class PostOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    level: str
    level_label: str
    role: str
    started_on: date
    ended_on: date | None


class TieIn(In):
    other_id: Id
    kind: TieKind


class TieOut(Schema):
    kind: str
    person_id: int
    name: str


class CadenceIn(In):
    cadence_days: Annotated[StrictInt, Field(ge=1, le=MAX_CADENCE_DAYS)] | None = None
    keep_above: Annotated[StrictFloat | StrictInt, Field(ge=0, le=1000)] | None = None


class TiedOut(Schema):
    staff_id: int
    staff: str
    strength: float
    last_contact_on: date | None
    cadence_days: int | None
    keep_above: float | None
    due_on: date | None
    overdue: bool
    fading: bool


class InteractionIn(In):
    kind: InteractionKind
    happened_on: Day
    person_ids: Annotated[IdList, Field(min_length=1)]
    staff_ids: IdList = Field(default=[], description="Our staff in it; the caller if empty.")
    place: text(MAX_NAME * 2, default="")
    notes: text(MAX_TEXT, default="")
    value_fen: Annotated[StrictInt, Field(ge=0, le=MAX_VALUE_FEN)] = 0


class InteractionOut(Schema):
    id: int
    kind: str
    kind_label: str
    happened_on: date
    place: str
    notes: str
    value_fen: int
    review: str
    review_note: str
    anonymised: bool
    staff: list[str]
    people: list[str]


class ReviewIn(In):
    approve: StrictBool
    note: text(MAX_TEXT, default="")


class FavoursOut(Schema):
    year: int
    given_count: int
    given_fen: int
    received_count: int
    received_fen: int


class PersonDetailOut(Schema):
    id: int
    name: str
    pinyin: str
    initials: str
    phone: str
    wechat: str
    email: str
    birthday: date | None
    notes: str
    tags: list[str]
    official: bool
    posts: list[PostOut]
    ties: list[TiedOut]
    trend: list[tuple[date, float]]
    interactions: list[InteractionOut]
    favours: list[FavoursOut]
    knows: list[TieOut]


class SeatOut(Schema):
    person_id: int
    name: str
    strength: float
    known_by: int
    ends_on: date | None


class LevelOut(Schema):
    level: str
    label: str
    seats: list[SeatOut]


class GapOut(Schema):
    code: str
    level: str
    person: str
    message: str


class SupplierRecordOut(Schema):
    """A supplier's business with us (linked organisations of kind supplier or co-op)."""

    supplier_id: int
    group_buys: int
    deliveries: int
    on_time: int
    short: int
    complaint_percent: str
    approved_reports: int
    payable_fen: int
    paid_fen: int
    owed_fen: int


class LeaderRecordOut(Schema):
    leader_id: int
    group_buys: int
    formed: int
    failed: int
    households: int
    sales_fen: int
    commission_fen: int


class CoverageOut(Schema):
    organisation: OrganisationOut
    levels: list[LevelOut]
    gaps: list[GapOut]
    supplier: SupplierRecordOut | None = None
    leader: LeaderRecordOut | None = None


class ReminderOut(Schema):
    id: int
    kind: str
    person_id: int
    person: str
    due_on: date
    message: str


class StepOut(Schema):
    kind: str
    id: int
    name: str
    strength: float


class PathOut(Schema):
    found: bool
    cost: float | None
    steps: list[StepOut]


class CalendarOut(Schema):
    url: str


class DoneOut(Schema):
    done: int
