"""Each person chooses which notices they get, per kind and channel; e-mail that fails is
tried again with back-off, then parked; a channel added later is sent by the same worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from linli.core.events import MAX_ATTEMPTS
from linli.groupbuys import services as groupbuys
from linli.notices import channels, rules, selectors
from linli.notices.errors import UnknownChannel, UnknownKind
from linli.notices.models import Notice, Preference, Sending
from linli.notices.rules import Kind
from linli.notices.services import notify, send_due, set_preferences

from .conftest import work

pytestmark = pytest.mark.django_db


def arrive(hood, formed):
    groupbuys.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=formed.purchase_order.pk,
        delivered={formed.greens.product_id: 5},
        now=formed.closed_at,
    )


def test_defaults_every_kind_in_the_inbox_and_goods_arrived_by_e_mail_too(hood):
    wanted = {
        (row.kind, choice.channel.name): choice.wanted
        for row in selectors.preferences(hood.members[0])
        for choice in row.channels
    }
    # Kinds other apps add (a copy of one's data ready …) go to the inbox only.
    others = {kind for kind, _channel in wanted} - {
        "goods_arrived",
        "cutoff_soon",
        "group_buy_failed",
        "shortfall_refunded",
        "after_sales_decided",
    }
    assert wanted == {
        **{(kind, "inbox"): True for kind in others},
        **{(kind, "email"): False for kind in others},
        ("goods_arrived", "inbox"): True,
        ("goods_arrived", "email"): True,
        ("cutoff_soon", "inbox"): True,
        ("cutoff_soon", "email"): False,
        ("group_buy_failed", "inbox"): True,
        ("group_buy_failed", "email"): False,
        ("shortfall_refunded", "inbox"): True,
        ("shortfall_refunded", "email"): False,
        ("after_sales_decided", "inbox"): True,
        ("after_sales_decided", "email"): False,
    }


def test_a_kind_switched_off_is_not_sent_that_way(hood, formed):
    # Member 1 wants goods arrived by e-mail only; member 2 not at all.
    set_preferences(user=hood.members[1], choices={("goods_arrived", "inbox"): False})
    set_preferences(
        user=hood.members[2],
        choices={("goods_arrived", "inbox"): False, ("goods_arrived", "email"): False},
    )
    arrive(hood, formed)
    work()
    assert list(Notice.objects.values_list("recipient_id", "in_inbox")) == [
        (hood.members[1].pk, False)
    ]
    assert list(selectors.inbox(hood.members[1].pk)) == []
    assert selectors.unread_count(hood.members[1].pk) == 0
    assert [message.to for message in mail.outbox] == [[hood.members[1].email]]


def test_a_choice_equal_to_the_default_is_kept_as_no_row(hood):
    member = hood.members[0]
    set_preferences(user=member, choices={("cutoff_soon", "email"): True})
    assert list(Preference.objects.values_list("kind", "channel", "enabled")) == [
        ("cutoff_soon", "email", True)
    ]
    set_preferences(user=member, choices={("cutoff_soon", "email"): False})
    assert Preference.objects.count() == 0


def test_unknown_kinds_and_channels_are_refused_and_change_nothing(hood):
    member = hood.members[0]
    with pytest.raises(UnknownKind) as refused:
        set_preferences(
            user=member, choices={("cutoff_soon", "email"): True, ("spam", "email"): True}
        )
    assert str(refused.value.message) == (
        f"未知的通知类型“spam”。请使用以下之一：{', '.join(sorted(Kind.values))}。"
    )
    assert "after_sales_decided, connect_outcome, cutoff_soon" in str(refused.value.message)
    with pytest.raises(UnknownChannel):
        set_preferences(user=member, choices={("cutoff_soon", "pigeon"): True})
    assert Preference.objects.count() == 0


class Broken:
    """A channel whose gateway is down until told otherwise."""

    name = "sms"
    label = "SMS"
    queued = True

    def __init__(self):
        self.down = True
        self.sent: list[tuple[int, int]] = []

    def reaches(self, person):
        return True

    def send(self, notice, person):
        if self.down:
            raise ConnectionError("the gateway is down")
        self.sent.append((notice.pk, person.pk))


@pytest.fixture
def sms():
    channel = channels.register(Broken())
    yield channel
    channels.unregister("sms")


def test_a_channel_that_fails_is_retried_with_back_off_then_parked(hood, sms):
    member = hood.members[0]
    set_preferences(user=member, choices={("cutoff_soon", "sms"): True})
    now = timezone.now()
    (notice,) = notify(kind="cutoff_soon", key="group_buy:1", to={member.pk: _params()}, now=now)
    assert sorted(notice.sendings.values_list("channel", flat=True)) == ["sms"]
    run = send_due(now=now)
    assert (run.sent, run.failed) == (0, 1)
    sending = Sending.objects.get()
    assert (sending.status, sending.attempts, sending.due_at) == (
        "pending",
        1,
        now + timedelta(seconds=5),
    )
    assert "ConnectionError: the gateway is down" in sending.last_error
    assert send_due(now=now + timedelta(seconds=4)).failed == 0  # not due yet
    sms.down = False
    assert send_due(now=now + timedelta(seconds=5)).sent == 1
    assert sms.sent == [(notice.pk, member.pk)]
    sending.refresh_from_db()
    assert (sending.status, sending.attempts, sending.last_error) == ("sent", 2, "")

    # Down for good: parked after MAX_ATTEMPTS tries.
    sms.down = True
    (other,) = notify(kind="cutoff_soon", key="group_buy:2", to={member.pk: _params()}, now=now)
    moment = now
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(hours=1)
        send_due(now=moment)
    parked = Sending.objects.get(notice=other)
    assert (parked.status, parked.attempts) == ("parked", MAX_ATTEMPTS)
    assert send_due(now=moment + timedelta(days=1)).failed == 0


def test_an_address_taken_away_before_sending_is_skipped(hood):
    member = hood.members[0]
    now = timezone.now()
    notify(kind="goods_arrived", key="purchase_order:1", to={member.pk: _goods()}, now=now)
    member.email = ""
    member.save()
    run = send_due(now=now)
    assert (run.sent, run.skipped) == (0, 1)
    assert Sending.objects.get().status == "skipped"
    assert mail.outbox == []


def _params():
    return {"group_buy_id": 1, "title": "周末蔬菜团", "cutoff": "2027-03-01T11:00:00+00:00"}


def _goods():
    return {
        "group_buy_id": 1,
        "title": "周末蔬菜团",
        "place": "南门",
        "until": "2027-03-02T07:00:00+00:00",
        "codes": ["123456789012"],
        "products": ["崇明青菜"],
    }


def test_the_inbox_and_e_mail_are_the_channels_built_in():
    assert [(c.name, c.queued) for c in channels.channels()] == [
        ("inbox", False),
        ("email", True),
    ]
    assert rules.DEFAULT_CHANNELS["goods_arrived"] == {"inbox", "email"}
