from linli.core.management.base import LinliCommand
from linli.groupbuys import services


class Command(LinliCommand):
    help = "Hand out an order at the gate, by pickup code or order id; in part with ITEM_ID=QTY."

    def add_arguments(self, parser):
        self.add_actor_argument(parser)
        parser.add_argument("group_buy_id", type=int)
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--code", help="The 12-digit pickup code, or the address its QR holds")
        which.add_argument("--order", type=int, help="The order id")
        parser.add_argument("lines", nargs="*", metavar="ITEM_ID=QUANTITY")

    def handle(self, *args, actor, group_buy_id, code, order, lines, **options):
        handed = services.confirm_pickup(
            actor=self.actor(actor),
            group_buy_id=group_buy_id,
            code=code,
            order_id=order,
            lines=dict(self.pairs(lines)) if lines else None,
        )
        self.console.print(
            f"order {handed.pk} (跟团号 {handed.seq}): {handed.get_pickup_display()}"
        )
