"""The privacy app's periodic job, run by ``linli worker`` (see :mod:`linli.core.clock`)."""

from datetime import timedelta

from django.tasks import task

from linli.core.clock import every

from .services import expire_copies


@task()
def expire_data_copies() -> dict:
    """Copies not downloaded in time expire, and their files go."""
    return {"expired": expire_copies()}


every(timedelta(hours=1), expire_data_copies)
