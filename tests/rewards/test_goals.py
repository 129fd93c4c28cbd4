"""Community goals: progress from the pickups of the month, settled once after it, points or a
perk for each household of the community or building; bad goals refused in both languages."""

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from linli.accounts.services import issue_token
from linli.groupbuys.models import GroupBuy, Order
from linli.ledger import selectors as ledger
from linli.rewards import selectors, services
from linli.rewards.errors import BadInput
from linli.rewards.models import Goal, Lot, Perk, Redemption
from linli.rewards.tasks import settle_goals

from .. import factories
from .conftest import points

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


MARCH = date(2026, 3, 1)


def at(day: int, hour: int, month: date = MARCH) -> datetime:
    return datetime.combine(month.replace(day=day), time(hour), tzinfo=SHANGHAI)


def march_pickups(hood, month: date = MARCH):
    """A group buy whose pickup window is 10 March 10:00–20:00 (Shanghai): household 1
    collects at 12:00 (on time), household 2 the next day (late), household 3 never.
    Households 1 and 3 live in the second building, 0 and 2 in the first."""
    group_buy, orders = hood.formed(3)
    GroupBuy.objects.filter(pk=group_buy.pk).update(
        status=GroupBuy.Status.COMPLETED,
        opens_at=at(8, 8, month),
        cutoff_at=at(9, 20, month),
        pickup_starts_at=at(10, 10, month),
        pickup_ends_at=at(10, 20, month),
    )
    collected = {1: at(10, 12, month), 2: at(11, 9, month)}
    for order in orders:
        n = hood.households.index(order.household)
        if n in collected:
            Order.objects.filter(pk=order.pk).update(
                pickup=Order.Pickup.FULL, collected_at=collected[n]
            )
    return group_buy


def goal(hood, **fields):
    values = {
        "name": "准时取货",
        "community_id": hood.community.pk,
        "threshold_pct": 50,
        "month": date(2026, 3, 1),
        "unlock": Goal.Unlock.POINTS,
        "points": 20,
    }
    return services.create_goal(actor=hood.operator, **(values | fields))


def test_progress_counts_households_that_picked_up_every_order_on_time(hood):
    march_pickups(hood)
    whole = goal(hood, name="全小区", threshold_pct=30, month=date(2026, 3, 15))
    building = goal(hood, name="二号楼", building_id=hood.households[1].building_id)
    assert whole.month == date(2026, 3, 1)
    mid_march = at(20, 12)
    seen = selectors.goals_for(hood.households[1].pk, now=mid_march)
    assert [(p.goal.name, p.counted, p.on_time, round(p.share_pct, 1), p.met) for p in seen] == [
        ("全小区", 3, 1, 33.3, True),
        ("二号楼", 2, 1, 50.0, True),
    ]
    # The first building's household sees only the whole community's goal: 1 of its 3.
    assert [p.goal.name for p in selectors.goals_for(hood.households[2].pk, now=mid_march)] == [
        "全小区"
    ]
    assert building.rule.trigger == "goal"
    # Before the window ended nothing counts.
    early = selectors.goals_for(hood.households[1].pk, now=at(10, 19))
    assert [(p.counted, p.on_time, p.met) for p in early] == [(0, 0, False), (0, 0, False)]


def test_a_household_is_on_time_only_when_every_order_of_the_month_was(hood):
    march_pickups(hood)
    # A second group buy, picked up 20 March 10:00–20:00: household 1 is late this time,
    # household 2 on time. Neither collected both on time; household 3 collected neither.
    second, orders = hood.formed(3)
    GroupBuy.objects.filter(pk=second.pk).update(
        status=GroupBuy.Status.COMPLETED,
        opens_at=at(18, 8),
        cutoff_at=at(19, 20),
        pickup_starts_at=at(20, 10),
        pickup_ends_at=at(20, 20),
    )
    collected = {1: at(21, 9), 2: at(20, 11)}
    for order in orders:
        n = hood.households.index(order.household)
        if n in collected:
            Order.objects.filter(pk=order.pk).update(
                pickup=Order.Pickup.FULL, collected_at=collected[n]
            )
    goal(hood, name="全小区", threshold_pct=30)
    seen = selectors.goals_for(hood.households[1].pk, now=at(25, 12))
    assert [(p.counted, p.on_time, p.share_pct, p.met) for p in seen] == [(3, 0, 0.0, False)]
    # Between the two windows only the first group buy counts: household 1 was on time.
    between = selectors.goals_for(hood.households[1].pk, now=at(15, 12))
    assert [(p.counted, p.on_time) for p in between] == [(3, 1)]


def test_settled_once_after_the_month_points_and_a_perk_for_each_household(hood):
    march_pickups(hood)
    perk = services.create_perk(
        actor=hood.operator, name="提前2小时", kind=Perk.Kind.EARLY_ACCESS, cost=50, hours_early=2
    )
    building = goal(hood, name="二号楼", building_id=hood.households[1].building_id)
    whole = goal(
        hood, name="全小区", threshold_pct=30, unlock=Goal.Unlock.PERK, points=0, perk_id=perk.pk
    )
    missed = goal(hood, name="八成", threshold_pct=80)
    # Not before the month is over (in Shanghai).
    assert services.settle_goals(now=at(31, 23)) == {"settled": 0, "reached": 0}
    after = at(1, 0, date(2026, 4, 1))
    assert services.settle_goals(now=after) == {"settled": 3, "reached": 2}
    # 20 points each for the second building's households (1 and 3), none for the first's.
    assert [points(h) for h in hood.households] == [0, 20, 0, 20]
    lots = Lot.objects.filter(rule=building.rule).order_by("household_id")
    assert [(lot.household_id, lot.source, lot.amount) for lot in lots] == [
        (hood.households[1].pk, f"goal:{building.pk}", 20),
        (hood.households[3].pk, f"goal:{building.pk}", 20),
    ]
    assert lots[0].earned_at == at(1, 0, date(2026, 4, 1))
    # The perk for every household of the community, free, with a code.
    grants = Redemption.objects.filter(goal=whole).order_by("household_id")
    assert [(g.household_id, g.perk_id, g.points, len(g.code)) for g in grants] == [
        (h.pk, perk.pk, 0, 8) for h in hood.households
    ]
    missed.refresh_from_db()
    assert (missed.met, missed.counted, missed.on_time) == (False, 3, 1)
    # Settled once: the worker's next runs (and a pickup recorded late) change nothing.
    Order.objects.filter(household=hood.households[3]).update(
        pickup=Order.Pickup.FULL, collected_at=at(10, 15)
    )
    assert settle_goals.call() == {"settled": 0, "reached": 0}
    assert services.settle_goals(now=after + timedelta(days=3)) == {"settled": 0, "reached": 0}
    assert [points(h) for h in hood.households] == [0, 20, 0, 20]
    assert Redemption.objects.filter(goal=whole).count() == 4
    shown = selectors.goals_for(hood.households[1].pk, now=after)
    assert [(p.goal.name, p.counted, p.on_time, p.met, p.settled) for p in shown] == [
        ("二号楼", 2, 1, True, True),
        ("全小区", 3, 1, True, True),
        ("八成", 3, 1, False, True),
    ]
    assert ledger.check().ok
    assert selectors.check().ok


def test_bad_goals_are_refused_and_nothing_is_written(hood):
    with translation.override("en"), pytest.raises(BadInput) as refused:
        goal(hood, threshold_pct=120, community_id=None, points=0)
    with translation.override("en"):
        assert [(d["field"], str(d["message"])) for d in refused.value.details] == [
            ("community_id", "Choose the community of the goal."),
            ("threshold_pct", "A share from 1 % to 100 %."),
            ("points", "A whole number from 1 to 1000000."),
        ]
    with pytest.raises(BadInput) as refused:
        goal(hood, building_id=factories.BuildingFactory(community=hood.other_community).pk)
    assert [d["field"] for d in refused.value.details] == ["building_id"]
    assert Goal.objects.count() == 0


def api(user, language: str) -> Client:
    _token, text = issue_token(actor=user, user=user, name="tests")
    return Client(HTTP_ACCEPT_LANGUAGE=language, HTTP_AUTHORIZATION=f"Bearer {text}")


@pytest.mark.parametrize(
    ("language", "community", "threshold"),
    [
        ("en", "Choose the community of the goal.", "A share from 1 % to 100 %."),
        ("zh-hans", "请选择目标所属的小区。", "比例须在 1% 到 100% 之间。"),
    ],
)
def test_the_api_refuses_a_bad_goal_in_both_languages(hood, language, community, threshold):
    body = {"name": "准时", "threshold_pct": 120, "month": "2026-03-01", "unlock": "points"}
    body["points"] = 20
    answer = api(hood.operator, language).post(
        "/api/rewards/goals",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="goal-1",
    )
    assert answer.status_code == 422
    details = {d["field"]: d["message"] for d in answer.json()["details"]}
    assert details == {"community_id": community, "threshold_pct": threshold}
    assert Goal.objects.count() == 0


def test_operators_set_goals_and_members_see_their_progress_through_the_api(hood):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    march_pickups(hood, last_month)
    made = api(hood.operator, "en").post(
        "/api/rewards/goals",
        json.dumps(
            {
                "name": "二号楼准时",
                "community_id": hood.community.pk,
                "building_id": hood.households[1].building_id,
                "threshold_pct": 50,
                "month": last_month.isoformat(),
                "unlock": "points",
                "points": 20,
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="goal-2",
    )
    assert made.status_code == 201
    assert made.json()["threshold_pct"] == 50
    listed = api(hood.operator, "en").get("/api/rewards/goals")
    assert [g["name"] for g in listed.json()["items"]] == ["二号楼准时"]
    assert api(hood.members[1], "en").get("/api/rewards/goals").status_code == 403
    assert services.settle_goals() == {"settled": 1, "reached": 1}
    # Seen this month: last month's goal, settled.
    mine = api(hood.members[1], "en").get("/api/rewards/goals/mine")
    assert mine.status_code == 200
    [progress] = mine.json()
    assert {k: progress[k] for k in progress if k != "goal"} == {
        "households_counted": 2,
        "households_on_time": 1,
        "share_pct": 50.0,
        "reached": True,
        "settled": True,
    }
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(hood.members[1])
    shown = page.get("/rewards/").content.decode()
    assert "社区目标" in shown
    assert "2 户中 1 户准时（50.0%）" in shown
    assert "达成后每户得 20 积分。" in shown
    assert "已达成！" in shown
