"""Rewards' clock, run by ``linli worker`` (see :mod:`linli.core.clock`): points expire and
uncollected energy lapses every hour; tiers are reviewed once a year."""

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
def review_tiers() -> dict:
    return services.review_tiers()


every(timedelta(hours=1), expire_points)
every(timedelta(hours=1), lapse_energy)
every(timedelta(days=365), review_tiers)
