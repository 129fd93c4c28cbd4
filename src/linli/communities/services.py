"""Writes to communities that leaders make from the pages."""

from django.db import transaction

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit

from .models import Household
from .selectors import CommunityNotFound


def set_neighbours_may_order(*, actor: User, household_id: int, allowed: bool) -> Household:
    """Mark a household as one that neighbours may order for (it agreed: it has no phone), or
    clear the mark. Only a leader of its community or an operator may."""
    who = roles(actor)
    with transaction.atomic():
        household = (
            Household.objects.select_for_update(of=("self",))
            .select_related("building")
            .filter(pk=household_id)
            .first()
        )
        if household is None or not who.manages(household.building.community_id):
            raise CommunityNotFound()
        if household.neighbours_may_order != allowed:
            household.neighbours_may_order = allowed
            household.save(update_fields=["neighbours_may_order"])
            audit.record(
                actor=actor,
                action="household.neighbours_may_order",
                target=household,
                data={"allowed": allowed},
            )
    return household
