"""What the forecasts' API answers."""

from datetime import date

from ninja import Schema


class WeekOut(Schema):
    week: date
    units: float


class AheadOut(Schema):
    week: date
    expected: float
    low: float
    high: float


class ProductForecastOut(Schema):
    product_id: int
    product: str
    unit: str
    model: str
    history: list[WeekOut]
    ahead: list[AheadOut]


class SuggestionOut(Schema):
    product_id: int
    units: int
    low: int
    high: int
    offers: int
    from_city: bool
    #: The weekday (0 Monday … 6 Sunday) the community's group buys read mostly opened on.
    weekday: int | None
    why: str


class SupplierWeekOut(Schema):
    product_id: int
    product: str
    unit: str
    week: date
    expected: float
    communities: int


class UsualItemOut(Schema):
    product_id: int
    product: str
    unit: str
    every_days: int
    last: date
    due: bool
    quantity: int
    item_id: int | None
    group_buy_id: int | None
    group_buy: str
    price_fen: int | None


class SuggestionWeekOut(Schema):
    week: date
    items: int
    suggested_error: float
    chosen_error: float
    suggestion_nearer: int
    chosen_nearer: int
    #: Items opened before suggestions were kept, their suggestion worked out again.
    recomputed: int


class RunAccuracyOut(Schema):
    week: date
    series: int
    wape: float | None


class AccuracyOut(Schema):
    suggestions: list[SuggestionWeekOut]
    forecasts: list[RunAccuracyOut]
