"""The shared neighbourhood, with rooms as flats are numbered (floor and flat: 101, 1202).

The shared factory numbers rooms from a sequence that runs on through the whole test run, and
late in a run writes rooms like 100413 that no building has and no chain would write."""

import pytest

from linli.communities.models import Building, Household


def number_rooms(community) -> None:
    """Give the community's buildings the names residents use (1号楼, 2号楼, …; the factory's
    counter reaches 1298号楼 late in a run, beyond any real compound) and every household a
    room of its own: 101, 201, … 1801, 102, …"""
    buildings = list(Building.objects.filter(community=community).order_by("pk"))
    for step in ("tmp-", ""):
        for index, building in enumerate(buildings):
            Building.objects.filter(pk=building.pk).update(name=f"{step}{index + 1}号楼")
    households = Household.objects.filter(building__community=community).order_by("pk")
    for index, household in enumerate(households):
        floor, flat = index % 18 + 1, index // 18 + 1
        Household.objects.filter(pk=household.pk).update(room=f"{floor}{flat:02d}")


@pytest.fixture
def hood(hood):
    number_rooms(hood.community)
    for household in hood.households:
        household.refresh_from_db()
        household.building.refresh_from_db()
    return hood
