"""Who is asking: the roles a signed-in user holds, read once per request.

A user may hold several roles at once (a leader is usually also a member of a household).
Services and selectors decide what a caller may see or do from these facts alone.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, IntegerField, Value

from linli.accounts.models import User


@dataclass(frozen=True)
class Roles:
    user_id: int | None
    operator: bool = False
    household_id: int | None = None
    community_id: int | None = None
    leader_id: int | None = None
    led_community_ids: frozenset[int] = frozenset()
    supplier_ids: frozenset[int] = frozenset()

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    def leads(self, community_id: int) -> bool:
        return community_id in self.led_community_ids

    def manages(self, community_id: int) -> bool:
        """Operator, or leader of this community."""
        return self.operator or self.leads(community_id)

    def as_dict(self) -> dict:
        return {
            "operator": self.operator,
            "household_id": self.household_id,
            "community_id": self.community_id,
            "leader_id": self.leader_id,
            "led_community_ids": sorted(self.led_community_ids),
            "supplier_ids": sorted(self.supplier_ids),
        }


def roles(user: User | AnonymousUser | None) -> Roles:
    """The roles of ``user``, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return Roles(user_id=None)
    cached = getattr(user, "_linli_roles", None)
    if cached is not None:
        return cached
    from linli.catalog.models import Supplier
    from linli.communities.models import Leader, Member

    # One round trip: (role, id, community) rows for each role the user holds.
    none = Value(None, output_field=IntegerField())
    member_rows = Member.objects.filter(user=user).annotate(
        role=Value("member"), one=F("household_id"), two=F("household__building__community_id")
    )
    leader_rows = Leader.objects.filter(user=user, active=True).annotate(
        role=Value("leader"), one=F("id"), two=F("communities__id")
    )
    supplier_rows = Supplier.objects.filter(users=user, active=True).annotate(
        role=Value("supplier"), one=F("id"), two=none
    )
    rows = (
        member_rows.order_by()
        .values_list("role", "one", "two")
        .union(
            leader_rows.order_by().values_list("role", "one", "two"),
            supplier_rows.order_by().values_list("role", "one", "two"),
            all=True,
        )
    )
    member = leader = None
    led, suppliers = set(), set()
    for role, one, two in rows:
        if role == "member":
            member = (one, two)
        elif role == "leader":
            leader = one
            if two is not None:
                led.add(two)
        else:
            suppliers.add(one)
    result = Roles(
        user_id=user.pk,
        operator=bool(user.is_staff and user.is_active),
        household_id=member[0] if member else None,
        community_id=member[1] if member else None,
        leader_id=leader,
        led_community_ids=frozenset(led),
        supplier_ids=frozenset(suppliers),
    )
    setattr(user, "_linli_roles", result)  # noqa: B010 - a per-request cache on the object
    return result
