"""How far a community goal is (a read, shared by the selectors and the settling service):
the households of its community (or building) with an order to collect in its month, and
how many of them collected every such order within its pickup window."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q

from linli.communities.models import Building
from linli.groupbuys.models import Order

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
    """A settled goal as it was settled; else counted now: the group buys of its community
    whose pickup window ended in its month (and by ``now``). A household counts once it has a
    confirmed order among them, and is on time when it collected every one of them within the
    window (a partial collection counts as collected). One query."""
    if goal.settled_at is not None:
        counted, on_time = goal.counted or 0, goal.on_time or 0
    else:
        start, end = rules.month_bounds(goal.month)
        orders = Order.objects.filter(
            group_buy__community_id=goal.community_id,
            status=Order.Status.CONFIRMED,
            group_buy__pickup_ends_at__gte=start,
            group_buy__pickup_ends_at__lt=min(end, now),
        )
        if goal.building_id is not None:
            orders = orders.filter(household__building_id=goal.building_id)
        in_window = (
            ~Q(pickup=Order.Pickup.NONE)
            & Q(collected_at__gte=F("group_buy__pickup_starts_at"))
            & Q(collected_at__lte=F("group_buy__pickup_ends_at"))
        )
        per_household = (
            orders.order_by()
            .values("household_id")
            .annotate(n=Count("id"), ok=Count("id", filter=in_window))
            .values_list("n", "ok")
        )
        counted = on_time = 0
        for n, ok in per_household:
            counted += 1
            on_time += ok == n
    return GoalProgress(
        goal=goal,
        counted=counted,
        on_time=on_time,
        share_pct=rules.goal_share_pct(on_time=on_time, counted=counted),
        met=rules.goal_met(on_time=on_time, counted=counted, threshold_pct=goal.threshold_pct),
        settled=goal.settled_at is not None,
        gives_points=goal.unlock == Goal.Unlock.POINTS,
    )
