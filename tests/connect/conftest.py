"""Consumer connect's tests: an operator who runs programmes, a programme, hosts and
participants around one neighbourhood (``hood``)."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import Permission

from linli.communities.models import Consent
from linli.communities.services import give_consent
from linli.connect import services
from linli.connect.models import Host, Participant, Programme

from .. import factories

# Around People's Square, Shanghai: 0.01 degree is about 1.1 km north, 0.95 km east.
LAT, LON = 31.23, 121.47


def grant(user, *codenames: str):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="connect", codename__in=codenames)
    )
    for cached in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, cached):
            delattr(user, cached)
    return user


@dataclass
class World:
    runner: object
    programme: Programme
    hosts: list[Host]  # two consenting households, a farm
    participants: list[Participant]
    hood: object


def sheet(rows: list[list]) -> bytes:
    """A CSV sheet."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def runner(db):
    return grant(factories.OperatorFactory(username="organiser"), "run_programme")


@pytest.fixture
def world(hood, runner) -> World:
    programme = services.create_programme(
        actor=runner,
        values={"name": "2027 春季走进用户", "starts_on": date(2027, 3, 1), "weeks": 4},
    )
    households = hood.households[:2]
    for household in households:
        give_consent(
            actor=hood.members[hood.households.index(household)],
            household_id=household.pk,
            purpose=Consent.Purpose.CONNECT_HOST,
        )
    hosts = [
        Host.objects.create(
            programme=programme, kind="household", household=households[0], label="1号楼一户",
            profile="elderly_alone", latitude=LAT, longitude=LON, languages=",普通话,",
        ),
        Host.objects.create(
            programme=programme, kind="household", household=households[1], label="2号楼一户",
            profile="young_family", latitude=LAT + 0.02, longitude=LON, languages=",普通话,",
        ),
        Host.objects.create(
            programme=programme, kind="farm", supplier=hood.supplier, label="崇明一家农场",
            profile="farmer", latitude=LAT + 0.3, longitude=LON + 0.2, stays_per_year=2,
        ),
    ]  # fmt: skip
    participants = [
        Participant.objects.create(
            programme=programme, staff_no=f"S{n:03d}", name=f"员工{n}", department=dept,
            latitude=LAT + 0.01 * n, longitude=LON, languages=",普通话,",
        )
        for n, dept in enumerate(["采购部", "采购部", "运营部"])
    ]  # fmt: skip
    return World(runner, programme, hosts, participants, hood)
