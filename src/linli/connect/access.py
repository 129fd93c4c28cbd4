"""Who may do what in consumer connect.

Operators with ``connect.run_programme`` run programmes: import, match, pin, compliance,
insights (superusers have it). ``connect.see_host_identity`` shows who a host is; everyone
else sees the host's label ("3号楼的一户人家"). A participant is the user linked to their
participant row; a host is the household's members, the farm's staff users, or the leader.
"""

from linli.accounts.roles import roles

from .errors import NotAllowed
from .models import Host

RUN = "connect.run_programme"
IDENTITY = "connect.see_host_identity"


def is_runner(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(RUN)
    )


def runner(user):
    """The operator running programmes, or :class:`NotAllowed` (403)."""
    if not is_runner(user):
        raise NotAllowed()
    return user


def sees_identity(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(IDENTITY))


def hosts_of(user) -> list[tuple[str, int]]:
    """The (kind, owner) pairs the user can act for as a host."""
    if user is None or not user.is_authenticated:
        return []
    who = roles(user)
    found: list[tuple[str, int]] = []
    if who.household_id:
        found.append((Host.Kind.HOUSEHOLD, who.household_id))
    if who.leader_id:
        found.append((Host.Kind.SHOP, who.leader_id))
    found += [(Host.Kind.FARM, supplier) for supplier in who.supplier_ids]
    return found


def is_host(user, host: Host) -> bool:
    owner = host.household_id or host.supplier_id or host.leader_id
    return (host.kind, owner) in hosts_of(user)
