"""After-sales' periodic job, run by ``linli worker`` (see :mod:`linli.core.clock`)."""

from datetime import timedelta

from django.tasks import task

from linli.core.clock import every

from .services import escalate_overdue


@task()
def hand_overdue_reports_to_operators() -> dict:
    """Reports a leader has not decided within the window go to an operator."""
    return {"escalated": escalate_overdue()}


every(timedelta(minutes=1), hand_overdue_reports_to_operators)
