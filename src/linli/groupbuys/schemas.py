from datetime import datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field, StrictInt

from linli.accounts.roles import roles
from linli.core.schemas import Id, In, Moment, text

from . import rules
from .fair_shares import Policy
from .limits import (
    MAX_DESCRIPTION,
    MAX_ITEMS,
    MAX_LINE_QUANTITY,
    MAX_LINES,
    MAX_NOTE,
    MAX_PLACE,
    MAX_PRICE_FEN,
    MAX_STOCK,
    MAX_THRESHOLD,
    MAX_TITLE,
)

Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_LINE_QUANTITY)]


class ItemIn(In):
    product_id: Id
    price_fen: Annotated[StrictInt, Field(gt=0, le=MAX_PRICE_FEN)]
    stock: Annotated[StrictInt, Field(gt=0, le=MAX_STOCK)]
    per_household_limit: Annotated[StrictInt, Field(ge=1, le=MAX_STOCK)] | None = None
    # A share of a presale, or a help-sell offer the leader holds (decision 0038).
    presale_id: Id | None = None
    help_sell_id: Id | None = None


class GroupBuyIn(In):
    community_id: Id
    title: text(MAX_TITLE, min_length=1)
    description: text(MAX_DESCRIPTION, default="")
    threshold: Literal["units", "households"] = "units"
    min_to_form: Annotated[StrictInt, Field(ge=1, le=MAX_THRESHOLD)]
    max_to_close: Annotated[StrictInt, Field(ge=1, le=MAX_THRESHOLD)] | None = None
    opens_at: Moment | None = None
    cutoff_at: Moment
    pickup_starts_at: Moment
    pickup_ends_at: Moment
    pickup_place: text(MAX_PLACE, default="")
    items: list[ItemIn] = Field(min_length=1, max_length=MAX_ITEMS)


class LineIn(In):
    item_id: Id
    quantity: Quantity


class OrderIn(In):
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    household_id: Id | None = None
    note: text(MAX_NOTE, default="")


class OrderChangeIn(In):
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    note: text(MAX_NOTE) | None = None


class PickupIn(In):
    # 12 digits, or the hand-out address a pickup code's QR holds, as a scanner types it.
    code: text(300, min_length=1) | None = None
    order_id: Id | None = None
    lines: list[LineIn] | None = Field(None, min_length=1, max_length=MAX_LINES)


class DeliveryLineIn(In):
    product_id: Id
    delivered: Annotated[StrictInt, Field(ge=0, le=1_000_000)]


class DeliveryIn(In):
    lines: list[DeliveryLineIn] = Field(min_length=1, max_length=100)


class ProductNamed(Schema):
    """The product's name, unit and spec on a row that points at a ``product``."""

    product_id: int
    name: str
    unit: str
    spec: str

    @staticmethod
    def resolve_name(row) -> str:
        return row.product.name

    @staticmethod
    def resolve_unit(row) -> str:
        return row.product.unit

    @staticmethod
    def resolve_spec(row) -> str:
        return row.product.spec


class ItemOut(ProductNamed):
    id: int
    price_fen: int
    stock_initial: int
    stock_left: int
    per_household_limit: int | None


class GroupBuyOut(Schema):
    id: int
    community_id: int
    community: str
    leader_id: int
    title: str
    description: str
    status: str
    threshold: str
    min_to_form: int
    max_to_close: int | None
    opens_at: datetime
    cutoff_at: datetime
    pickup_starts_at: datetime
    pickup_ends_at: datetime
    pickup_place: str
    closed_at: datetime | None
    close_reason: str
    completed_at: datetime | None
    completion_reason: str = Field(description="all_collected, pickup_window_ended; '' until then")
    accepting_orders: bool = Field(description="Takes orders, changes and cancellations now")
    closing: bool = Field(
        description="Past its cutoff and not closed yet: the worker's clock closes it shortly"
    )
    items: list[ItemOut]

    @staticmethod
    def resolve_community(group_buy) -> str:
        return group_buy.community.name

    @staticmethod
    def resolve_accepting_orders(group_buy) -> bool:
        return rules.accepting_orders(group_buy, timezone.now())

    @staticmethod
    def resolve_closing(group_buy) -> bool:
        return rules.closing(group_buy, timezone.now())

    @staticmethod
    def resolve_items(group_buy):
        return list(group_buy.items.all())


class OrderLineOut(Schema):
    item_id: int
    product_id: int
    name: str
    unit: str
    quantity: int
    unit_price_fen: int
    picked_up: int
    allocated: int | None = Field(
        description="Its share of a short delivery once shared out; null: the full quantity"
    )

    @staticmethod
    def resolve_product_id(line) -> int:
        return line.item.product_id

    @staticmethod
    def resolve_name(line) -> str:
        return line.item.product.name

    @staticmethod
    def resolve_unit(line) -> str:
        return line.item.product.unit


class OrderOut(Schema):
    """An order as its household, its leaders and operators see it. Leaders see the phone
    masked; the pickup code exists once the group buy has formed."""

    id: int
    group_buy_id: int
    household_id: int
    building: str
    room: str
    contact_name: str
    phone: str
    placed_by: str
    status: str
    seq: int | None
    pickup_code: str | None
    pickup: str
    note: str
    total_fen: int
    placed_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    collected_at: datetime | None
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_building(order) -> str:
        return order.household.building.name

    @staticmethod
    def resolve_room(order) -> str:
        return order.household.room

    @staticmethod
    def resolve_contact_name(order) -> str:
        return order.household.contact_name

    @staticmethod
    def resolve_phone(order, context) -> str:
        return roles(context["request"].auth).shown_phone(order.household_id, order.household.phone)

    @staticmethod
    def resolve_placed_by(order) -> str:
        return str(order.placed_by)

    @staticmethod
    def resolve_pickup_code(order) -> str | None:
        return order.issued_pickup_code

    @staticmethod
    def resolve_lines(order):
        return list(order.lines.all())


class PurchaseOrderLineOut(ProductNamed):
    quantity: int
    unit_cost_fen: int
    delivered: int | None
    handed_out: int


class PurchaseOrderOut(Schema):
    """Quantities per product for one community: never a household's name, room or phone."""

    id: int
    group_buy_id: int
    group_buy: str
    supplier_id: int
    supplier: str
    community_id: int
    community: str
    district: str
    deliver_to: str
    pickup_starts_at: datetime
    created_at: datetime
    delivery_recorded_at: datetime | None
    total_cost_fen: int
    lines: list[PurchaseOrderLineOut]

    @staticmethod
    def resolve_group_buy(po) -> str:
        return po.group_buy.title

    @staticmethod
    def resolve_supplier(po) -> str:
        return po.supplier.name

    @staticmethod
    def resolve_community_id(po) -> int:
        return po.group_buy.community_id

    @staticmethod
    def resolve_community(po) -> str:
        return po.group_buy.community.name

    @staticmethod
    def resolve_district(po) -> str:
        return po.group_buy.community.district

    @staticmethod
    def resolve_deliver_to(po) -> str:
        community = po.group_buy.community
        return f"{community.address} {po.group_buy.pickup_place}".strip()

    @staticmethod
    def resolve_pickup_starts_at(po) -> datetime:
        return po.group_buy.pickup_starts_at

    @staticmethod
    def resolve_total_cost_fen(po) -> int:
        return sum(
            rules.line_cost_fen(
                ordered=line.quantity, delivered=line.delivered, unit_cost_fen=line.unit_cost_fen
            )
            for line in po.lines.all()
        )

    @staticmethod
    def resolve_lines(po):
        return list(po.lines.all())


class AllocationIn(In):
    policy: Policy


class LineShareOut(Schema):
    line_id: int
    order_id: int
    seq: int | None
    building: str
    room: str
    vulnerable: bool
    ordered: int
    picked_up: int
    allocated: int
    shortfall: int
    shortfall_fen: int


class AllocationOut(Schema):
    """One policy's outcome for one item: each order line's share and the rules applied."""

    item_id: int
    group_buy_id: int
    purchase_order_id: int
    product: str
    unit: str
    policy: Policy
    policy_label: str
    ordered: int
    delivered: int
    allocated: int
    shortfall: int
    shortfall_fen: int
    applied: bool
    applied_at: datetime | None
    rules: list[str]
    lines: list[LineShareOut]

    @staticmethod
    def resolve_policy_label(plan) -> str:
        return str(plan.policy_label)

    @staticmethod
    def resolve_rules(plan) -> list[str]:
        return [str(rule) for rule in plan.rules]
