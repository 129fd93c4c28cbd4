from pathlib import Path

from django.core.management.base import CommandError
from rich.table import Table

from linli.core.management.base import LinliCommand
from linli.core.personal_data import holders
from linli.privacy import services


class Command(LinliCommand):
    help = (
        "A household's data under PIPL. `linli privacy holders` lists where each app keeps "
        "data about a household; `copy --as USERNAME --out FILE.zip` makes the member's "
        "household's copy now (as the worker would) and hands it out once; `expire` expires "
        "copies not downloaded in time (the worker does it hourly)."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("holders", help="Where each app keeps data about a household.")
        copy = commands.add_parser("copy", help="A member's household's copy, now, to a file.")
        self.add_actor_argument(copy)
        copy.add_argument("--out", type=Path, required=True)
        commands.add_parser("expire", help="Expire copies not downloaded in time.")

    def handle(self, *args, command, **options):
        getattr(self, f"do_{command}")(**options)

    def do_holders(self, **options):
        table = Table("holder", "covers")
        for holder in holders():
            table.add_row(holder.name, ", ".join(holder.covers) or "—")
        self.console.print(table)

    def do_copy(self, *, actor, out: Path, **options):
        member = self.actor(actor)
        if out.exists():
            raise CommandError(f"{out} exists: choose another file.")
        copy = services.request_copy(actor=member)
        services.prepare_copy(copy_id=copy.pk)
        copy, content = services.take_copy(actor=member, copy_id=copy.pk)
        out.write_bytes(content)
        self.console.print(f"copy {copy.pk}: {len(content)} bytes → {out}")

    def do_expire(self, **options):
        self.console.print(f"expired {services.expire_copies()} copies")
