"""A group buy that failed (money due back), a short delivery credited back and an after-sales
decision: each household concerned is told, with its amount, in its language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from linli.core import events
from linli.groupbuys import services
from linli.notices.models import Notice
from linli.notices.texts import shown

from .conftest import CUTOFF_IN, OPENED, work

pytestmark = pytest.mark.django_db


def texts(notice) -> dict[str, tuple[str, str]]:
    found = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            text = shown(notice.kind, notice.params)
        found[language] = (text.title, text.body)
    return found


def test_a_failed_group_buy_tells_each_household_what_is_due_back(hood):
    group_buy = hood.open(min_to_form=100, now=OPENED, cutoff_in=CUTOFF_IN)
    greens, eggs = group_buy.items.order_by("position")
    services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2}, now=OPENED
    )
    services.place_order(
        actor=hood.members[2],
        group_buy_id=group_buy.pk,
        lines={greens.pk: 1, eggs.pk: 2},
        now=OPENED,
    )
    services.close_due_group_buys(now=group_buy.cutoff_at + timedelta(seconds=1))
    work()
    notices = list(Notice.objects.order_by("recipient_id"))
    assert [(n.recipient_id, n.kind, n.key, n.params["amount_fen"]) for n in notices] == [
        (hood.members[1].pk, "group_buy_failed", f"group_buy:{group_buy.pk}", 900),
        (hood.members[2].pk, "group_buy_failed", f"group_buy:{group_buy.pk}", 6050),
    ]
    assert texts(notices[1]) == {
        "zh-hans": (
            "周末蔬菜团未成团",
            "该团截单时未达到成团数量，您 ¥60.50 的订单已取消，已付款项将退还给您。",
        ),
        "en": (
            "周末蔬菜团 did not form",
            "The group buy closed short of its minimum, so your order of ¥60.50 is off. "
            "What you paid for it is due back to you.",
        ),
    }
    # In the inbox only, by default.
    assert mail.outbox == []


def test_a_short_delivery_shared_out_tells_each_household_what_was_credited(hood, formed):
    services.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=formed.purchase_order.pk,
        delivered={formed.greens.product_id: 3, formed.eggs.product_id: 1},
        now=formed.closed_at,
    )
    services.apply_allocation(
        actor=hood.leader_user,
        group_buy_id=formed.group_buy.pk,
        item_id=formed.greens.pk,
        policy="proportional",
        now=formed.closed_at,
    )
    work()
    credited = Notice.objects.filter(kind="shortfall_refunded").order_by("recipient_id")
    assert [(n.recipient_id, n.key, n.params["amount_fen"]) for n in credited] == [
        (hood.members[1].pk, f"item:{formed.greens.pk}", 450),
        (hood.members[2].pk, f"item:{formed.greens.pk}", 450),
    ]
    assert texts(credited[0]) == {
        "zh-hans": (
            "缺货已退款：周末蔬菜团",
            "崇明青菜到货少于订购数量，未能给您的部分 ¥4.50 已退回您的账户。",
        ),
        "en": (
            "Short delivery credited: 周末蔬菜团",
            "Less 崇明青菜 arrived than was ordered. What you will not get, ¥4.50, has been "
            "credited back to your account.",
        ),
    }


def decided(hood, formed, **changes):
    payload = {
        "report_id": 7,
        "order_id": formed.orders[1].pk,
        "order_line_id": 1,
        "household_id": hood.households[2].pk,
        "group_buy_id": formed.group_buy.pk,
        "community_id": hood.community.pk,
        "supplier_id": hood.supplier.pk,
        "product_id": formed.eggs.product_id,
        "decision": "partly_approved",
        "quantity": 1,
        "credit_fen": 1400,
        "cost_fen": 1000,
        "reason": "只有一半坏了",
        "actor_id": hood.leader_user.pk,
        **changes,
    }
    with transaction.atomic():
        events.publish("after_sales.decided", payload)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {},
            {
                "zh-hans": (
                    "土鸡蛋的售后申请部分通过",
                    "已认可 1 份，¥14.00 已退回您的账户。 团长说明：只有一半坏了",
                ),
                "en": (
                    "After-sales report on 土鸡蛋 partly approved",
                    "1 unit approved; ¥14.00 has been credited back to your account. "
                    "The leader says: 只有一半坏了",
                ),
            },
        ),
        (
            {"decision": "approved", "quantity": 2, "credit_fen": 5600, "reason": ""},
            {
                "zh-hans": ("土鸡蛋的售后申请已通过", "已认可 2 份，¥56.00 已退回您的账户。"),
                "en": (
                    "After-sales report on 土鸡蛋 approved",
                    "2 units approved; ¥56.00 has been credited back to your account.",
                ),
            },
        ),
        (
            {"decision": "rejected", "quantity": 0, "credit_fen": 0, "reason": "照片看不出问题"},
            {
                "zh-hans": (
                    "土鸡蛋的售后申请未通过",
                    "周末蔬菜团的团长驳回了您的申请：照片看不出问题",
                ),
                "en": (
                    "After-sales report on 土鸡蛋 rejected",
                    "The leader of 周末蔬菜团 rejected your report: 照片看不出问题",
                ),
            },
        ),
    ],
)
def test_an_after_sales_decision_tells_the_household_that_reported(hood, formed, changes, expected):
    decided(hood, formed, **changes)
    work()
    notice = Notice.objects.get()
    assert (notice.recipient_id, notice.kind, notice.key) == (
        hood.members[2].pk,
        "after_sales_decided",
        "report:7",
    )
    assert texts(notice) == expected


def test_an_after_sales_decision_published_twice_tells_once(hood, formed):
    decided(hood, formed)
    decided(hood, formed)
    work()
    assert Notice.objects.count() == 1
