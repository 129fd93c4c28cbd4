from rich.table import Table

from linli.accounts.roles import roles
from linli.core.formatting import yuan
from linli.core.management.base import LinliCommand
from linli.groupbuys import selectors, services


class Command(LinliCommand):
    help = "Orders: place, change, cancel, list (acting as a member, or a leader for a household)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        place = sub.add_parser("place", help="Place an order: ITEM_ID=QUANTITY …")
        self.add_actor_argument(place)
        place.add_argument("group_buy_id", type=int)
        place.add_argument("lines", nargs="+", metavar="ITEM_ID=QUANTITY")
        place.add_argument("--household", type=int, help="Order for this household (leaders)")
        place.add_argument("--note", default="")

        change = sub.add_parser("change", help="Replace an order's lines: ITEM_ID=QUANTITY …")
        self.add_actor_argument(change)
        change.add_argument("order_id", type=int)
        change.add_argument("lines", nargs="+", metavar="ITEM_ID=QUANTITY")

        cancel = sub.add_parser("cancel", help="Cancel an order")
        self.add_actor_argument(cancel)
        cancel.add_argument("order_id", type=int)

        listing = sub.add_parser("list", help="Orders the user may see")
        self.add_actor_argument(listing)
        listing.add_argument("--group-buy", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _show(self, user, order_id: int) -> None:
        order = selectors.order_for(roles(user), order_id)
        lines = ", ".join(f"{line.item.product.name}×{line.quantity}" for line in order.lines.all())
        number = f" 跟团号 {order.seq}" if order.seq else ""
        code = f" pickup code {order.pickup_code}" if order.seq else ""
        self.console.print(
            f"order {order.pk} ({order.get_status_display()}){number}: {lines} = {yuan(order.total_fen)}{code}"
        )

    def _place(self, actor, group_buy_id, lines, household, note, **_):
        user = self.actor(actor)
        order = services.place_order(
            actor=user,
            group_buy_id=group_buy_id,
            lines=self.pairs(lines),
            household_id=household,
            note=note,
        )
        self._show(user, order.pk)

    def _change(self, actor, order_id, lines, **_):
        user = self.actor(actor)
        services.change_order(actor=user, order_id=order_id, lines=self.pairs(lines))
        self._show(user, order_id)

    def _cancel(self, actor, order_id, **_):
        user = self.actor(actor)
        services.cancel_order(actor=user, order_id=order_id)
        self._show(user, order_id)

    def _list(self, actor, group_buy, **_):
        orders = selectors.visible_orders(roles(self.actor(actor))).order_by("-placed_at")
        if group_buy:
            orders = orders.filter(group_buy_id=group_buy)
        table = Table("id", "group buy", "跟团号", "household", "status", "pickup", "total")
        for order in orders[:100]:
            table.add_row(
                str(order.pk),
                str(order.group_buy_id),
                str(order.seq or ""),
                f"{order.household.building.name} {order.household.room}",
                order.get_status_display(),
                order.get_pickup_display(),
                yuan(order.total_fen),
            )
        self.console.print(table)
