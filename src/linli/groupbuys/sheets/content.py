"""What the printed sheets say, gathered once and shared by the Excel and the PDF writers.

Headings follow the active language (the request's, 简体中文 by default); names of goods,
buildings and households are printed as they are stored.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from linli.accounts.roles import Roles
from linli.core.formatting import LocalTime

from .. import rules, selectors
from ..errors import PickupNotReady
from ..models import GroupBuy, PurchaseOrder
from ..pickup_codes import pickup_qr_text, site_url

HANDED_OUT = (GroupBuy.Status.FORMED, GroupBuy.Status.COMPLETED)


@dataclass(frozen=True)
class Column:
    item_id: int
    product: str
    unit: str

    @property
    def heading(self) -> str:
        return f"{self.product}（{self.unit}）"


@dataclass(frozen=True)
class Row:
    """One order at the gate: what to hand out of each item (its share of a short delivery,
    or what was ordered) and the code to check."""

    seq: int | None
    room: str
    household: str
    phone: str
    quantities: list[int]
    pickup_code: str
    remarks: str
    # What the printed QR holds: the hand-out address with the code when LINLI_SITE_URL is set
    # (the sheet is also made from the command line, with no request), else the code.
    qr_text: str

    def goods(self, columns: list[Column]) -> str:
        """``崇明青菜 2斤，土鸡蛋 1盒``: the row's goods as one line of text."""
        return _("; ").join(
            f"{column.product} {quantity}{column.unit}"
            for column, quantity in zip(columns, self.quantities, strict=True)
            if quantity
        )


@dataclass(frozen=True)
class BuildingSheet:
    building_id: int
    name: str
    rows: list[Row] = field(default_factory=list)

    def totals(self) -> list[int]:
        return [sum(column) for column in zip(*(row.quantities for row in self.rows), strict=True)]


@dataclass(frozen=True)
class DistributionBook:
    group_buy_id: int
    title: str
    community: str
    pickup_place: str
    pickup_starts_at: datetime
    pickup_ends_at: datetime
    columns: list[Column]
    buildings: list[BuildingSheet]

    @property
    def pickup(self) -> str:
        return _("Pickup %(starts)s – %(ends)s at %(place)s") % {
            "starts": LocalTime(self.pickup_starts_at),
            "ends": str(LocalTime(self.pickup_ends_at))[-5:],
            "place": self.pickup_place,
        }

    def heading(self, building: BuildingSheet) -> str:
        return f"{self.community} {building.name} · {self.title}"


def distribution_book(who: Roles, group_buy: GroupBuy) -> DistributionBook:
    """Per building, who gets what, for a formed group buy the caller runs (as checked by
    :func:`linli.groupbuys.selectors.managed_group_buy`). Two queries."""
    if group_buy.status not in HANDED_OUT:
        raise PickupNotReady(status=group_buy.get_status_display())
    columns = [
        Column(item_id=item.pk, product=item.product.name, unit=item.product.unit)
        for item in group_buy.items.all()
    ]
    position = {column.item_id: index for index, column in enumerate(columns)}
    base = site_url()
    buildings: dict[int, BuildingSheet] = {}
    for order in selectors.distribution_orders(group_buy):
        household = order.household
        quantities = [0] * len(columns)
        remarks = []
        for line in order.lines.all():
            quantities[position[line.item_id]] = line.due
            if line.due < line.quantity:
                remarks.append(
                    _("%(product)s: ordered %(ordered)s, shared out %(due)s")
                    % {"product": line.item.product.name, "ordered": line.quantity, "due": line.due}
                )
        if household.vulnerable:
            remarks.insert(0, _("vulnerable: served first"))
        if order.note:
            remarks.append(order.note)
        sheet = buildings.setdefault(
            household.building_id,
            BuildingSheet(building_id=household.building_id, name=household.building.name),
        )
        sheet.rows.append(
            Row(
                seq=order.seq,
                room=household.room,
                household=household.contact_name,
                phone=who.shown_phone(household.pk, household.phone),
                quantities=quantities,
                pickup_code=order.pickup_code,
                remarks=_("; ").join(remarks),
                qr_text=pickup_qr_text(
                    group_buy_id=group_buy.pk, code=order.pickup_code, base=base
                ),
            )
        )
    return DistributionBook(
        group_buy_id=group_buy.pk,
        title=group_buy.title,
        community=group_buy.community.name,
        pickup_place=group_buy.pickup_place,
        pickup_starts_at=group_buy.pickup_starts_at,
        pickup_ends_at=group_buy.pickup_ends_at,
        columns=columns,
        buildings=list(buildings.values()),
    )


@dataclass(frozen=True)
class PurchaseLine:
    product: str
    spec: str
    unit: str
    ordered: int
    delivered: int | None
    unit_cost_fen: int

    @property
    def cost_fen(self) -> int:
        """What the line costs: as delivered once the delivery is recorded."""
        return rules.line_cost_fen(
            ordered=self.ordered, delivered=self.delivered, unit_cost_fen=self.unit_cost_fen
        )


@dataclass(frozen=True)
class PurchaseSheet:
    """One supplier's purchase order for one community: quantities per product, never a
    household."""

    purchase_order_id: int
    supplier: str
    community: str
    district: str
    deliver_to: str
    group_buy: str
    pickup_starts_at: datetime
    created_at: datetime
    lines: list[PurchaseLine]

    @property
    def total_fen(self) -> int:
        return sum(line.cost_fen for line in self.lines)

    def facts(self) -> list[tuple[str, Any]]:
        """The heading facts, label and value."""
        return [
            (_("Supplier"), self.supplier),
            (_("Community"), f"{self.community}（{self.district}）"),
            (_("Deliver to"), self.deliver_to),
            (_("Deliver before"), str(LocalTime(self.pickup_starts_at))),
            (_("Group buy"), self.group_buy),
            (_("Purchase order"), f"PO-{self.purchase_order_id}"),
            (_("Issued"), str(LocalTime(self.created_at))),
        ]


def purchase_sheet(purchase_order: PurchaseOrder) -> PurchaseSheet:
    """A purchase order the caller may see (as checked by
    :func:`linli.groupbuys.selectors.purchase_order_for`), as printed."""
    group_buy = purchase_order.group_buy
    community = group_buy.community
    return PurchaseSheet(
        purchase_order_id=purchase_order.pk,
        supplier=purchase_order.supplier.name,
        community=community.name,
        district=community.district,
        deliver_to=f"{community.address} {group_buy.pickup_place}".strip(),
        group_buy=group_buy.title,
        pickup_starts_at=group_buy.pickup_starts_at,
        created_at=purchase_order.created_at,
        lines=[
            PurchaseLine(
                product=line.product.name,
                spec=line.product.spec,
                unit=line.product.unit,
                ordered=line.quantity,
                delivered=line.delivered,
                unit_cost_fen=line.unit_cost_fen,
            )
            for line in purchase_order.lines.all()
        ],
    )
