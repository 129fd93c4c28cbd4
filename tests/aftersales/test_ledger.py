"""What an after-sales decision leaves on the ledger, to the fen, before and after the group
buy is settled; once per report, however often the decision is delivered."""

from datetime import timedelta

from linli.accounts.roles import roles
from linli.aftersales import services
from linli.core.events import Event
from linli.core.models import AuditEvent, OutboxEvent
from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy
from linli.ledger import events as ledger_events
from linli.ledger import selectors as ledger
from linli.ledger.models import Entry
from linli.ledger.services import OPERATOR, Acct, Kind, balance

from .conftest import after_sales_entries, collected, line_of, postings


def report_eggs(hood, order, quantity=2):
    return services.report_problem(
        actor=hood.members[1],
        order_line_id=line_of(order, 1).pk,
        quantity=quantity,
        kind="spoiled",
        note="蛋壳碎了",
    )


def settlement(group_buy) -> Entry | None:
    return Entry.objects.filter(group_buy=group_buy, kind=Entry.Kind.SETTLEMENT).first()


def test_approved_before_settlement_then_settled(hood):
    # Two households ordered 3 greens (¥4.50, cost ¥3.00) and 2 eggs (¥28.00, cost ¥20.00)
    # each; one has collected, so the group buy is formed, not settled.
    group_buy, order = collected(hood, uncollected=2)
    assert group_buy.status == GroupBuy.Status.FORMED
    made = report_eggs(hood, order)
    services.decide_report(actor=hood.leader_user, report_id=made.pk, choice="approve")
    [entry] = after_sales_entries()
    assert postings(entry) == {
        (Kind.HOUSEHOLD, hood.households[1].pk): -5600,
        (Kind.SUPPLIER, hood.supplier.pk): 4000,
        (Kind.OPERATOR, 0): 1600,
    }
    assert (entry.group_buy_id, entry.order_id, entry.actor_id) == (
        group_buy.pk,
        order.pk,
        hood.leader_user.pk,
    )
    assert settlement(group_buy) is None
    # The leader's money page: the credit shows; the commission so far is on the sales.
    money = ledger.group_buy_ledger(roles(hood.leader_user), group_buy.pk)
    assert (money.total.charged, money.total.credited, money.commission_fen) == (13900, 5600, 1390)

    groupbuys.close_due_group_buys(now=group_buy.pickup_ends_at + timedelta(seconds=1))
    settled = settlement(group_buy)
    # Sales ¥139.00: cost 6 × ¥3.00 + 4 × ¥20.00 = ¥98.00; commission 10 % = ¥13.90.
    assert postings(settled) == {
        (Kind.SALES, group_buy.pk): 13900,
        (Kind.SUPPLIER, hood.supplier.pk): -9800,
        (Kind.LEADER, hood.leader.pk): -1390,
        (Kind.OPERATOR, 0): -2710,
    }
    assert balance(Acct(Kind.SUPPLIER, hood.supplier.pk)) == -9800 + 4000
    assert balance(Acct(Kind.HOUSEHOLD, hood.households[1].pk)) == 6950 - 5600
    assert balance(OPERATOR) == -2710 + 1600
    assert balance(Acct(Kind.LEADER, hood.leader.pk)) == -1390
    assert balance(Acct(Kind.SALES, group_buy.pk)) == 0
    assert ledger.supplier_ledger(roles(hood.supplier_user), hood.supplier.pk).payable_fen == 5800
    assert ledger.check().ok


def test_approved_after_settlement(hood):
    group_buy, order = collected(hood)  # the only order: collected, so completed and settled
    assert postings(settlement(group_buy)) == {
        (Kind.SALES, group_buy.pk): 6950,
        (Kind.SUPPLIER, hood.supplier.pk): -4900,
        (Kind.LEADER, hood.leader.pk): -695,
        (Kind.OPERATOR, 0): -1355,
    }
    made = report_eggs(hood, order)
    services.decide_report(actor=hood.leader_user, report_id=made.pk, choice="approve")
    [entry] = after_sales_entries()
    assert postings(entry) == {
        (Kind.HOUSEHOLD, hood.households[1].pk): -5600,
        (Kind.SUPPLIER, hood.supplier.pk): 4000,
        (Kind.OPERATOR, 0): 1600,
    }
    assert balance(Acct(Kind.SUPPLIER, hood.supplier.pk)) == -900
    assert balance(OPERATOR) == -1355 + 1600
    assert balance(Acct(Kind.LEADER, hood.leader.pk)) == -695  # the commission stands
    assert ledger.supplier_ledger(roles(hood.supplier_user), hood.supplier.pk).payable_fen == 900
    statement = ledger.household_statement(roles(hood.members[1]))
    assert (statement.balance_fen, statement.lines[0].kind_label) == (1350, "售后退款")
    assert ledger.check().ok


def test_approved_in_part_takes_the_cost_in_proportion(hood):
    _g, order = collected(hood)
    made = report_eggs(hood, order)
    decided = services.decide_report(
        actor=hood.leader_user,
        report_id=made.pk,
        choice="partly_approve",
        quantity=1,
        credit_fen=2000,
        reason="只有一盒碎了一半",
    )
    # One box's cost (¥20.00) × ¥20.00 / ¥28.00 = ¥14.2857… → ¥14.29, half up.
    assert (decided.status, decided.approved_quantity, decided.credit_fen, decided.cost_fen) == (
        "partly_approved",
        1,
        2000,
        1429,
    )
    [entry] = after_sales_entries()
    assert postings(entry) == {
        (Kind.HOUSEHOLD, hood.households[1].pk): -2000,
        (Kind.SUPPLIER, hood.supplier.pk): 1429,
        (Kind.OPERATOR, 0): 571,
    }
    event = OutboxEvent.objects.get(name="after_sales.decided")
    assert event.payload == {
        "report_id": made.pk,
        "order_id": order.pk,
        "order_line_id": line_of(order, 1).pk,
        "household_id": hood.households[1].pk,
        "group_buy_id": order.group_buy_id,
        "community_id": hood.community.pk,
        "supplier_id": hood.supplier.pk,
        "product_id": hood.products[1].pk,
        "decision": "partly_approved",
        "quantity": 1,
        "credit_fen": 2000,
        "cost_fen": 1429,
        "reason": "只有一盒碎了一半",
        "actor_id": hood.leader_user.pk,
    }
    assert ledger.check().ok


def test_rejected_moves_no_money(hood):
    _g, order = collected(hood)
    made = report_eggs(hood, order)
    entries = Entry.objects.count()
    services.decide_report(
        actor=hood.leader_user, report_id=made.pk, choice="reject", reason="照片里的蛋是好的"
    )
    assert Entry.objects.count() == entries
    assert OutboxEvent.objects.get(name="after_sales.decided").payload["decision"] == "rejected"


def test_a_decision_delivered_twice_credits_once(hood):
    _g, order = collected(hood)
    made = report_eggs(hood, order)
    services.decide_report(actor=hood.leader_user, report_id=made.pk, choice="approve")
    event = OutboxEvent.objects.get(name="after_sales.decided")
    again = Event(event.pk, event.name, event.payload, event.at)
    ledger_events.credit_after_sales(again)
    ledger_events.credit_after_sales(again)
    assert len(after_sales_entries()) == 1
    assert AuditEvent.objects.filter(action="ledger.after_sales_credited").count() == 1
    assert balance(Acct(Kind.HOUSEHOLD, hood.households[1].pk)) == 6950 - 5600
