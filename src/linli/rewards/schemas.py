from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field, StrictBool, StrictFloat, StrictInt
from pydantic_core import PydanticCustomError

from linli.core.schemas import Id, In, text

from .limits import MAX_AMOUNT, MAX_NAME, MAX_NOTE
from .models import EarningRule, GreenAction, Perk, RewardUnit, Site, Trigger


def _date_text(value: Any) -> Any:
    """A day comes as ISO text ("2026-12-07"), never as a number of seconds."""
    if isinstance(value, str | date):
        return value
    raise PydanticCustomError("date_type", "Input should be a valid date")


Day = Annotated[date, BeforeValidator(_date_text)]
Amount = Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT)]
Fen = Annotated[StrictInt, Field(ge=0, le=10_000_000)]
Coordinate = StrictFloat | StrictInt

# A goal's points come through a rule of its own (trigger "goal"), made with the goal.
TriggerName = Literal[tuple(t for t in Trigger.values if t != Trigger.GOAL)]  # type: ignore[valid-type]
UnitName = Literal[tuple(RewardUnit.values)]  # type: ignore[valid-type]
EffectName = Literal[tuple(EarningRule.Effect.values)]  # type: ignore[valid-type]
PerkKind = Literal[tuple(Perk.Kind.values)]  # type: ignore[valid-type]
ActionKind = Literal[tuple(GreenAction.Kind.values)]  # type: ignore[valid-type]
SiteKind = Literal[tuple(Site.Kind.values)]  # type: ignore[valid-type]


class RuleIn(In):
    name: text(MAX_NAME, min_length=1)
    trigger: TriggerName
    amount: Amount
    unit: UnitName = RewardUnit.POINTS.value
    effect: EffectName = EarningRule.Effect.FIXED.value
    community_id: Id | None = None
    category: text(20) = ""
    min_amount_fen: Fen = 0
    per_day_cap: Amount | None = None
    per_month_cap: Amount | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None


class RuleOut(Schema):
    id: int
    name: str
    trigger: str
    trigger_label: str
    unit: str
    effect: str
    amount: int
    community_id: int | None
    category: str
    min_amount_fen: int
    per_day_cap: int | None
    per_month_cap: int | None
    starts_on: date
    ends_on: date | None
    active: bool


class ActiveIn(In):
    active: StrictBool


class PerkIn(In):
    name: text(MAX_NAME, min_length=1)
    kind: PerkKind
    cost: Amount
    stock: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)] | None = None
    min_tier_id: Id | None = None
    community_id: Id | None = None
    product_id: Id | None = None
    hours_early: Annotated[StrictInt, Field(ge=0, le=72)] = 0
    coupon_fen: Fen = 0


class PerkOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    cost: int
    left: int | None
    min_tier: str | None
    hours_early: int
    coupon_fen: int
    product_id: int | None
    may_redeem: bool | None = None
    why_not: str | None = None


class RedemptionOut(Schema):
    id: int
    perk_id: int
    perk: str
    points: int
    code: str
    at: datetime
    points_left: int


class TierOut(Schema):
    name: str
    name_en: str
    min_points: int


class LotOut(Schema):
    id: int
    rule: str
    source: str
    amount: int
    remaining: int
    taken_back: int
    earned_at: datetime
    expires_at: datetime


class ExpiringOut(Schema):
    at: datetime
    points: int


class StandingOut(Schema):
    household_id: int
    points: int
    energy_g: int
    tier: TierOut | None
    next_tier: TierOut | None
    earned_12m: int
    expiring: list[ExpiringOut]
    history: list[LotOut]
    redemptions: list[RedemptionOut]
    perks: list[PerkOut]


class DropOut(Schema):
    id: int
    source: str
    order_id: int | None
    avoided_g: int
    grams: int
    appears_at: datetime
    lapses_at: datetime
    collected_at: datetime | None
    lapsed_at: datetime | None


class TreeOut(Schema):
    id: int
    species: str
    species_en: str
    energy_g: int
    needed_g: int
    stage: int
    together: bool
    grown_at: datetime | None
    code: str | None


class EnergyOut(Schema):
    household_id: int
    balance_g: int
    ready_g: int
    ready: list[DropOut]
    coming: list[DropOut]
    recent: list[DropOut]
    tree: TreeOut | None
    shared_tree: TreeOut | None
    grown: list[TreeOut]


class CollectedOut(Schema):
    grams: int
    balance_g: int


class TreeIn(In):
    species_id: Id
    together: StrictBool = False


class WaterIn(In):
    together: StrictBool = False
    grams: Amount | None = None


class SpeciesIn(In):
    name: text(MAX_NAME, min_length=1)
    name_en: text(MAX_NAME, min_length=1)
    energy_g: Amount


class SpeciesOut(Schema):
    id: int
    name: str
    name_en: str
    energy_g: int


class BatchIn(In):
    partner: text(MAX_NAME, min_length=1)
    place: text(MAX_NOTE, min_length=1)
    lat: Annotated[Coordinate, Field(ge=-90, le=90)]
    lng: Annotated[Coordinate, Field(ge=-180, le=180)]
    planted_on: Day
    species_id: Id
    count: Annotated[StrictInt, Field(ge=1, le=10_000)]


class BatchOut(Schema):
    id: int
    partner: str
    place: str
    lat: float
    lng: float
    planted_on: date
    species: str
    count: int
    codes: list[str]


class SiteIn(In):
    kind: SiteKind
    owner_id: Id
    lat: Annotated[Coordinate, Field(ge=-90, le=90)]
    lng: Annotated[Coordinate, Field(ge=-180, le=180)]


class SiteOut(Schema):
    kind: str
    owner_id: int
    lat: float
    lng: float


class GreenActionIn(In):
    order_id: Id
    kind: ActionKind


class GreenActionOut(Schema):
    id: int
    order_id: int
    household_id: int
    kind: str


class ImperfectIn(In):
    item_id: Id
    imperfect: StrictBool = True


class ImperfectOut(Schema):
    item_id: int
    imperfect: bool


class ReferralIn(In):
    household_id: Id
    invited_by_id: Id


class ReferralOut(Schema):
    household_id: int
    invited_by_id: int


class ForestRowOut(Schema):
    name: str
    community_id: int
    building_id: int | None
    trees_grown: int
    trees_planted: int
    avoided_g: int
    pickups: int


class MonthOut(Schema):
    month: str
    avoided_g: int


class ForestOut(Schema):
    total_avoided_g: int
    total_grown: int
    total_planted: int
    communities: list[ForestRowOut]
    buildings: list[ForestRowOut]
    months: list[MonthOut]


class ModelOut(Schema):
    van_drop_g: int
    vehicle_g_per_km: int
    road_factor: float
    default_km: float
    collect_hours: int
    energy_day_cap_g: int
    points_expire_days: int
    sources: list[str]


class GoalIn(In):
    """A community goal. The threshold and the community are checked by the service, so that
    a goal above 100 % or without a community is told so in words."""

    name: text(MAX_NAME)
    community_id: Id | None = None
    building_id: Id | None = None
    threshold_pct: Annotated[StrictInt, Field(ge=-1_000_000, le=1_000_000)]
    month: Day
    unlock: Literal["points", "perk"]
    points: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)] = 0
    perk_id: Id | None = None


class GoalOut(Schema):
    id: int
    name: str
    community_id: int
    building_id: int | None
    building: str | None
    measure: str
    measure_label: str
    threshold_pct: int
    month: date
    unlock: str
    points: int
    perk_id: int | None
    perk: str | None
    settled_at: datetime | None
    met: bool | None


class GoalProgressOut(Schema):
    goal: GoalOut
    households_counted: int
    households_on_time: int
    share_pct: float
    reached: bool
    settled: bool
