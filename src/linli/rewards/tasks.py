"""Rewards' clock, run by ``linli worker`` (see :mod:`linli.core.clock`): every hour points
expire, uncollected energy lapses and the community goals of a month that ended settle (each
once); tiers are reviewed once a year."""

from datetime import timedelta

from django.tasks import task

from linli.core.clock import every

from . import services


@task()
def expire_points() -> dict:
    return services.expire_due()


@task()
def lapse_energy() -> int:
    return services.lapse_due()


@task()
def settle_goals() -> dict:
    """Community goals whose month is over, each settled once."""
    return services.settle_goals()


@task()
def review_tiers() -> dict:
    return services.review_tiers()


every(timedelta(hours=1), expire_points)
every(timedelta(hours=1), lapse_energy)
every(timedelta(hours=1), settle_goals)
every(timedelta(days=365), review_tiers)
