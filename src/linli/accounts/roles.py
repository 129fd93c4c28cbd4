"""Who is asking: the roles a signed-in user holds, read once per request.

A user may hold several roles at once (a leader is usually also a member of a household).
Services and selectors decide what a caller may see or do from these facts alone.

Accounts know the roles but not the tables they are read from: the apps that hold those
declare the part of the query that finds theirs, in a ``roles.py`` of their own imported by
their ``AppConfig.ready()`` (``communities/roles.py``: member and leader; ``catalog/roles.py``:
supplier)::

    register_part("supplier", lambda: f"SELECT 'supplier', s.id, NULL FROM … WHERE … = %s")

The parts are put together into one ``UNION ALL``, so reading the roles stays one round trip.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from linli.core.formatting import mask_phone

from .models import User

# The roles a part may find, in the order their parts are put together.
ROLES = ("member", "leader", "supplier")


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


_parts: dict[str, Callable[[], str]] = {}


def register_part(role: str, sql: Callable[[], str]) -> None:
    """Declare how to find one role: ``sql()`` returns a ``SELECT`` of ``(role, id,
    community)`` rows for the user given as its one ``%s`` parameter, where ``role`` is the
    literal ``role``; ``id`` is the household (member), leader or supplier; ``community`` is
    the household's community (member), one led community per row (leader, ``NULL`` for a
    leader of none) or ``NULL`` (supplier). Called once per process, on the first request, so
    it may read table names from the models. Declared at start-up (``AppConfig.ready()``),
    before any request reads the roles."""
    if role not in ROLES:
        raise ValueError(f"{role!r} is not one of the roles {ROLES}")
    _parts[role] = sql
    roles_sql.cache_clear()


def _declared() -> list[Callable[[], str]]:
    return [_parts[role] for role in ROLES if role in _parts]


@cache
def roles_sql() -> str:
    """One round trip: a (role, id, community) row for each role the user holds, its
    parameters given by :func:`roles_parameters`.

    Written out rather than built with the ORM: every API call asks it, and composing the same
    three-part union from querysets cost several milliseconds of CPU per request.
    """
    parts = [sql() for sql in _declared()]
    # With no app declaring a role (accounts alone), a query of no rows that still has the shape.
    return " UNION ALL ".join(parts) or "SELECT NULL, NULL, NULL WHERE 1 = 0"


def roles_parameters(user_id: int) -> list[int]:
    """The parameters of :func:`roles_sql` for ``user_id``: one per part."""
    return [user_id] * len(_declared())


def roles(user: User | AnonymousUser | None) -> Roles:
    """The roles of ``user``, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated:
        return Roles(user_id=None)
    cached = getattr(user, "_linli_roles", None)
    if cached is not None:
        return cached
    with connection.cursor() as cursor:
        cursor.execute(roles_sql(), roles_parameters(user.pk))
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
