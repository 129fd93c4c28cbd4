"""The group buys' periodic jobs, run by ``linli worker`` (see :mod:`linli.core.clock`)."""

from datetime import timedelta

from django.tasks import task

from linli.core.clock import every

from .services import close_due_group_buys


@task()
def run_the_clock() -> dict:
    """Close every group buy whose cutoff has passed and complete every one whose pickup
    window has ended."""
    run = close_due_group_buys()
    return {"formed": run.formed, "failed": run.failed, "completed": run.completed}


every(timedelta(minutes=1), run_the_clock)
