"""Correct: a member corrects the household's contact name and phone at once; a room (or
building) change waits for a leader of the community to confirm it, since the distribution
sheets depend on rooms."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.communities.models import Building, Household
from linli.core import audit
from linli.core.errors import Message
from linli.notices.rules import Kind
from linli.notices.services import notify_households

from .. import rules
from ..errors import (
    BadCorrection,
    NoHousehold,
    RoomChangeDecided,
    RoomChangeNotFound,
    RoomTaken,
)
from ..models import RoomChange


def _own_household_locked(actor: User) -> Household:
    household_id = roles(actor).household_id
    if household_id is None:
        raise NoHousehold()
    return (
        Household.objects.select_for_update(of=("self",))
        .select_related("building")
        .get(pk=household_id)
    )


def correct_profile(*, actor: User, contact_name: str, phone: str) -> Household:
    """Correct the household's contact name and phone. The audit names the fields changed,
    not their values (the trail must not keep what was corrected away)."""
    contact_name, phone = rules.checked_profile(contact_name, phone)
    with transaction.atomic():
        household = _own_household_locked(actor)
        changed = [
            field
            for field, value in (("contact_name", contact_name), ("phone", phone))
            if getattr(household, field) != value
        ]
        if changed:
            household.contact_name, household.phone = contact_name, phone
            household.save(update_fields=changed)
            audit.record(
                actor=actor,
                action="household.corrected",
                target=household,
                data={"fields": changed},
            )
    return household


def request_room_change(
    *, actor: User, building_id: int, room: str, now: datetime | None = None
) -> RoomChange:
    """Ask to move the household to ``room`` of ``building_id`` (a building of the same
    community); a pending request is replaced by the new one."""
    now = now or timezone.now()
    room = rules.checked_room(room)
    with transaction.atomic():
        household = _own_household_locked(actor)
        building = Building.objects.filter(
            pk=building_id, community_id=household.building.community_id
        ).first()
        if building is None:
            raise BadCorrection(
                details=[
                    {
                        "field": "building_id",
                        "message": Message(_("Choose a building of your community.")),
                    }
                ]
            )
        if (building.pk, room) == (household.building_id, household.room):
            raise BadCorrection(
                details=[{"field": "room", "message": Message(_("That is already your room."))}]
            )
        _check_room_free(building, room, household.pk)
        RoomChange.objects.filter(household=household, status=RoomChange.Status.PENDING).update(
            status=RoomChange.Status.WITHDRAWN, decided_at=now
        )
        change = RoomChange.objects.create(
            household=household,
            building=building,
            room=room,
            requested_by=actor,
            requested_at=now,
        )
        audit.record(actor=actor, action="room_change.requested", target=change)
    return change


def decide_room_change(
    *, actor: User, change_id: int, confirm: bool, now: datetime | None = None
) -> RoomChange:
    """A leader of the community (or an operator) confirms the move, or refuses it."""
    now = now or timezone.now()
    who = roles(actor)
    with transaction.atomic():
        change = (
            RoomChange.objects.select_for_update(of=("self",))
            .select_related("building")
            .filter(pk=change_id)
            .first()
        )
        if change is None or not who.manages(change.building.community_id):
            raise RoomChangeNotFound()
        if change.status != RoomChange.Status.PENDING:
            raise RoomChangeDecided(status=change.get_status_display())
        if confirm:
            household = Household.objects.select_for_update().get(pk=change.household_id)
            _check_room_free(change.building, change.room, household.pk)
            household.building_id, household.room = change.building_id, change.room
            try:
                with transaction.atomic():
                    household.save(update_fields=["building", "room"])
            except IntegrityError:
                raise RoomTaken(building=change.building.name, room=change.room) from None
        change.status = RoomChange.Status.CONFIRMED if confirm else RoomChange.Status.REFUSED
        change.decided_by, change.decided_at = actor, now
        change.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="room_change.confirmed" if confirm else "room_change.refused",
            target=change,
            data={"household": change.household_id},
        )
        notify_households(
            kind=Kind.ROOM_CHANGE_DECIDED,
            key=f"room:{change.pk}",
            households={
                change.household_id: {
                    "confirmed": confirm,
                    "building": change.building.name,
                    "room": change.room,
                }
            },
            now=now,
        )
    return change


def _check_room_free(building: Building, room: str, household_id: int) -> None:
    if Household.objects.filter(building=building, room=room).exclude(pk=household_id).exists():
        raise RoomTaken(building=building.name, room=room)
