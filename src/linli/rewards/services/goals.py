"""Community goals (docs/decisions/0029): operators set them; the worker settles each once
after its month, giving each household of the community (or building) the points or the perk
it unlocks when the share of households that picked up on time reached the threshold."""

import secrets
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.communities.models import Building, Community, Household

from .. import rules
from ..errors import BadInput
from ..limits import MAX_AMOUNT
from ..models import EarningRule, Goal, Perk, Redemption, RewardUnit, Trigger
from ..progress import goal_buildings, goal_progress
from . import earning
from .access import operator
from .drops import Candidate
from .rows import among
from .spending import CODE_ALPHABET


def _problem(field: str, message) -> dict:
    return {"field": field, "message": message}


def create_goal(
    *,
    actor: User,
    name: str,
    community_id: int | None,
    threshold_pct: int,
    month: date,
    unlock: str,
    building_id: int | None = None,
    measure: str = Goal.Measure.ON_TIME,
    points: int = 0,
    perk_id: int | None = None,
) -> Goal:
    """A new goal; every bad field is named, and nothing is written."""
    operator(actor)
    name = (name or "").strip()
    problems, community, perk = check_goal(
        name=name,
        community_id=community_id,
        building_id=building_id,
        measure=measure,
        threshold_pct=threshold_pct,
        unlock=unlock,
        points=points,
        perk_id=perk_id,
    )
    if problems:
        raise BadInput(details=problems)
    assert community is not None
    with transaction.atomic():
        rule = None
        if unlock == Goal.Unlock.POINTS:
            rule = EarningRule.objects.create(
                name=name,
                trigger=Trigger.GOAL,
                unit=RewardUnit.POINTS,
                amount=points,
                community=community,
                starts_on=month.replace(day=1),
            )
        return Goal.objects.create(
            name=name,
            community=community,
            building_id=building_id,
            measure=measure,
            threshold_pct=threshold_pct,
            month=month.replace(day=1),
            unlock=unlock,
            points=points if unlock == Goal.Unlock.POINTS else 0,
            perk=perk,
            rule=rule,
        )


def settle_goals(*, now: datetime | None = None) -> dict[str, int]:
    """The worker's job: every goal whose month is over and that is not settled yet is
    settled, once (the goal's row is locked and settled in one transaction; its points earn
    once per household through its rule, its perk is granted once per household). Returns how
    many were settled and how many reached."""
    now = now or timezone.now()
    settled = reached = 0
    due = Goal.objects.filter(
        settled_at__isnull=True, month__lt=rules.local_day(now).replace(day=1)
    )
    for goal_id in due.order_by("id").values_list("id", flat=True):
        with transaction.atomic():
            goal = (
                Goal.objects.select_for_update().filter(pk=goal_id, settled_at__isnull=True).first()
            )
            if goal is None or not rules.month_ended(goal.month, now):
                continue  # settled meanwhile by another worker
            progress = goal_progress(goal, now=now)
            goal.counted, goal.on_time, goal.met = progress.counted, progress.on_time, progress.met
            goal.settled_at = now
            goal.save(update_fields=["counted", "on_time", "met", "settled_at"])
            if progress.met:
                _unlock(goal, at=rules.month_bounds(goal.month)[1], now=now)
                reached += 1
            settled += 1
    return {"settled": settled, "reached": reached}


def _unlock(goal: Goal, *, at: datetime, now: datetime) -> None:
    households = list(
        Household.objects.filter(among(Household, "building_id", goal_buildings(goal)))
        .order_by("id")
        .values_list("id", flat=True)
    )
    if goal.unlock == Goal.Unlock.POINTS:
        assert goal.rule is not None
        earning.apply_rule(
            goal.rule, [Candidate(h, f"goal:{goal.pk}", 0, None, at) for h in households], now=now
        )
        return
    granted = set(goal.grants.values_list("household_id", flat=True))
    # Codes drawn as a redemption's are; the unique index refuses a repeat (then this goal
    # settles at the worker's next run), and (goal, household) can never be granted twice.
    Redemption.objects.bulk_create(
        [
            Redemption(
                household_id=household,
                perk=goal.perk,
                goal=goal,
                points=0,
                code="".join(secrets.choice(CODE_ALPHABET) for _ in range(8)),
                at=now,
            )
            for household in households
            if household not in granted
        ]
    )


def check_goal(
    *,
    name: str,
    community_id: int | None,
    building_id: int | None,
    measure: str,
    threshold_pct: int,
    unlock: str,
    points: int,
    perk_id: int | None,
) -> tuple[list[dict], Community | None, Perk | None]:
    """What is wrong with a goal (each field named), and its community and perk when found;
    the service and the admin's form both ask."""
    problems: list[dict] = []
    if not name:
        problems.append(_problem("name", _("Give it a name.")))
    community = Community.objects.filter(pk=community_id).first() if community_id else None
    if community is None:
        problems.append(_problem("community_id", _("Choose the community of the goal.")))
    if building_id is not None and (
        community is None
        or not Building.objects.filter(pk=building_id, community=community).exists()
    ):
        problems.append(_problem("building_id", _("There is no such building in the community.")))
    if measure not in Goal.Measure.values:
        problems.append(_problem("measure", _("Choose what the goal measures.")))
    if not (1 <= threshold_pct <= 100):
        problems.append(_problem("threshold_pct", _("A share from 1 % to 100 %.")))
    perk = None
    if unlock == Goal.Unlock.POINTS:
        if not (1 <= points <= MAX_AMOUNT):
            problems.append(
                _problem("points", _("A whole number from 1 to %(most)s.") % {"most": MAX_AMOUNT})
            )
    elif unlock == Goal.Unlock.PERK:
        perk = Perk.objects.filter(pk=perk_id, active=True).first() if perk_id else None
        if perk is None:
            problems.append(_problem("perk_id", _("There is no such perk.")))
        elif perk.stock is not None:
            problems.append(_problem("perk_id", _("Choose a perk without a limited stock.")))
    else:
        problems.append(_problem("unlock", _("Choose points or a perk.")))
    return problems, community, perk
