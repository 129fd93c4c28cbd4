"""Energy drops: green energy waiting to be collected, written under the daily cap."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

from linli.communities.models import Household

from .. import rules
from ..models import EnergyDrop
from .rows import among, insert


def config() -> dict:
    return settings.LINLI_REWARDS


@dataclass(frozen=True)
class Candidate:
    """One household that may earn from one rule for one source."""

    household_id: int
    source: str
    basis_fen: int
    order_id: int | None = None
    at: datetime | None = None  # when it happened (a pickup: when it was collected)


def write_drops(
    given: list[tuple[Candidate, int, int]], *, now: datetime, rule_id: int | None
) -> int:
    """Energy drops (candidate, CO₂ avoided, grams given), under the daily cap per household;
    each appears the day after it happened and lapses after the collection window."""
    if not given:
        return 0
    hours = config()["COLLECT_HOURS"]
    cap = config()["ENERGY_DAY_CAP_G"]
    households = sorted({c.household_id for c, _, _ in given})
    places = {
        pk: (building, community)
        for pk, building, community in Household.objects.filter(among(Household, "id", households))
        .order_by()
        .values_list("id", "building_id", "building__community_id")
    }
    days = [rules.local_day(c.at or now) for c, _, _ in given]
    today: dict[tuple[int, date], int] = defaultdict(int)
    for household, at, grams in (
        EnergyDrop.objects.filter(
            among(EnergyDrop, "household_id", households),
            earned_at__gte=rules.day_bounds(min(days))[0],
            earned_at__lt=rules.day_bounds(max(days))[1],
        )
        .order_by()
        .values_list("household_id", "earned_at", "grams")
    ):
        today[household, rules.local_day(at)] += grams
    rows = []
    for (c, avoided, grams), day in zip(given, days, strict=True):
        grams = max(0, min(grams, cap - today[c.household_id, day]))
        today[c.household_id, day] += grams
        appears, lapses = rules.energy_window(c.at or now, hours)
        building, community = places[c.household_id]
        rows.append(
            (
                c.household_id,
                c.source,
                rule_id,
                c.order_id,
                community,
                building,
                avoided,
                grams,
                c.at or now,
                appears,
                lapses,
            )
        )
    insert(
        EnergyDrop,
        (
            "household_id",
            "source",
            "rule_id",
            "order_id",
            "community_id",
            "building_id",
            "avoided_g",
            "grams",
            "earned_at",
            "appears_at",
            "lapses_at",
        ),
        rows,
    )
    return len(rows)
