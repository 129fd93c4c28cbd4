from pathlib import Path

from django.core.management.base import CommandError

from linli.accounts.roles import roles
from linli.core.management.base import LinliCommand
from linli.groupbuys import selectors, sheets


class Command(LinliCommand):
    help = (
        "Write a sheet to print: `distribution GROUP_BUY_ID` (per building, leader) or "
        "`purchase-order PURCHASE_ORDER_ID` (supplier, leader), as --format xlsx or pdf."
    )

    def add_arguments(self, parser):
        self.add_actor_argument(parser)
        parser.add_argument("kind", choices=["distribution", "purchase-order"])
        parser.add_argument("id", type=int)
        parser.add_argument("--format", dest="kind_of_file", choices=["xlsx", "pdf"], default="pdf")
        parser.add_argument("-o", "--output", help="file to write (default: KIND-ID.FORMAT)")

    def handle(self, *args, actor, kind, id, kind_of_file, output, **options):
        user = self.actor(actor)
        who = roles(user)
        if kind == "distribution":
            book = sheets.distribution_book(who, selectors.managed_group_buy(who, id))
            writer = (
                sheets.distribution_workbook if kind_of_file == "xlsx" else sheets.distribution_pdf
            )
            content = writer(book)
        else:
            sheet = sheets.purchase_sheet(selectors.purchase_order_for(who, id))
            writer = (
                sheets.purchase_order_workbook
                if kind_of_file == "xlsx"
                else sheets.purchase_order_pdf
            )
            content = writer(sheet)
        path = Path(output or f"{kind}-{id}.{kind_of_file}")
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from error
        self.console.print(f"wrote {path} ({len(content):,} bytes)")
