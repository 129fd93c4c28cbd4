import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from rich.table import Table

from linli.connect import errors, importing, planning, reminders, selectors, services
from linli.core.errors import render
from linli.core.management.base import LinliCommand


class Command(LinliCommand):
    help = (
        "Consumer connect. `linli connect import participants|hosts FILE --programme ID --as "
        "USERNAME` imports a sheet (.xlsx or .csv; all or nothing, bad rows reported by line); "
        "`match PROGRAMME --as USERNAME [--json]` assigns participants to hosts and weeks "
        "(min-cost flow, with greedy in the same run; confirmed stays are kept); `behind "
        "PROGRAMME --as USERNAME` lists who is behind on their days; `remind` runs the weekly "
        "reminder job now."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        imports = commands.add_parser("import", help="Import participants or hosts.")
        imports.add_argument("what", choices=["participants", "hosts"])
        imports.add_argument("file", type=Path)
        imports.add_argument("--programme", type=int, required=True)
        self.add_actor_argument(imports)
        match = commands.add_parser("match", help="Match participants to hosts and weeks.")
        match.add_argument("programme", type=int)
        match.add_argument("--json", action="store_true", help="Print the report as JSON.")
        self.add_actor_argument(match)
        late = commands.add_parser("behind", help="Who is behind on their days.")
        late.add_argument("programme", type=int)
        self.add_actor_argument(late)
        commands.add_parser("remind", help="Run the weekly reminder job now.")

    def handle(self, *args, command, **options):
        getattr(self, f"do_{command}")(**options)

    def do_import(self, *, what: str, file: Path, programme: int, actor, **options):
        user = self.actor(actor)
        found = services.programme_for(user, programme)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        work = importing.import_participants if what == "participants" else importing.import_hosts
        try:
            counts = work(actor=user, programme=found, data=data)
        except errors.BadInput as error:
            lines = [str(error.message)] + [
                f"  line {d.get('line', '?')}, {d.get('field', '')}: {d.get('message', '')}"
                for d in render(error.details)
            ]
            raise CommandError("\n".join(lines)) from error
        self.console.print(f"{what}: {counts['added']} added, {counts['updated']} updated.")

    def do_match(self, *, programme: int, actor, json: bool, **options):
        found = services.programme_for(self.actor(actor), programme)
        run = planning.run(actor=self.actor(actor), programme=found)
        report = run.report
        if json:
            self.stdout.write(
                _json({"run": run.pk, "bound": run.bound, "seconds": round(run.seconds, 3),
                       **{k: v for k, v in report.items() if k != "unplaced"},
                       "unplaced_sample": report["unplaced"][:20]})
            )  # fmt: skip
            return
        table = Table(title=f"{found.name}: run #{run.pk} ({run.seconds:.1f} s)")
        for column in ("", "cost", "placed", "unplaced", "gap to bound", "seconds"):
            table.add_column(column)
        greedy_gap = report["greedy_gap"]
        table.add_row(
            "min-cost flow", str(run.cost), str(run.placed), str(run.unplaced),
            f"{report['gap']:.4%}", str(report["flow"]["seconds"]),
        )  # fmt: skip
        table.add_row(
            "greedy", str(run.greedy_cost), str(run.greedy_placed), str(run.greedy_unplaced),
            "—" if greedy_gap is None else f"{greedy_gap:.4%}", str(report["greedy"]["seconds"]),
        )  # fmt: skip
        self.console.print(table)
        self.console.print(f"bound {run.bound}; kept stays {report['kept']}; arcs {report['arcs']}")
        self.console.print(
            f"{report.get('method', 'priced')}; flow passes {report.get('passes', 1)}; "
            "variety within the run "
            f"{report.get('variety', 0)}"
        )
        if report.get("long"):
            long = report["long"]
            self.console.print(
                f"long stays (CP-SAT, {long['pieces']} pieces): {long['placed']} of "
                f"{long['participants']} placed"
            )
        for reason, count in sorted(report["flow"]["reasons"].items()):
            self.console.print(f"unplaced, {reason}: {count}")

    def do_behind(self, *, programme: int, actor, **options):
        found = services.programme_for(self.actor(actor), programme)
        table = Table(title=found.name)
        for column in ("staff no", "name", "department", "owed", "done", "behind"):
            table.add_column(column)
        for s in selectors.behind(found)[:200]:
            table.add_row(s.staff_no, s.name, s.department, str(s.owed), str(s.done), str(s.behind))
        self.console.print(table)

    def do_remind(self, **options):
        self.console.print(str(reminders.send(timezone.localdate())))


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
