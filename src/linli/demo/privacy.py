"""The demo city's privacy: a share of the households in the printed leader's community let
the leader keep their contact (so the leader's contacts export has rows), the printed member
agrees to it too, and one household of that community asks to move, for the leader to confirm.
"""

import random

from linli.accounts.models import User
from linli.communities.models import Consent, Household, Leader, Member
from linli.communities.services import give_consent
from linli.privacy.services import request_room_change

from .city import LEADER, MEMBER

#: Of the leader's community, the share of households that agree.
AGREEING = 0.3


def add(city, *, seed: int) -> None:
    rng = random.Random(seed)
    member = User.objects.get(pk=city.logins[MEMBER])
    leader = Leader.objects.filter(user_id=city.logins[LEADER]).first()
    own = Member.objects.filter(user=member).values_list("household_id", flat=True).first()
    if own is not None:
        give_consent(actor=member, household_id=own, purpose=Consent.Purpose.LEADER_CONTACTS)
    if leader is None:
        return
    community = leader.communities.order_by("pk").first()
    if community is None:
        return
    leader_user = User.objects.get(pk=city.logins[LEADER])
    households = list(
        Household.objects.filter(building__community=community)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for household in rng.sample(households, int(len(households) * AGREEING)):
        give_consent(
            actor=leader_user, household_id=household, purpose=Consent.Purpose.LEADER_CONTACTS
        )
    mover = (
        Member.objects.filter(household__building__community=community)
        .exclude(user_id__in=[city.logins[MEMBER], city.logins[LEADER]])
        .select_related("household__building")
        .order_by("pk")
        .first()
    )
    if mover is not None:
        request_room_change(
            actor=mover.user,
            building_id=mover.household.building_id,
            room=f"{mover.household.room}A"[:20],
        )
