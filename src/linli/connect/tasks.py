"""Consumer connect's weekly job, run by ``linli worker`` (see :mod:`linli.core.clock`):
a reminder to each participant who is behind on their days (``reminders.py``)."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from linli.core.clock import every

from . import reminders


@task()
def remind_behind() -> dict:
    return reminders.send(timezone.localdate())


every(timedelta(days=7), remind_behind)
