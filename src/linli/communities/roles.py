"""The roles the communities hold (:mod:`linli.accounts.roles`): a member of a household, with
its community, and a leader, with each community they lead (one row per community; a leader
of none yet is a leader all the same). An inactive leader leads nothing."""

from linli.accounts.roles import register_part
from linli.core.rows import Picked

from .models import Building, Household, Leader, Member


def member_sql() -> str:
    member, household, building = Picked(Member, "m"), Picked(Household, "h"), Picked(Building, "b")
    return (
        f"SELECT 'member', {member.column('household')}, {building.column('community')}"
        f" FROM {member.table}"
        f" JOIN {household.table} ON {household.column('id')} = {member.column('household')}"
        f" JOIN {building.table} ON {building.column('id')} = {household.column('building')}"
        f" WHERE {member.column('user')} = %s"
    )


def leader_sql() -> str:
    leader, led = Picked(Leader, "l"), Picked(Leader.communities.through, "c")
    return (
        f"SELECT 'leader', {leader.column('id')}, {led.column('community')}"
        f" FROM {leader.table}"
        f" LEFT JOIN {led.table} ON {led.column('leader')} = {leader.column('id')}"
        f" WHERE {leader.column('user')} = %s AND {leader.column('active')}"
    )


register_part("member", member_sql)
register_part("leader", leader_sql)
