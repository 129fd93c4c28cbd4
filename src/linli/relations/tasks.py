"""The relationship book's daily job, run by ``linli worker`` (see :mod:`linli.core.clock`)."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from linli.core.clock import every

from . import reminders


@task()
def remind_staff() -> dict:
    """Every strength brought to today; each staff member's list of reminders for today."""
    return reminders.make(timezone.localdate())


every(timedelta(days=1), remind_staff)
