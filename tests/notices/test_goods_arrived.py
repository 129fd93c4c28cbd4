"""Goods arrived: when the supplier records a delivery, every household with a confirmed order
holding a product that arrived is told where, until when, and its pickup code, in the inbox
and (by default) by e-mail, each in the person's language; once, however often the event or
the delivery is recorded."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from linli.core import events
from linli.core.models import Delivery
from linli.groupbuys import services
from linli.notices.models import Notice, Sending
from linli.notices.texts import shown

from .conftest import work

pytestmark = pytest.mark.django_db


def record(hood, formed, delivered):
    return services.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=formed.purchase_order.pk,
        delivered=delivered,
        now=formed.closed_at + timedelta(hours=2),
    )


def test_each_household_that_ordered_what_arrived_is_told_where_until_when_and_its_code(
    hood, formed
):
    hood.members[2].language = "en"
    hood.members[2].save()
    record(hood, formed, {formed.greens.product_id: 5, formed.eggs.product_id: 1})
    run = work()

    first, second = (order.pickup_code for order in formed.orders)
    notices = Notice.objects.order_by("recipient_id")
    assert [(n.recipient_id, n.kind, n.key, n.in_inbox, n.read_at) for n in notices] == [
        (
            hood.members[1].pk,
            "goods_arrived",
            f"purchase_order:{formed.purchase_order.pk}",
            True,
            None,
        ),
        (
            hood.members[2].pk,
            "goods_arrived",
            f"purchase_order:{formed.purchase_order.pk}",
            True,
            None,
        ),
    ]
    assert notices[1].params == {
        "group_buy_id": formed.group_buy.pk,
        "title": "周末蔬菜团",
        "place": "南门快递柜旁",
        "until": "2027-03-02T07:00:00+00:00",
        "codes": [second],
        "products": ["崇明青菜", "土鸡蛋"],
    }
    with translation.override("zh-hans"):
        text = shown(notices[0].kind, notices[0].params)
    assert (text.title, text.body, text.link) == (
        "您的货到了：周末蔬菜团",
        f"崇明青菜已到货。请在 2027-03-02 15:00 前到 南门快递柜旁 取货，取货码 {first}。",
        "/orders/",
    )
    with translation.override("en"):
        text = shown(notices[1].kind, notices[1].params)
    assert (text.title, text.body) == (
        "Your goods are here: 周末蔬菜团",
        f"崇明青菜、土鸡蛋 arrived. Collect them at 南门快递柜旁 by 2027-03-02 15:00 with "
        f"your pickup code {second}.",
    )

    # E-mail by default for this kind, each in the person's own language.
    assert (run.sent, run.failed, run.skipped) == (2, 0, 0)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2
    zh = by_address[hood.members[1].email]
    assert zh.subject == "您的货到了：周末蔬菜团 · 邻里 Linli"
    assert (
        zh.body == f"崇明青菜已到货。请在 2027-03-02 15:00 前到 南门快递柜旁 取货，取货码 {first}。"
    )
    en = by_address[hood.members[2].email]
    assert en.subject == "Your goods are here: 周末蔬菜团 · 邻里 Linli"
    assert en.body == (
        f"崇明青菜、土鸡蛋 arrived. Collect them at 南门快递柜旁 by 2027-03-02 15:00 with "
        f"your pickup code {second}."
    )
    assert set(Sending.objects.values_list("status", flat=True)) == {"sent"}
    # Nothing more to send the next time round.
    assert (work().sent, len(mail.outbox)) == (0, 2)


def test_the_e_mail_links_to_the_site_when_its_address_is_known(hood, formed, settings):
    settings.LINLI_SITE_URL = "https://linli.example"
    record(hood, formed, {formed.greens.product_id: 2})
    work()
    first = formed.orders[0].pickup_code
    message = next(m for m in mail.outbox if m.to == [hood.members[1].email])
    assert message.body == (
        f"崇明青菜已到货。请在 2027-03-02 15:00 前到 南门快递柜旁 取货，取货码 {first}。\n\n"
        "https://linli.example/orders/"
    )


def test_only_households_whose_products_arrived_are_told(hood, formed):
    record(hood, formed, {formed.greens.product_id: 0, formed.eggs.product_id: 1})
    work()
    assert list(Notice.objects.values_list("recipient_id", "params__products")) == [
        (hood.members[2].pk, ["土鸡蛋"])
    ]


def test_an_event_delivered_twice_and_a_corrected_delivery_tell_nobody_twice(hood, formed):
    record(hood, formed, {formed.greens.product_id: 5})
    work()
    assert Notice.objects.count() == 2
    # The same event delivered a second time (a worker that died before marking it done).
    Delivery.objects.filter(subscriber="notices.goods_arrived").update(status="pending")
    # And the supplier corrects the delivery: a second event about the same purchase order.
    record(hood, formed, {formed.greens.product_id: 4})
    assert events.subscribers_to("delivery.recorded") == ["notices.goods_arrived"]
    work()
    assert Delivery.objects.filter(subscriber="notices.goods_arrived", status="done").count() == 2
    assert Notice.objects.count() == 2
    assert Sending.objects.count() == 2
    assert len(mail.outbox) == 2


def test_someone_without_an_e_mail_address_gets_the_inbox_only(hood, formed):
    hood.members[1].email = ""
    hood.members[1].save()
    record(hood, formed, {formed.greens.product_id: 5})
    work()
    assert sorted(Notice.objects.values_list("recipient_id", "in_inbox")) == [
        (hood.members[1].pk, True),
        (hood.members[2].pk, True),
    ]
    assert list(Sending.objects.values_list("notice__recipient_id", flat=True)) == [
        hood.members[2].pk
    ]
    assert [message.to for message in mail.outbox] == [[hood.members[2].email]]
