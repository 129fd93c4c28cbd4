import time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from rich.table import Table

from linli.core.management.base import LinliCommand
from linli.relations import importing, reminders, selectors, strength, texts
from linli.relations.access import reader


class Command(LinliCommand):
    help = (
        "The relationship book. `linli relations check` proves every stored strength equals a "
        "recompute from scratch; `recompute` stores them as of today (set-based); `remind` "
        "runs the daily reminder job now; `import FILE.xlsx --as USERNAME` imports people, "
        "organisations and posts (all or nothing, bad rows reported by line); `find TEXT "
        "--as USERNAME` searches by name, pinyin or initials; `reminders --as USERNAME`; "
        "`path PERSON_ID --as USERNAME` prints the warmest path."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("check", help="Stored strength == recomputed, for every relationship.")
        commands.add_parser("recompute", help="Store every strength as of today.")
        commands.add_parser("remind", help="Run the daily reminder job now.")
        imports = commands.add_parser("import", help="Import people from an Excel sheet.")
        imports.add_argument("file", type=Path)
        self.add_actor_argument(imports)
        find = commands.add_parser("find", help="Find people by name, pinyin or initials.")
        find.add_argument("text")
        self.add_actor_argument(find)
        listing = commands.add_parser("reminders", help="My reminders.")
        self.add_actor_argument(listing)
        path = commands.add_parser("path", help="The warmest path to a person.")
        path.add_argument("person_id", type=int)
        self.add_actor_argument(path)

    def handle(self, *args, command, **options):
        getattr(self, f"do_{command}")(**options)

    def do_check(self, **options):
        started = time.perf_counter()
        checked, wrong = strength.check()
        for mismatch in wrong[:20]:
            self.console.print(
                f"staff {mismatch.staff_id} · person {mismatch.person_id}: stored "
                f"{mismatch.stored!r} on {mismatch.on}, recomputed {mismatch.recomputed!r}"
            )
        took = time.perf_counter() - started
        if wrong:
            raise CommandError(f"{len(wrong)} of {checked} relationships differ.")
        self.console.print(f"{checked} relationships: stored == recomputed ({took:.1f} s).")

    def do_recompute(self, **options):
        started = time.perf_counter()
        count = strength.recompute(today=timezone.localdate())
        took = time.perf_counter() - started
        self.console.print(f"{count} relationships recomputed in {took:.1f} s.")

    def do_remind(self, **options):
        counts = reminders.make(timezone.localdate())
        self.console.print(", ".join(f"{kind}: {count}" for kind, count in counts.items()))

    def do_import(self, *, file: Path, actor, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        counts = importing.import_people(actor=self.actor(actor), data=data)
        self.console.print(
            f"{counts['people']} people, {counts['organisations']} new organisations, "
            f"{counts['posts']} posts imported."
        )

    def do_find(self, *, text: str, actor, **options):
        me = reader(self.actor(actor))
        found = list(selectors.people(me, q=text)[:50])
        table = Table(title=text)
        for column in ("id", "name", "pinyin", "phone", "posts", "my tie"):
            table.add_column(column)
        for row in selectors.rows(me, found, timezone.localdate()):
            table.add_row(
                str(row.id),
                row.name,
                row.pinyin,
                row.phone,
                " · ".join(row.posts),
                "" if row.strength is None else f"{row.strength:.2f}",
            )
        self.console.print(table)

    def do_reminders(self, *, actor, **options):
        me = reader(self.actor(actor))
        for reminder in selectors.open_reminders(me):
            message = texts.reminder(reminder.kind, reminder.person.name, reminder.detail)
            self.console.print(f"{reminder.due_on}  {message}")

    def do_path(self, *, person_id: int, actor, **options):
        found = selectors.warmest_path(reader(self.actor(actor)), person_id)
        if found is None:
            self.console.print("No path: nobody of ours is linked to this person.")
            return
        cost, steps = found
        self.console.print(
            " → ".join(
                step.name if not step.strength else f"({step.strength:.1f}) {step.name}"
                for step in steps
            )
            + f"   cost {cost:.2f}"
        )
