"""Reads of the privacy pages, API and CLI; a read never writes."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.functional import Promise

from linli.accounts.roles import Roles
from linli.communities.consent_texts import CONSENT_TEXTS
from linli.communities.models import Building, Community, Consent, Household
from linli.communities.selectors import consenting_household_ids, consents_of

from . import rules
from .errors import NoHousehold, NotLeader
from .models import DataCopy, RoomChange


def own_household(who: Roles) -> Household:
    if who.household_id is None:
        raise NoHousehold()
    return Household.objects.select_related("building__community").get(pk=who.household_id)


@dataclass(frozen=True)
class ShownCopy:
    copy: DataCopy
    may_take: bool


def copies_of(who: Roles, now: datetime, *, limit: int = 10) -> list[ShownCopy]:
    household = own_household(who)
    return [
        ShownCopy(copy=copy, may_take=rules.may_take(copy, now))
        for copy in DataCopy.objects.filter(household=household).order_by("-requested_at", "-id")[
            :limit
        ]
    ]


def copies_query(household_id: int) -> QuerySet[DataCopy]:
    return DataCopy.objects.filter(household_id=household_id).order_by("-requested_at", "-id")


def copy_for(who: Roles, copy_id: int) -> DataCopy | None:
    if who.household_id is None:
        return None
    return DataCopy.objects.filter(pk=copy_id, household_id=who.household_id).first()


def pending_room_change(who: Roles) -> RoomChange | None:
    household = own_household(who)
    return (
        RoomChange.objects.filter(household=household, status=RoomChange.Status.PENDING)
        .select_related("building")
        .first()
    )


def buildings_of(household: Household) -> QuerySet[Building]:
    return Building.objects.filter(community_id=household.building.community_id).order_by(
        "position", "name"
    )


@dataclass(frozen=True)
class ShownConsent:
    purpose: str
    title: Promise
    text: Promise
    version: str
    granted: bool
    answered_version: str | None
    at: datetime | None

    @property
    def asked_again(self) -> bool:
        """The household answered an earlier text: this one is new to it."""
        return self.answered_version is not None and self.answered_version != self.version


def consents(household_id: int) -> list[ShownConsent]:
    newest = consents_of(household_id)
    shown = []
    for purpose, text in CONSENT_TEXTS.items():
        record = newest.get(purpose)
        shown.append(
            ShownConsent(
                purpose=str(purpose),
                title=text.title,
                text=text.text,
                version=text.version,
                granted=bool(record and record.granted),
                answered_version=record.text_version if record else None,
                at=record.at if record else None,
            )
        )
    return shown


def room_changes_to_decide(who: Roles) -> QuerySet[RoomChange]:
    """Pending room changes in the caller's communities (all, for an operator); not there
    for anyone else."""
    if not (who.operator or who.led_community_ids):
        raise NotLeader()
    changes = RoomChange.objects.filter(status=RoomChange.Status.PENDING).select_related(
        "household__building", "building"
    )
    if not who.operator:
        changes = changes.filter(building__community_id__in=who.led_community_ids)
    return changes.order_by("requested_at", "id")


def led_communities(who: Roles) -> QuerySet[Community]:
    communities = Community.objects.order_by("name", "id")
    if who.operator:
        return communities
    return communities.filter(pk__in=who.led_community_ids)


def contacts_of(who: Roles, community_id: int) -> QuerySet[Household]:
    """The households of a community that let its leader keep their contact
    (``Consent.Purpose.LEADER_CONTACTS``): for its leaders and operators only."""
    if not who.manages(community_id):
        raise NotLeader()
    return (
        Household.objects.filter(
            building__community_id=community_id,
            pk__in=consenting_household_ids(Consent.Purpose.LEADER_CONTACTS),
        )
        .select_related("building")
        .order_by("building__position", "building__name", "room")
    )


def consent_times(household_ids: list[int]) -> dict[int, datetime]:
    """When each household's newest leader-contacts answer was given."""
    times: dict[int, datetime] = {}
    for household_id, at in (
        Consent.objects.filter(
            household_id__in=household_ids, purpose=Consent.Purpose.LEADER_CONTACTS
        )
        .order_by("-id")
        .values_list("household_id", "at")
    ):
        times.setdefault(household_id, at)
    return times
