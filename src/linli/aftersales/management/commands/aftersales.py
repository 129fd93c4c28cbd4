from rich.table import Table

from linli.accounts.roles import roles
from linli.aftersales import selectors
from linli.core.formatting import LocalTime, yuan
from linli.core.management.base import LinliCommand


class Command(LinliCommand):
    help = (
        "After-sales. `linli aftersales list --as USERNAME` prints the reports waiting for a "
        "decision (an operator's: escalated and waiting; a leader's: their communities') and, "
        "for an operator, every supplier's complaint rate."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        listing = commands.add_parser("list", help="Reports waiting; complaint rates.")
        self.add_actor_argument(listing)

    def handle(self, *args, command, **options):
        who = roles(self.actor(options["actor"]))
        waiting = Table(title="after-sales")
        for column in ("id", "status", "community", "household", "item", "kind", "asked", "by"):
            waiting.add_column(column)
        for report in selectors.to_decide(who):
            waiting.add_row(
                str(report.pk),
                str(report.get_status_display()),
                report.community.name,
                f"{report.household.building.name} {report.household.room}",
                f"{report.product.name} × {report.quantity}",
                str(report.get_kind_display()),
                yuan(report.asked_fen),
                str(LocalTime(report.decide_by)),
            )
        self.console.print(waiting)
        if who.operator:
            rates = Table(title="complaint rate, 90 days")
            for column in ("supplier", "delivered", "approved reports", "approved units", "rate"):
                rates.add_column(column)
            for rate in selectors.operator_rates(who):
                rates.add_row(
                    rate.supplier,
                    str(rate.delivered_units),
                    str(rate.approved_reports),
                    str(rate.approved_units),
                    rate.percent,
                )
            self.console.print(rates)
