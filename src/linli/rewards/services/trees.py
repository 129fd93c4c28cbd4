"""Trees: a member starts one (alone, or with the building: 合种), gives it collected energy
until it is grown, and an operator records the real planting of grown trees in batches."""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.communities.models import Household
from linli.ledger.services import post

from .. import rules
from ..errors import (
    AlreadyGrowing,
    BadInput,
    NoEnergy,
    NotEnoughGrownTrees,
    NoTree,
    SpeciesNotFound,
)
from ..models import PlantingBatch, Species, Tree, Watering
from . import book
from .access import member_household, operator


def _growing(household: Household, *, together: bool):
    if together:
        return Tree.objects.filter(building_id=household.building_id, grown_at__isnull=True)
    return Tree.objects.filter(household_id=household.pk, grown_at__isnull=True)


def start_tree(
    *, actor: User, species_id: int, together: bool = False, now: datetime | None = None
) -> Tree:
    """A new virtual tree of a species for the member's household, or for its building."""
    now = now or timezone.now()
    household = Household.objects.select_related("building").get(pk=member_household(actor))
    species = Species.objects.filter(pk=species_id, active=True).first()
    if species is None:
        raise SpeciesNotFound()
    if _growing(household, together=together).exists():
        raise AlreadyGrowing()
    try:
        with transaction.atomic():
            return Tree.objects.create(
                species=species,
                household=None if together else household,
                building=household.building if together else None,
                community_id=household.building.community_id,
                started_at=now,
            )
    except IntegrityError:  # started at the same moment by another tap
        raise AlreadyGrowing() from None


def water(
    *, actor: User, together: bool = False, grams: int | None = None, now: datetime | None = None
) -> Watering:
    """Give collected energy (all of it, or ``grams``) to the growing tree, no more than it
    still needs; the tree is grown when it has what its species needs."""
    now = now or timezone.now()
    if grams is not None and grams <= 0:
        raise BadInput(details=[{"field": "grams", "message": "grams > 0"}])
    household = Household.objects.select_related("building").get(pk=member_household(actor))
    with transaction.atomic():
        book.lock_energy(household.pk)
        tree = (
            _growing(household, together=together)
            .select_for_update()
            .select_related("species")
            .first()
        )
        if tree is None:
            raise NoTree()
        held = book.energy_of(household.pk)
        offered = held if grams is None else min(grams, held)
        give = rules.to_grow(tree.energy_g, tree.species.energy_g, offered)
        if give <= 0:
            raise NoEnergy()
        entry = post(
            book.WATERED,
            [(book.energy_account(household.pk), give), (book.ENERGY_OPERATOR, -give)],
            at=now,
            actor=actor,
            memo=f"tree {tree.pk}",
        )
        assert entry is not None
        tree.energy_g += give
        if tree.energy_g >= tree.species.energy_g:
            tree.grown_at = now
        tree.save(update_fields=["energy_g", "grown_at"])
        return Watering.objects.create(
            tree=tree, household=household, grams=give, at=now, entry=entry
        )


def plant(
    *,
    actor: User,
    partner: str,
    place: str,
    lat: float,
    lng: float,
    planted_on: date,
    species_id: int,
    count: int,
) -> PlantingBatch:
    """The operator records a planting: ``count`` grown trees of the species, grown first
    planted first, each given a code for its certificate."""
    operator(actor)
    problems = []
    if not partner.strip():
        problems.append({"field": "partner", "message": "required"})
    if not place.strip():
        problems.append({"field": "place", "message": "required"})
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        problems.append({"field": "lat", "message": "-90..90, -180..180"})
    if count <= 0:
        problems.append({"field": "count", "message": "count > 0"})
    if problems:
        raise BadInput(details=problems)
    with transaction.atomic():
        species = Species.objects.filter(pk=species_id).first()
        if species is None:
            raise SpeciesNotFound()
        waiting = list(
            Tree.objects.select_for_update()
            .filter(species=species, grown_at__isnull=False, batch__isnull=True)
            .order_by("grown_at", "id")[:count]
        )
        if len(waiting) < count:
            raise NotEnoughGrownTrees(grown=len(waiting), species=species.name, count=count)
        batch = PlantingBatch.objects.create(
            partner=partner.strip(),
            place=place.strip(),
            lat=lat,
            lng=lng,
            planted_on=planted_on,
            species=species,
            count=count,
        )
        for tree in waiting:
            tree.batch = batch
            tree.code = f"LL{planted_on:%Y}-{species.pk:02d}-{tree.pk:07d}"
        Tree.objects.bulk_update(waiting, ["batch", "code"])
        return batch
