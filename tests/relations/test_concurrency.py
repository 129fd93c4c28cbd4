"""Logging at the same moment, for real: threads with their own connections (side by side on
PostgreSQL; SQLite serialises the writers). However they interleave, every stored strength
equals the recompute from scratch, and each logged contact counts once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.relations import services, strength
from linli.relations.models import Interaction, Relationship

from ..groupbuys.conftest import collide
from .conftest import staff_member


@pytest.fixture
def live_book(transactional_db):
    staff = [staff_member(username=f"staff{n}") for n in range(3)]
    person = services.add_person(actor=staff[0], spec=services.PersonSpec(name="王建国"))
    return staff, person


def test_many_contacts_logged_at_once_all_count(live_book):
    staff, person = live_book
    today = timezone.localdate()

    def log(user, back):
        return lambda: services.log_interaction(
            actor=user,
            kind="visit",
            happened_on=today - timedelta(days=back),
            person_ids=[person.pk],
        )

    results = collide([log(user, back) for back in range(4) for user in staff])
    assert all(isinstance(result, Interaction) for result in results), results
    assert Relationship.objects.count() == 3
    assert strength.check() == (3, [])
    for relationship in Relationship.objects.all():
        assert relationship.strength == pytest.approx(
            2 * sum(0.5 ** (back / 180) for back in range(4)), rel=1e-9
        )


def test_the_daily_recompute_beside_contacts_being_logged(live_book):
    staff, person = live_book
    today = timezone.localdate()

    def log(user):
        return lambda: services.log_interaction(
            actor=user, kind="meal", happened_on=today, person_ids=[person.pk]
        )

    def recompute():
        return strength.recompute(today=today)

    collide([log(user) for user in staff] * 2 + [recompute] * 3)
    assert strength.check() == (3, [])
