from rich.progress import Progress

from linli.core.management.base import LinliCommand
from linli.groupbuys import services


class Command(LinliCommand):
    help = (
        "Close every group buy whose cutoff has passed (it forms or fails) and complete every "
        "one whose pickup window has ended. Safe to run as often as you like, e.g. every minute."
    )

    def handle(self, *args, **options):
        console = self.console
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("cutoff", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            run = services.close_due_group_buys(progress=advance)
        console.print(
            f"formed {len(run.formed)}, failed {len(run.failed)}, completed {len(run.completed)}"
        )
        for label, ids in (
            ("formed", run.formed),
            ("failed", run.failed),
            ("completed", run.completed),
        ):
            if ids:
                console.print(f"  {label}: {', '.join(map(str, ids))}")
