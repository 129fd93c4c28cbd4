"""The cutoff within the hour: households that usually order from the group buy's leader (in
at least 2 of the leader's last 4 closed group buys in the community) and have not ordered in
this one are told, once, by the worker's clock job."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from linli.core import clock
from linli.groupbuys import services
from linli.notices import rules
from linli.notices.models import Notice
from linli.notices.tasks import remind_before_cutoff
from linli.notices.texts import shown

pytestmark = pytest.mark.django_db


def past(hood, orderers: list[int], cancelled: tuple[int, ...] = ()):
    """A group buy closed early, with an order from each of ``orderers`` (member indexes);
    those in ``cancelled`` cancel theirs before it closes."""
    group_buy = hood.open()
    greens = group_buy.items.order_by("position").first()
    for index in orderers:
        order = services.place_order(
            actor=hood.members[index], group_buy_id=group_buy.pk, lines={greens.pk: 1}
        )
        if index in cancelled:
            services.cancel_order(actor=hood.members[index], order_id=order.pk)
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    return group_buy


@pytest.fixture
def history(hood):
    """Five closed group buys, oldest first. Household 0 ordered in the oldest (outside the
    window of 4) and the newest; 1 in the two newest; 2 in one, and cancelled in another; 3
    in three."""
    past(hood, [0])
    past(hood, [3])
    past(hood, [2, 3])
    past(hood, [1, 2, 3], cancelled=(2,))
    past(hood, [0, 1])


def test_usual_orderers_who_have_not_ordered_are_reminded_once(hood, history):
    now = timezone.now()
    closing = hood.open(cutoff_in=timedelta(minutes=40))
    later = hood.open(cutoff_in=timedelta(minutes=70))
    greens = closing.items.order_by("position").first()
    services.place_order(actor=hood.members[3], group_buy_id=closing.pk, lines={greens.pk: 1})

    assert remind_before_cutoff(now) == 1
    notice = Notice.objects.get()
    assert (notice.recipient_id, notice.kind, notice.key) == (
        hood.members[1].pk,
        "cutoff_soon",
        f"group_buy:{closing.pk}",
    )
    cutoff = timezone.localtime(closing.cutoff_at).strftime("%Y-%m-%d %H:%M")
    with translation.override("zh-hans"):
        text = shown(notice.kind, notice.params)
    assert (text.title, text.body, text.link) == (
        "一小时内截单：周末蔬菜团",
        f"周末蔬菜团将于 {cutoff} 截单。您常在这位团长这里下单，这次还没有下单。",
        f"/group-buys/{closing.pk}/",
    )
    with translation.override("en"):
        text = shown(notice.kind, notice.params)
    assert text.body == (
        f"Orders for 周末蔬菜团 close at {cutoff}. You often order from this group buy's "
        "leader; you have not ordered this time."
    )
    # The next runs of the job (every 5 minutes) write nothing more for it; the group buy
    # closing in 70 minutes is reminded of when its cutoff is within the hour (household 3
    # has not ordered in that one).
    assert remind_before_cutoff(now + timedelta(minutes=5)) == 0
    assert remind_before_cutoff(now + timedelta(minutes=15)) == 2
    assert remind_before_cutoff(now + timedelta(minutes=20)) == 0
    assert sorted(Notice.objects.values_list("key", "recipient_id")) == sorted(
        [
            (f"group_buy:{closing.pk}", hood.members[1].pk),
            (f"group_buy:{later.pk}", hood.members[1].pk),
            (f"group_buy:{later.pk}", hood.members[3].pk),
        ]
    )


def test_nobody_is_reminded_of_a_cutoff_more_than_an_hour_away_or_past(hood, history):
    now = timezone.now()
    hood.open(cutoff_in=timedelta(minutes=61))
    assert remind_before_cutoff(now) == 0
    assert remind_before_cutoff(now + timedelta(minutes=62)) == 0
    assert Notice.objects.count() == 0


def test_the_reminders_run_on_the_workers_clock():
    assert {job.name: job.every for job in clock.jobs()}[
        "linli.notices.tasks.cutoff_reminders"
    ] == (timedelta(minutes=5))


@pytest.mark.parametrize(("ordered_in", "usual"), [(0, False), (1, False), (2, True), (4, True)])
def test_usually_orders_means_two_of_the_last_four(ordered_in, usual):
    assert (rules.USUAL_AT_LEAST, rules.USUAL_WINDOW) == (2, 4)
    assert rules.usually_orders(ordered_in) is usual
