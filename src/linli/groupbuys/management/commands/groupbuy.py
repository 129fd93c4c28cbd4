from django.core.management.base import CommandError
from django.utils import timezone
from rich.table import Table

from linli.accounts.roles import roles
from linli.core.formatting import LocalTime, yuan
from linli.core.management.base import LinliCommand
from linli.groupbuys import rules, selectors, services
from linli.groupbuys.models import GroupBuy


class Command(LinliCommand):
    help = "Group buys: list, show (with the live tally), open, close early."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        listing = sub.add_parser("list", help="Group buys, newest cutoff first")
        listing.add_argument("--community", type=int)
        listing.add_argument("--status", choices=GroupBuy.Status.values)
        listing.add_argument("--limit", type=int, default=30)

        show = sub.add_parser("show", help="One group buy and its tally")
        show.add_argument("group_buy_id", type=int)

        opening = sub.add_parser("open", help="Open a group buy (as a leader of the community)")
        self.add_actor_argument(opening)
        opening.add_argument("--community", type=int, required=True)
        opening.add_argument("--title", required=True)
        opening.add_argument("--description", default="")
        opening.add_argument(
            "--item",
            action="append",
            required=True,
            metavar="PRODUCT:PRICE_FEN:STOCK[:LIMIT]",
            help="Repeat for each item, e.g. --item 12:450:100:5",
        )
        opening.add_argument("--min", type=int, required=True, help="Minimum to form (成团)")
        opening.add_argument(
            "--households", action="store_true", help="Count the minimum in households"
        )
        opening.add_argument("--max", type=int, help="Close early when this many are reached")
        opening.add_argument("--opens", help="Opening time (default now)")
        opening.add_argument("--cutoff", required=True, help="e.g. '2026-11-24 20:00' (Shanghai)")
        opening.add_argument("--pickup", required=True, help="Pickup starts")
        opening.add_argument("--pickup-until", required=True, help="Pickup ends")
        opening.add_argument("--place", default="", help="Pickup place (default: the community's)")

        closing = sub.add_parser("close", help="Close now: forms or fails (as a leader)")
        self.add_actor_argument(closing)
        closing.add_argument("group_buy_id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _list(self, community, status, limit, **_):
        group_buys = GroupBuy.objects.select_related("community").order_by("-cutoff_at", "-id")
        if community:
            group_buys = group_buys.filter(community_id=community)
        if status:
            group_buys = group_buys.filter(status=status)
        table = Table("id", "community", "title", "status", "cutoff", "pickup")
        now = timezone.now()
        for group_buy in group_buys[:limit]:
            table.add_row(
                str(group_buy.pk),
                group_buy.community.name,
                group_buy.title,
                rules.status_label(group_buy, now),
                str(LocalTime(group_buy.cutoff_at)),
                str(LocalTime(group_buy.pickup_starts_at)),
            )
        self.console.print(table)

    def _show(self, group_buy_id, **_):
        group_buy = GroupBuy.objects.select_related("community").filter(pk=group_buy_id).first()
        if group_buy is None:
            raise CommandError(f"No group buy {group_buy_id}.")
        tally = selectors.tally(group_buy)
        self.console.print(
            f"[bold]{group_buy.title}[/] · {group_buy.community.name} · "
            f"{rules.status_label(group_buy, timezone.now())}\n"
            f"cutoff {LocalTime(group_buy.cutoff_at)} · pickup {LocalTime(group_buy.pickup_starts_at)}"
            f"–{LocalTime(group_buy.pickup_ends_at)} at {group_buy.pickup_place}\n"
            f"{tally.fill}/{tally.min_to_form} {group_buy.get_threshold_display()} to form"
            f" · {tally.orders} orders · {tally.households} households · {yuan(tally.sales_fen)}"
        )
        table = Table("item", "product", "price", "ordered", "left", "households")
        for item in tally.items:
            table.add_row(
                str(item.item_id),
                f"{item.name} ({item.unit})",
                yuan(item.price_fen),
                str(item.ordered),
                f"{item.stock_left}/{item.stock_initial}",
                str(item.households),
            )
        self.console.print(table)

    def _open(self, actor, **options):
        items = []
        for text in options["item"]:
            parts = text.split(":")
            if len(parts) not in (3, 4) or not all(part.isdigit() for part in parts):
                raise CommandError(f"{text!r} is not PRODUCT:PRICE_FEN:STOCK[:LIMIT].")
            numbers = [int(part) for part in parts]
            items.append(
                services.ItemSpec(
                    product_id=numbers[0],
                    price_fen=numbers[1],
                    stock=numbers[2],
                    per_household_limit=numbers[3] if len(numbers) == 4 else None,
                )
            )
        group_buy = services.open_group_buy(
            actor=self.actor(actor),
            community_id=options["community"],
            title=options["title"],
            description=options["description"],
            items=items,
            min_to_form=options["min"],
            threshold="households" if options["households"] else "units",
            max_to_close=options["max"],
            opens_at=self.moment(options["opens"]) if options["opens"] else None,
            cutoff_at=self.moment(options["cutoff"]),
            pickup_starts_at=self.moment(options["pickup"]),
            pickup_ends_at=self.moment(options["pickup_until"]),
            pickup_place=options["place"],
        )
        self.console.print(f"opened group buy {group_buy.pk}: {group_buy.title}")

    def _close(self, actor, group_buy_id, **_):
        user = self.actor(actor)
        group_buy = services.close_group_buy(actor=user, group_buy_id=group_buy_id, early=True)
        self.console.print(f"group buy {group_buy.pk} is {group_buy.get_status_display()}")
        if group_buy.status == GroupBuy.Status.FORMED:
            for purchase_order in selectors.visible_purchase_orders(roles(user)).filter(
                group_buy=group_buy
            ):
                self.console.print(
                    f"  purchase order {purchase_order.pk} → {purchase_order.supplier}"
                )
