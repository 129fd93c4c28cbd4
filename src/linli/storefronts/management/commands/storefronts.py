from rich.table import Table

from linli.accounts.roles import roles
from linli.core.management.base import LinliCommand
from linli.groupbuys import services as groupbuys
from linli.groupbuys.fair_shares import Policy
from linli.storefronts import rules, selectors


class Command(LinliCommand):
    help = (
        "Storefronts, presales and help-sell. `linli storefronts presales --as USERNAME` lists "
        "the presales the user may see, with quantities per community; `harvest PRESALE_ID "
        "UNITS --as FARMER [--policy proportional|equal|fcfs]` records a harvest (a short one "
        "is shared out across communities and refunded); `offers --as USERNAME` lists a "
        "supplier's help-sell offers with every leader's level, share and sales, or the offers "
        "a leader holds with the chain above it."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        listing = commands.add_parser("presales", help="Presales, per community.")
        self.add_actor_argument(listing)
        harvest = commands.add_parser("harvest", help="Record a presale's harvest.")
        harvest.add_argument("presale_id", type=int)
        harvest.add_argument("units", type=int)
        harvest.add_argument("--policy", default=Policy.PROPORTIONAL, choices=list(Policy))
        self.add_actor_argument(harvest)
        offers = commands.add_parser("offers", help="Help-sell offers and chains.")
        self.add_actor_argument(offers)

    def handle(self, *args, command, **options):
        getattr(self, f"do_{command}")(**options)

    def do_presales(self, *, actor, **options):
        who = roles(self.actor(actor))
        table = Table(title="presales")
        for column in ("id", "product", "harvest", "sold / total", "status", "communities"):
            table.add_column(column)
        for found in selectors.presales(who)[:100]:
            shown = selectors.presale(who, found.pk)
            table.add_row(
                str(found.pk),
                found.product.name,
                str(found.harvest_on),
                f"{found.sold} / {found.total}",
                found.status,
                ", ".join(f"{c.community} {c.ordered}" for c in shown.communities),
            )
        self.console.print(table)

    def do_harvest(self, *, presale_id, units, policy, actor, **options):
        harvest = groupbuys.record_harvest(
            actor=self.actor(actor), presale_id=presale_id, harvested=units, policy=policy
        )
        for share in harvest.shares:
            self.console.print(
                f"group buy {share.group_buy_id}: ordered {share.ordered}, gets {share.delivered}"
            )
        self.console.print(
            f"Harvest of {harvest.harvested} recorded ({harvest.policy}); {harvest.sold} sold."
        )

    def do_offers(self, *, actor, **options):
        who = roles(self.actor(actor))
        table = Table(title="help-sell")
        for column in ("offer", "product", "level", "leader", "share", "units", "sales ¥"):
            table.add_column(column)
        if who.supplier_ids or who.operator:
            for shown in selectors.supplier_offers(who):
                for sold in shown.sold:
                    table.add_row(
                        str(shown.offer.pk),
                        shown.offer.product.name,
                        str(sold.depth),
                        sold.leader,
                        rules.percent(sold.share_ppm),
                        str(sold.units),
                        f"{sold.sales_fen / 100:.2f}",
                    )
        else:
            for held in selectors.passes_held(who):
                chain = " → ".join(
                    f"{p.leader.user.username} {rules.percent(p.share_ppm)}" for p in held.chain
                )
                table.add_row(
                    str(held.held.offer_id),
                    held.held.offer.product.name,
                    str(held.held.depth),
                    chain,
                    rules.percent(held.held.share_ppm),
                    str(held.units),
                    f"{held.sales_fen / 100:.2f}",
                )
        self.console.print(table)
