"""The clock: periodic jobs declared in code, run by the worker.

An app declares a job in its ``tasks.py`` beside the task it runs::

    @task()
    def close_due() -> None: ...

    every(timedelta(minutes=1), close_due)

Each worker checks the clock on every turn of its loop; for each job's current time slot the
first worker to write a :class:`~linli.core.models.ClockTick` enqueues the task, so with any
number of workers on one database each slot runs once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ClockTick


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: object  # a django.tasks Task


_jobs: dict[str, Job] = {}

#: How long a job's past ticks are kept (what ran when, for an operator who asks).
KEEP = timedelta(days=2)


def every(period: timedelta, task) -> None:
    """Run ``task`` (a ``django.tasks`` task taking no arguments) once per ``period``."""
    name = f"{task.module_path}"
    _jobs[name] = Job(name=name, every=period, task=task)


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def slot(job: Job, now: datetime, fastest: timedelta | None = None) -> datetime:
    """The start of the time slot ``now`` falls in, for a job run every ``job.every`` (or
    every ``fastest``, when a worker is told to run its jobs more often)."""
    period = min(job.every, fastest) if fastest else job.every
    seconds = period.total_seconds()
    return datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=now.tzinfo)


class Clock:
    """A worker's view of the clock: remembers which slots it has already seen."""

    def __init__(self, *, fastest: timedelta | None = None) -> None:
        self.fastest = fastest
        self.seen: dict[str, datetime] = {}

    def tick(self, now: datetime | None = None) -> list[str]:
        """Enqueue each job whose slot has come and that no worker has enqueued yet;
        returns the names of those this worker enqueued."""
        now = now or timezone.now()
        enqueued = []
        for job in jobs():
            current = slot(job, now, self.fastest)
            if self.seen.get(job.name) == current:
                continue
            self.seen[job.name] = current
            try:
                with transaction.atomic():
                    ClockTick.objects.create(job=job.name, slot=current)
                    ClockTick.objects.filter(job=job.name, slot__lt=current - KEEP).delete()
                    job.task.enqueue()  # type: ignore[attr-defined]
            except IntegrityError:
                continue  # another worker has this slot
            enqueued.append(job.name)
        return enqueued
