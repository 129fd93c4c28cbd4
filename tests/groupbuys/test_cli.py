"""The whole cycle from the `linli` command line, as an operator at a terminal would run it."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli import cli
from linli.core.models import AuditEvent
from linli.groupbuys.models import GroupBuy, Order, PurchaseOrder


def linli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_cycle_from_the_command_line(hood, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    greens, eggs = hood.products[:2]
    cutoff = timezone.localtime() + timedelta(days=1)
    said = linli(
        "groupbuy",
        "open",
        "--as",
        hood.leader_user.username,
        "--community",
        str(hood.community.pk),
        "--title",
        "周末蔬菜团",
        "--item",
        f"{greens.pk}:450:30:5",
        "--item",
        f"{eggs.pk}:2800:10",
        "--min",
        "2",
        "--cutoff",
        cutoff.strftime("%Y-%m-%d %H:%M"),
        "--pickup",
        (cutoff + timedelta(hours=14)).strftime("%Y-%m-%d %H:%M"),
        "--pickup-until",
        (cutoff + timedelta(hours=20)).strftime("%Y-%m-%d %H:%M"),
    )
    group_buy = GroupBuy.objects.get(pk=int(re.search(r"opened group buy (\d+)", said)[1]))
    item_greens, item_eggs = group_buy.items.order_by("position")

    linli(
        "order",
        "place",
        "--as",
        hood.members[0].username,
        str(group_buy.pk),
        f"{item_greens.pk}=2",
        f"{item_eggs.pk}=1",
    )
    said = linli(
        "order", "place", "--as", hood.members[1].username, str(group_buy.pk), f"{item_greens.pk}=1"
    )
    second = int(re.search(r"order (\d+)", said)[1])
    linli("order", "change", "--as", hood.members[1].username, str(second), f"{item_greens.pk}=3")

    with pytest.raises(CommandError, match="limited to 5"):
        linli(
            "order",
            "place",
            "--as",
            hood.members[1].username,
            str(group_buy.pk),
            f"{item_greens.pk}=3",
        )

    assert "6/2" in linli("groupbuy", "show", str(group_buy.pk))  # 6 units of the 2 needed
    said = linli("groupbuy", "close", "--as", hood.leader_user.username, str(group_buy.pk))
    assert "formed" in said
    purchase_order = PurchaseOrder.objects.get(group_buy=group_buy)
    assert {line.product_id: line.quantity for line in purchase_order.lines.all()} == {
        greens.pk: 5,
        eggs.pk: 1,
    }

    linli(
        "delivery",
        "--as",
        hood.supplier_user.username,
        str(purchase_order.pk),
        f"{greens.pk}=5",
        f"{eggs.pk}=1",
    )
    first = Order.objects.get(group_buy=group_buy, seq=1)
    with pytest.raises(CommandError, match="12 digits"):
        linli("pickup", "--as", hood.leader_user.username, str(group_buy.pk), "--code", "12ab")
    scanned = f"https://linli.example/lead/group-buys/{group_buy.pk}/handout?q={first.pickup_code}"
    said = linli("pickup", "--as", hood.leader_user.username, str(group_buy.pk), "--code", scanned)
    assert "collected" in said
    with pytest.raises(CommandError, match="already used"):
        linli(
            "pickup",
            "--as",
            hood.leader_user.username,
            str(group_buy.pk),
            "--code",
            first.pickup_code,
        )
    linli("pickup", "--as", hood.leader_user.username, str(group_buy.pk), "--order", str(second))
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.COMPLETED
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "group_buy.opened",
        "order.placed",
        "order.changed",
        "group_buy.formed",
        "purchase_order.delivery_recorded",
        "order.collected",
        "group_buy.completed",
    }


@pytest.mark.django_db(transaction=True)
def test_cutoff_closes_what_is_due_and_speaks_the_terminal_language(hood, now, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    due = hood.open(cutoff_in=timedelta(minutes=5), now=now - timedelta(hours=1))
    later = hood.open(now=now)
    # Past its cutoff and not closed yet: shown closing (a read closes nothing).
    shown = linli("groupbuy", "show", str(due.pk))
    assert f"周末蔬菜团 · {hood.community.name} · closing: orders are being counted" in shown
    listed = linli("groupbuy", "list")
    assert "closing:" in listed and "open" in listed  # the table wraps the words
    monkeypatch.delenv("LINLI_LANGUAGE")
    cli.main(["cutoff"])
    assert AuditEvent.objects.get(action="group_buy.failed").channel == "cli"
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("failed", "open")

    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    with pytest.raises(CommandError) as refused:
        linli(
            "order",
            "place",
            "--as",
            hood.members[0].username,
            str(due.pk),
            f"{due.items.first().pk}=1",
        )
    assert "本团已于" in str(refused.value) and "截单" in str(refused.value)


def test_a_stranger_cannot_act_from_the_command_line(hood, now):
    group_buy = hood.open(now=now)
    with pytest.raises(CommandError):
        linli("groupbuy", "close", "--as", hood.other_leader_user.username, str(group_buy.pk))
    with pytest.raises(CommandError, match="No active user"):
        linli("groupbuy", "close", "--as", "nobody", str(group_buy.pk))
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.OPEN
