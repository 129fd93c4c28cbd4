"""Who is asking: the roles a signed-in user holds, read once per request.

A user may hold several roles at once (a leader is usually also a member of a household).
Services and selectors decide what a caller may see or do from these facts alone.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from linli.accounts.models import User
from linli.core.formatting import mask_phone


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

    def sees(self, community_id: int) -> bool:
        """Operator, leader of this community, or living in it."""
        return self.manages(community_id) or self.community_id == community_id

    def shown_phone(self, household_id: int, phone: str) -> str:
        """A household's phone as this caller may see it: in full for operators and the
        household itself, masked (138****1234) for everyone else."""
        if self.operator or self.household_id == household_id:
            return phone
        return mask_phone(phone)

    def as_dict(self) -> dict:
        return {
            "operator": self.operator,
            "household_id": self.household_id,
            "community_id": self.community_id,
            "leader_id": self.leader_id,
            "led_community_ids": sorted(self.led_community_ids),
            "supplier_ids": sorted(self.supplier_ids),
        }


@cache
def roles_sql() -> str:
    """One round trip: a (role, id, community) row for each role the user holds.

    Written out rather than built with the ORM: every API call asks it, and composing the same
    three-part union from querysets cost several milliseconds of CPU per request.
    """
    from linli.catalog.models import Supplier
    from linli.communities.models import Building, Household, Leader, Member

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, name: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(name).column)

    led = Leader.communities.through
    staff = Supplier.users.through
    return (
        f"SELECT 'member', m.{column(Member, 'household')}, b.{column(Building, 'community')}"
        f" FROM {table(Member)} m"
        f" JOIN {table(Household)} h ON h.id = m.{column(Member, 'household')}"
        f" JOIN {table(Building)} b ON b.id = h.{column(Household, 'building')}"
        f" WHERE m.{column(Member, 'user')} = %s"
        f" UNION ALL SELECT 'leader', l.id, c.{column(led, 'community')}"
        f" FROM {table(Leader)} l"
        f" LEFT JOIN {table(led)} c ON c.{column(led, 'leader')} = l.id"
        f" WHERE l.{column(Leader, 'user')} = %s AND l.active"
        f" UNION ALL SELECT 'supplier', s.id, NULL"
        f" FROM {table(Supplier)} s"
        f" JOIN {table(staff)} u ON u.{column(staff, 'supplier')} = s.id"
        f" WHERE u.{column(staff, 'user')} = %s AND s.active"
    )


def roles(user: User | AnonymousUser | None) -> Roles:
    """The roles of ``user``, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return Roles(user_id=None)
    cached = getattr(user, "_linli_roles", None)
    if cached is not None:
        return cached
    with connection.cursor() as cursor:
        cursor.execute(roles_sql(), [user.pk] * 3)
        return remember_roles(user, cursor.fetchall())


def remember_roles(user: User, rows) -> Roles:
    """The roles read by :func:`roles_sql` (``(role, id, community)`` rows), kept on ``user``
    for the rest of the request. The session's backend reads them with the user itself."""
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
