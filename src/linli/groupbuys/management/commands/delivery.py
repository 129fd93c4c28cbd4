from rich.table import Table

from linli.accounts.roles import roles
from linli.core.management.base import LinliCommand
from linli.groupbuys import selectors, services


class Command(LinliCommand):
    help = "Record what a supplier delivered: PURCHASE_ORDER_ID PRODUCT_ID=QUANTITY …"

    def add_arguments(self, parser):
        self.add_actor_argument(parser)
        parser.add_argument("purchase_order_id", type=int)
        parser.add_argument("lines", nargs="*", metavar="PRODUCT_ID=QUANTITY")

    def handle(self, *args, actor, purchase_order_id, lines, **options):
        user = self.actor(actor)
        if lines:
            services.record_delivery(
                actor=user,
                purchase_order_id=purchase_order_id,
                delivered=self.pairs(lines, "PRODUCT_ID=QUANTITY"),
            )
        purchase_order = selectors.purchase_order_for(roles(user), purchase_order_id)
        self.console.print(
            f"purchase order {purchase_order.pk}: {purchase_order.supplier} → "
            f"{purchase_order.group_buy.community} ({purchase_order.group_buy.title})"
        )
        table = Table("product", "name", "ordered", "delivered", "handed out")
        for line in purchase_order.lines.all():
            table.add_row(
                str(line.product_id),
                f"{line.product.name} ({line.product.unit})",
                str(line.quantity),
                "" if line.delivered is None else str(line.delivered),
                str(line.handed_out),
            )
        self.console.print(table)
