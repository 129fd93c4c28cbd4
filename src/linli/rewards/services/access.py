"""Who is asking: a member's own household, a leader's communities, operators everything."""

from linli.accounts.models import User
from linli.accounts.roles import Roles, roles

from ..errors import NoHousehold, NotOperator


def member_household(actor: User) -> int:
    """The household whose points and energy the member spends and collects."""
    household = roles(actor).household_id
    if household is None:
        raise NoHousehold()
    return household


def operator(actor: User) -> Roles:
    who = roles(actor)
    if not who.operator:
        raise NotOperator()
    return who
