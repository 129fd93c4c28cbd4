"""Who is asking: the roles a signed-in user holds, read once per request.

A user may hold several roles at once (a leader is usually also a member of a household).
Services and selectors decide what a caller may see or do from these facts alone.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

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

    member = Member.objects.filter(user=user).select_related("household__building").first()
    leader = Leader.objects.filter(user=user, active=True).first()
    led = frozenset(leader.communities.values_list("id", flat=True)) if leader else frozenset()
    suppliers = frozenset(
        Supplier.objects.filter(users=user, active=True).values_list("id", flat=True)
    )
    result = Roles(
        user_id=user.pk,
        operator=bool(user.is_staff and user.is_active),
        household_id=member.household_id if member else None,
        community_id=member.household.building.community_id if member else None,
        leader_id=leader.pk if leader else None,
        led_community_ids=led,
        supplier_ids=suppliers,
    )
    setattr(user, "_linli_roles", result)  # noqa: B010 - a per-request cache on the object
    return result
