"""What group buys hold about a household: its orders, their lines and pickups
(``linli.core.personal_data``). Orders are kept when the household leaves (the ledger and the
suppliers' purchase orders rest on them); only the free-text note is erased."""

from linli.core.personal_data import Rows, plain_rows

from .models import Order, OrderLine

COVERS = ("groupbuys.order", "groupbuys.orderline")


def export(household_id: int) -> dict[str, Rows]:
    orders = Order.objects.filter(household_id=household_id).order_by("placed_at", "pk")
    return {
        "orders": plain_rows(
            orders,
            "id",
            "group_buy_id",
            "group_buy__title",
            "group_buy__pickup_place",
            "status",
            "seq",
            "pickup_code",
            "pickup",
            "note",
            "total_fen",
            "placed_by_id",
            "placed_at",
            "cancelled_at",
            "collected_at",
        ),
        "order_lines": plain_rows(
            OrderLine.objects.filter(order__household_id=household_id).order_by("order_id", "pk"),
            "order_id",
            "item__product__name",
            "item__product__unit",
            "quantity",
            "unit_price_fen",
            "allocated",
            "picked_up",
        ),
    }


def erase(household_id: int) -> None:
    Order.objects.filter(household_id=household_id).exclude(note="").update(note="")
