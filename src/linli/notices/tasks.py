"""The notices' periodic jobs, run by ``linli worker`` (see :mod:`linli.core.clock`)."""

from datetime import datetime, timedelta

from django.tasks import task
from django.utils import timezone

from linli.core.clock import every

from . import selectors, services
from .rules import Kind


def remind_before_cutoff(now: datetime | None = None) -> int:
    """Tell the households that usually order from a group buy's leader, and have not ordered
    in it, that it closes within the hour; once per group buy per person. Returns how many
    notices were written."""
    now = now or timezone.now()
    written = 0
    for group_buy in selectors.closing_soon(now):
        params = {
            "group_buy_id": group_buy.pk,
            "title": group_buy.title,
            "cutoff": group_buy.cutoff_at.isoformat(),
        }
        written += len(
            services.notify_households(
                kind=Kind.CUTOFF_SOON,
                key=f"group_buy:{group_buy.pk}",
                households=dict.fromkeys(selectors.usual_orderers(group_buy), params),
                now=now,
            )
        )
    return written


@task()
def cutoff_reminders() -> dict:
    return {"written": remind_before_cutoff()}


@task()
def send_notices() -> dict:
    """Send the notices due by e-mail (and any channel added later)."""
    run = services.send_due()
    return {"sent": run.sent, "failed": run.failed, "skipped": run.skipped}


every(timedelta(minutes=5), cutoff_reminders)
every(timedelta(minutes=1), send_notices)
