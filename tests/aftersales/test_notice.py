"""End to end across the apps: a leader's after-sales decision reaches the household's inbox
through the published event and the worker, with the credit the ledger posted."""

import pytest
from django.utils import timezone

from linli.aftersales import services
from linli.core import events
from linli.notices.models import Notice
from linli.notices.services import send_due
from linli.notices.texts import shown_in

from .conftest import collected, line_of

pytestmark = pytest.mark.django_db


def deliver_everything() -> None:
    now = timezone.now()
    while events.deliver(now=now):
        pass
    send_due(now=now)


def test_a_partly_approved_report_tells_the_member_the_units_and_the_credit(hood):
    _group_buy, order = collected(hood)
    report = services.report_problem(
        actor=hood.members[1],
        order_line_id=line_of(order, 1).pk,
        quantity=2,
        kind="spoiled",
        note="蛋壳碎了",
    )
    deliver_everything()
    Notice.objects.all().delete()  # goods arrived: told by the delivery, not the subject here
    services.decide_report(
        actor=hood.leader_user,
        report_id=report.pk,
        choice="partly_approve",
        quantity=1,
        reason="只有一个碎了",
    )
    deliver_everything()
    deliver_everything()  # a second run tells nobody again

    [notice] = Notice.objects.filter(kind="after_sales_decided")
    assert (notice.recipient_id, notice.key) == (hood.members[1].pk, f"report:{report.pk}")
    zh, en = (
        shown_in("zh-hans", notice.kind, notice.params),
        shown_in("en", notice.kind, notice.params),
    )
    assert (zh.title, zh.body) == (
        "土鸡蛋的售后申请部分通过",
        "已认可 1 份，¥28.00 已退回您的账户。 团长说明：只有一个碎了",
    )
    assert (en.title, en.body) == (
        "After-sales report on 土鸡蛋 partly approved",
        "1 unit approved; ¥28.00 has been credited back to your account. "
        "The leader says: 只有一个碎了",
    )
