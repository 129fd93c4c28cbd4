import time

from django.core.management.base import CommandError
from rich.table import Table

from linli.accounts.roles import roles
from linli.core.formatting import yuan
from linli.core.management.base import LinliCommand
from linli.ledger import selectors


class Command(LinliCommand):
    help = (
        "The ledger. `linli ledger check` proves it sound over every posting (exit status 1 if "
        "not); `linli ledger leader --as USERNAME` prints a leader's group buys' money."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("check", help="Every entry balances per unit; every unit sums to 0.")
        leader = commands.add_parser("leader", help="Who paid, who owes, refunds, commission.")
        self.add_actor_argument(leader)
        leader.add_argument("--leader", type=int, help="Another leader's id (operators).")

    def handle(self, *args, command, **options):
        if command == "check":
            return self.check_ledger()
        who = roles(self.actor(options["actor"]))
        self.leader(selectors.leader_ledger(who, options.get("leader")))

    def check_ledger(self) -> None:
        started = time.perf_counter()
        result = selectors.check()
        seconds = time.perf_counter() - started
        console = self.console
        console.print(
            f"{result.entries:,} entries, {result.postings:,} postings, checked in {seconds:.2f} s"
        )
        for unit, total in sorted(result.totals.items()):
            console.print(f"  {unit}: sum of all postings {total:+,d}")
        problems = [
            *(
                f"entry {e} does not balance in {u}: {t:+d}"
                for e, u, t in result.unbalanced_entries
            ),
            *(f"entry {e} has fewer than two postings" for e in result.short_entries),
            *(
                f"correction {e} is not the negation of what it corrects"
                for e in result.bad_reversals
            ),
            *(f"{u} does not sum to zero: {t:+d}" for u, t in result.totals.items() if t),
        ]
        for problem in problems[:50]:
            console.print(f"  ✗ {problem}")
        if problems:
            raise CommandError(f"the ledger is NOT sound: {len(problems)} problem(s)")
        console.print("the ledger is sound: every entry balances and every unit sums to zero")

    def leader(self, ledger: selectors.LeaderLedger) -> None:
        table = Table(title=str(ledger.leader))
        for column in (
            "group buy",
            "charged",
            "paid",
            "owes",
            "refund due",
            "refunded",
            "commission",
        ):
            table.add_column(column, justify="left" if column == "group buy" else "right")
        for row in [*ledger.group_buys, ledger.total]:
            table.add_row(
                row.title or "total",
                *(
                    yuan(v)
                    for v in (
                        row.charged,
                        row.paid,
                        row.owes,
                        row.refund_due,
                        row.refunded,
                        row.commission_fen,
                    )
                ),
            )
        self.console.print(table)
        self.console.print(f"commission paid out: {yuan(ledger.commission_paid_fen)}")
