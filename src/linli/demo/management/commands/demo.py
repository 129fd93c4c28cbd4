"""``linli demo``: generate the demo city, or print its logins if it is already there."""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from linli.demo.build import DEFAULT_SEED, build, holdings, logins
from linli.demo.city import LEADER, MEMBER, OPERATOR, SUPPLIER
from linli.demo.models import DemoCity
from linli.demo.scale import SIZES

WHAT = {
    MEMBER: "团员：浏览今日团购、下单、查看自己的订单",
    LEADER: "团长：开团、看接龙、截单、按楼栋发货",
    SUPPLIER: "供货商：查看采购单、登记到货",
    OPERATOR: "运营：全部社区，后台 /admin/",
}


class RichPhases:
    """One rich progress bar per phase."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    @contextlib.contextmanager
    def phase(self, label: str, total: int) -> Iterator:
        task = self.progress.add_task(label, total=total)
        done = 0

        def advance(steps: int) -> None:
            # The bar fills, and its clock stops, when the phase has loaded and committed,
            # not when the generator has made its last step's rows.
            nonlocal done
            steps = max(0, min(steps, total - 1 - done))
            done += steps
            self.progress.advance(task, steps)

        yield advance
        self.progress.update(task, completed=total)


class Command(BaseCommand):
    help = (
        "Generate the demo city (communities, households, suppliers, products and months of "
        "group-buy history) from a seed, and print logins to try it with. On a database that "
        "already holds the demo, only print the logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="default")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Same seed, same city.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete everything in the database (flush) and generate the city again.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="With --reset: do not ask before deleting data that is not the demo's.",
        )

    def handle(self, *args, **options):
        console = Console(file=self.stdout._out, highlight=False)
        self._check_migrated()
        scale = SIZES[options["size"]]
        found = holdings()

        if options["reset"] and not found.empty:
            if found.demo is None:
                self._confirm_wipe(found.others, options["interactive"])
            call_command("flush", interactive=False, verbosity=0)
        elif found.demo is not None and found.demo.finished_at is not None:
            demo = found.demo
            console.print(
                f"这个数据库里已经有演示城市（{demo.size}，seed {demo.seed}，"
                f"{demo.finished_at:%Y-%m-%d %H:%M} 生成）。"
                f"The demo city is already here; `linli demo --reset` makes it again."
            )
            if (demo.size, demo.seed) != (scale.name, options["seed"]):
                console.print(
                    f"[yellow]Asked for size {scale.name}, seed {options['seed']}: "
                    "add --reset to regenerate with those.[/yellow]"
                )
            self._print_logins(console, demo)
            return
        elif found.demo is not None:
            raise CommandError(
                "An earlier `linli demo` stopped part-way, so the database holds half a city. "
                "Run `linli demo --reset` to start again."
            )
        elif not found.empty:
            raise CommandError(
                "This database holds data that is not the demo's ("
                + self._describe(found.others)
                + "). The demo generates into an empty database only; `linli demo --reset` "
                "deletes everything in it first."
            )

        console.print(
            f"生成演示城市 Generating the demo city: size {scale.name}, seed {options['seed']}"
        )
        columns = (
            TextColumn("{task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            demo = build(seed=options["seed"], scale=scale, phases=RichPhases(progress))
        self._print_summary(console, demo)
        self._print_logins(console, demo)

    def _check_migrated(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not migrated yet: run `linli migrate` first.")

    @staticmethod
    def _describe(others: dict[str, int]) -> str:
        return ", ".join(f"{count} {what}" for what, count in others.items() if count)

    def _confirm_wipe(self, others: dict[str, int], interactive: bool) -> None:
        database = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        what = self._describe(others)
        if not interactive:
            self.stderr.write(f"Deleting data that is not the demo's: {what} in {database}.")
            return
        answer = input(
            f"{database} holds data that is not the demo's: {what}.\n"
            "--reset deletes ALL of it. Type 'yes' to go on: "
        )
        if answer.strip() != "yes":
            raise CommandError("Nothing deleted.")

    def _print_summary(self, console: Console, demo: DemoCity) -> None:
        table = Table(title="演示城市 The demo city", title_justify="left")
        table.add_column("what")
        table.add_column("count", justify="right")
        for what, count in demo.figures.items():
            if what != "seconds":
                table.add_row(what, f"{count:,}")
        table.add_row("seconds", f"{demo.figures['seconds']:.1f}")
        console.print(table)

    def _print_logins(self, console: Console, demo: DemoCity) -> None:
        password = settings.LINLI["DEMO_PASSWORD"]
        table = Table(
            title=f"登录 Sign in at http://127.0.0.1:8000/login/ (password {password})",
            title_justify="left",
        )
        table.add_column("role")
        table.add_column("username")
        table.add_column("password")
        table.add_column("what they can do")
        for role, user in logins(demo).items():
            if user is None:
                table.add_row(role, demo.logins.get(role, "?"), "-", "[red]deleted since[/red]")
            else:
                table.add_row(role, user.username, password, WHAT[role])
        console.print(table)
