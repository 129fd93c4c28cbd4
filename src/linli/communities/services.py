"""Writes to communities that leaders make from the pages."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit, events
from linli.core.errors import Invalid

from .consent_texts import CONSENT_TEXTS
from .models import Consent, Household
from .selectors import CommunityNotFound


def set_neighbours_may_order(*, actor: User, household_id: int, allowed: bool) -> Household:
    """Mark a household as one that neighbours may order for (it agreed: it has no phone), or
    clear the mark. Only a leader of its community or an operator may. Marking it records the
    household's consent (``Consent.Purpose.NEIGHBOURS_ORDER``), given through the leader;
    ordering for it needs both, so the household's own withdrawal stops it at once."""
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
        if allowed:
            _choose(
                actor=actor,
                household_id=household.pk,
                purpose=Consent.Purpose.NEIGHBOURS_ORDER,
                granted=True,
            )
    return household


class UnknownPurpose(Invalid):
    code = "unknown_consent_purpose"
    template = _("There is no such purpose to consent to: %(purpose)s.")


def give_consent(*, actor: User, household_id: int, purpose: str) -> Consent:
    """The household says yes to ``purpose`` under the current text."""
    return _choose(actor=actor, household_id=household_id, purpose=purpose, granted=True)


def withdraw_consent(*, actor: User, household_id: int, purpose: str) -> Consent:
    """The household says no to ``purpose``: every use that needs it stops at once (readers
    ask :func:`~linli.communities.selectors.has_consent` each time; apps that keep copies
    subscribe to ``consent.withdrawn``)."""
    return _choose(actor=actor, household_id=household_id, purpose=purpose, granted=False)


def _choose(*, actor: User, household_id: int, purpose: str, granted: bool) -> Consent:
    if purpose not in CONSENT_TEXTS:
        raise UnknownPurpose(purpose=purpose)
    version = CONSENT_TEXTS[purpose].version
    who = roles(actor)
    with transaction.atomic():
        household = (
            Household.objects.select_for_update(of=("self",))
            .select_related("building")
            .filter(pk=household_id)
            .first()
        )
        if household is None or not (
            who.household_id == household.pk or who.manages(household.building.community_id)
        ):
            raise CommunityNotFound()
        newest = (
            Consent.objects.filter(household=household, purpose=purpose).order_by("-id").first()
        )
        if newest is not None and newest.granted == granted and newest.text_version == version:
            return newest  # the same answer to the same text: nothing new to record
        consent = Consent.objects.create(
            household=household,
            purpose=purpose,
            granted=granted,
            text_version=version,
            actor=actor if actor.is_authenticated else None,
        )
        audit.record(
            actor=actor,
            action="consent.given" if granted else "consent.withdrawn",
            target=household,
            data={"purpose": purpose, "text_version": version},
        )
        events.publish(
            "consent.given" if granted else "consent.withdrawn",
            {"household": household.pk, "purpose": purpose},
        )
    return consent
