"""How far a community goal is (a read, shared by the selectors and the settling service):
the households of its community (or building) with an order to collect in its month, and
how many of them collected every such order within its pickup window."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection

from linli.communities.models import Building, Household
from linli.core.rows import Picked
from linli.groupbuys.models import GroupBuy, Order

from . import rules
from .models import Goal


@dataclass
class GoalProgress:
    goal: Goal
    counted: int
    on_time: int
    share_pct: float
    met: bool
    settled: bool
    gives_points: bool


def goal_buildings(goal: Goal) -> list[int]:
    """The buildings whose households the goal is for."""
    if goal.building_id is not None:
        return [goal.building_id]
    return list(
        Building.objects.filter(community_id=goal.community_id)
        .order_by("id")
        .values_list("id", flat=True)
    )


def goal_progress(goal: Goal, *, now: datetime) -> GoalProgress:
    """A settled goal as it was settled; else counted now (:func:`goals_progress`)."""
    return goals_progress([goal], now=now)[0]


def goals_progress(goals: Sequence[Goal], *, now: datetime) -> list[GoalProgress]:
    """Each goal's progress: a settled one as it was settled; the others counted now, all in
    one statement. A goal counts the group buys of its community whose pickup window ended in
    its month (and by ``now``); a household counts once it has a confirmed order among them,
    and is on time when it collected every one of them within the window (a partial
    collection counts as collected)."""
    counts = _counted([goal for goal in goals if goal.settled_at is None], now=now)
    found = []
    for goal in goals:
        if goal.settled_at is not None:
            counted, on_time = goal.counted or 0, goal.on_time or 0
        else:
            counted, on_time = counts.get(goal.pk, (0, 0))
        found.append(
            GoalProgress(
                goal=goal,
                counted=counted,
                on_time=on_time,
                share_pct=rules.goal_share_pct(on_time=on_time, counted=counted),
                met=rules.goal_met(
                    on_time=on_time, counted=counted, threshold_pct=goal.threshold_pct
                ),
                settled=goal.settled_at is not None,
                gives_points=goal.unlock == Goal.Unlock.POINTS,
            )
        )
    return found


def _counted(goals: Sequence[Goal], *, now: datetime) -> dict[int, tuple[int, int]]:
    """(households counted, on time) per goal, one ``UNION ALL`` of a count per goal
    (written out: every member's points page asks it; decision 0015)."""
    if not goals:
        return {}
    adapt = connection.ops.adapt_datetimefield_value
    parts, params = [], []
    for goal in goals:
        start, end = rules.month_bounds(goal.month)
        parts.append(_count_sql(building=goal.building_id is not None))
        params += [goal.pk, Order.Pickup.NONE, goal.community_id, Order.Status.CONFIRMED]
        params += [adapt(start), adapt(min(end, now))]
        if goal.building_id is not None:
            params.append(goal.building_id)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {goal: (int(counted), int(on_time or 0)) for goal, counted, on_time in cursor}


@cache
def _count_sql(*, building: bool) -> str:
    o, g, h = Picked(Order, "o"), Picked(GroupBuy, "g"), Picked(Household, "h")
    collected = o.column("collected_at")
    in_window = (
        f"{o.column('pickup')} <> %s AND {collected} >= {g.column('pickup_starts_at')}"
        f" AND {collected} <= {g.column('pickup_ends_at')}"
    )
    ends = g.column("pickup_ends_at")
    sql = (
        f"SELECT %s, COUNT(*), SUM(CASE WHEN x.n = x.ok THEN 1 ELSE 0 END) FROM"
        f" (SELECT {o.column('household')}, COUNT(*) n, SUM(CASE WHEN {in_window} THEN 1 ELSE 0"
        f" END) ok FROM {o.table} JOIN {g.table} ON g.id = {o.column('group_buy')}"
        f" WHERE {g.column('community')} = %s AND {o.column('status')} = %s"
        f" AND {ends} >= %s AND {ends} < %s"
    )
    if building:
        sql += (
            f" AND {o.column('household')} IN (SELECT h.id FROM {h.table}"
            f" WHERE {h.column('building')} = %s)"
        )
    return sql + f" GROUP BY {o.column('household')}) x"
