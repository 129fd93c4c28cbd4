"""Each flow of money through the real services, one entry each, and what the leader sees."""

import pytest
from django.db import connection

from linli.accounts.roles import roles
from linli.groupbuys import errors as groupbuy_errors
from linli.groupbuys import services as groupbuys
from linli.ledger import errors, selectors, services
from linli.ledger.models import Entry
from linli.ledger.services import Acct, Kind, balance, balance_query

from .conftest import close, complete, deliver, order, owes, pays


def test_an_order_charges_its_household_and_a_change_or_cancel_adjusts_it(hood, now):
    group_buy = hood.open(now=now)
    placed = order(hood, 0, group_buy, (2, 1), now)  # 2 × ¥4.50 + 1 × ¥28.00
    assert owes(hood.households[0]) == 3700
    greens = group_buy.items.order_by("position").first()
    groupbuys.change_order(actor=hood.members[0], order_id=placed.pk, lines={greens.pk: 1}, now=now)
    assert owes(hood.households[0]) == 450
    groupbuys.cancel_order(actor=hood.members[0], order_id=placed.pk, now=now)
    assert owes(hood.households[0]) == 0
    charges = Entry.objects.filter(order=placed, kind=Entry.Kind.CHARGE).order_by("pk")
    assert [sum(p.amount for p in e.postings.all() if p.amount > 0) for e in charges] == [
        3700,
        3250,
        450,
    ]
    assert selectors.check().ok


def wechat_payment(hood, group_buy, reference: str) -> dict:
    """What the leader records for the first household's WeChat transfer of ¥37.00."""
    return {
        "actor": hood.leader_user,
        "group_buy_id": group_buy.pk,
        "household_id": hood.households[0].pk,
        "amount_fen": 3700,
        "method": "wechat_transfer",
        "reference": reference,
    }


def test_a_payment_recorded_twice_with_its_reference_posts_once(hood, now):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    pay = wechat_payment(hood, group_buy, "1000049901 2026")
    first = services.record_payment(**pay)
    again = services.record_payment(**{**pay, "reference": " 1000049901   2026 "})
    assert again.pk == first.pk
    assert owes(hood.households[0]) == 0
    assert balance(Acct(Kind.CLEARING, method="wechat_transfer")) == 3700
    with pytest.raises(errors.ReferenceUsed):
        services.record_payment(**{**pay, "amount_fen": 3600})
    with pytest.raises(errors.ReferenceUsed):
        services.record_payment(**{**pay, "household_id": hood.households[1].pk})
    assert Entry.objects.filter(kind=Entry.Kind.PAYMENT).count() == 1


def test_payments_are_for_leaders_of_the_community_and_known_methods(hood, now):
    group_buy = hood.open(now=now)
    pay = {
        "group_buy_id": group_buy.pk,
        "household_id": hood.households[0].pk,
        "amount_fen": 100,
        "method": "cash",
    }
    with pytest.raises(groupbuy_errors.NotLeader):
        services.record_payment(actor=hood.members[0], **pay)
    with pytest.raises(groupbuy_errors.GroupBuyNotFound):
        services.record_payment(actor=hood.other_leader_user, **pay)
    with pytest.raises(errors.UnknownMethod):
        services.record_payment(actor=hood.leader_user, **{**pay, "method": "wechat_pay"})
    with pytest.raises(errors.ReferenceRequired):
        services.record_payment(actor=hood.leader_user, **{**pay, "method": "bank_transfer"})
    with pytest.raises(errors.BadAmount):
        services.record_payment(actor=hood.leader_user, **{**pay, "amount_fen": 0})
    outsider = hood.other_member.member.household_id
    with pytest.raises(groupbuy_errors.HouseholdOutsideCommunity):
        services.record_payment(actor=hood.leader_user, **{**pay, "household_id": outsider})
    assert not Entry.objects.filter(kind=Entry.Kind.PAYMENT).exists()


def test_a_failed_group_buy_leaves_what_was_paid_due_back_in_full(hood, now):
    group_buy = hood.open(min_to_form=100, now=now)
    order(hood, 0, group_buy, (2, 1), now)
    order(hood, 1, group_buy, (1, 0), now)
    pays(hood, 0, group_buy, 3700)
    at = close(group_buy)
    assert group_buy.status == "failed"
    assert owes(hood.households[0]) == -3700  # paid, nothing owed: ¥37.00 due back
    assert owes(hood.households[1]) == 0  # never paid: owes nothing any more
    report = selectors.group_buy_ledger(roles(hood.leader_user), group_buy.pk)
    assert report.total.refund_due == 3700 and report.total.owes == 0
    assert report.commission_fen == 0
    close(group_buy)  # closing again changes nothing
    assert Entry.objects.filter(kind=Entry.Kind.FAILED).count() == 1

    refund = {
        "actor": hood.leader_user,
        "group_buy_id": group_buy.pk,
        "household_id": hood.households[0].pk,
        "method": "wechat_transfer",
        "at": at,
    }
    with pytest.raises(errors.RefundTooLarge):
        services.record_refund(amount_fen=3701, **refund)
    services.record_refund(amount_fen=3700, **refund)
    assert owes(hood.households[0]) == 0
    report = selectors.group_buy_ledger(roles(hood.leader_user), group_buy.pk)
    line = next(line for line in report.households if line.household_id == hood.households[0].pk)
    assert (line.charged, line.paid, line.credited, line.refunded, line.refund_due) == (
        3700,
        3700,
        3700,
        3700,
        0,
    )
    assert selectors.check().ok


def test_short_delivery_refund_and_settlement_split_the_sales(hood, now):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)  # ¥37.00
    order(hood, 1, group_buy, (3, 0), now)  # ¥13.50
    at = close(group_buy)
    deliver(hood, group_buy, (5, 0), at)  # no eggs came
    services.refund_shortfalls(group_buy, {hood.households[0].pk: 2800})
    services.refund_shortfalls(group_buy, {hood.households[0].pk: 2800})  # again: no change
    assert owes(hood.households[0]) == 900
    assert Entry.objects.filter(kind=Entry.Kind.SHORTFALL).count() == 1

    complete(group_buy)
    assert group_buy.status == "completed"
    sales = 5050 - 2800
    cost = 5 * 300  # what was delivered, at the supplier's price
    commission = 225  # 10% of ¥22.50
    assert balance(Acct(Kind.SALES, group_buy.pk)) == 0
    assert balance(Acct(Kind.SUPPLIER, hood.supplier.pk)) == -cost
    assert balance(Acct(Kind.LEADER, hood.leader.pk)) == -commission
    assert balance(Acct(Kind.OPERATOR)) == -(sales - cost - commission)
    # Balances as subqueries of one written-out statement; an account never used is 0.
    parts = [
        balance_query(spec)
        for spec in (
            Acct(Kind.LEADER, hood.leader.pk),
            Acct(Kind.SUPPLIER, 999_999),
            Acct(Kind.SUPPLIER, hood.supplier.pk),
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(sql for sql, _ in parts), [v for _, p in parts for v in p]
        )
        assert list(cursor.fetchone()) == [-commission, 0, -cost]

    report = selectors.leader_ledger(roles(hood.leader_user))
    assert [(row.group_buy_id, row.commission_fen, row.owes) for row in report.group_buys] == [
        (group_buy.pk, commission, 900 + 1350)
    ]
    assert report.total.owing_households == 2

    supplier = selectors.supplier_ledger(roles(hood.supplier_user), hood.supplier.pk)
    assert (supplier.payable_fen, supplier.paid_fen, supplier.outstanding_fen) == (cost, 0, cost)
    payout = {
        "actor": hood.operator,
        "kind": Kind.SUPPLIER,
        "owner_id": hood.supplier.pk,
        "method": "bank_transfer",
    }
    with pytest.raises(errors.PayoutTooLarge):
        services.pay_out(amount_fen=cost + 1, reference="B1", **payout)
    with pytest.raises(errors.NotOperator):
        services.pay_out(**{**payout, "actor": hood.leader_user}, amount_fen=1, reference="B1")
    paid = services.pay_out(amount_fen=cost, reference="B1", **payout)
    # Sent again (a retry), it is the same payout, though nothing is owed any more; the same
    # transfer number for another amount is refused.
    assert services.pay_out(amount_fen=cost, reference="B1", **payout).pk == paid.pk
    with pytest.raises(errors.ReferenceUsed):
        services.pay_out(amount_fen=cost - 1, reference="B1", **payout)
    with pytest.raises(errors.ReferenceUsed):  # nor for another account
        services.pay_out(
            **{**payout, "kind": Kind.LEADER, "owner_id": hood.leader.pk},
            amount_fen=commission,
            reference="B1",
        )
    supplier = selectors.supplier_ledger(roles(hood.supplier_user), hood.supplier.pk)
    assert (supplier.paid_fen, supplier.outstanding_fen) == (cost, 0)
    assert selectors.check().ok


def test_an_operator_corrects_a_mistyped_payment_once(hood, now):
    group_buy = hood.open(now=now)
    placed = order(hood, 0, group_buy, (2, 1), now)
    payment = pays(hood, 0, group_buy, 37000)  # a zero too many
    with pytest.raises(errors.NotOperator):
        services.reverse_entry(actor=hood.leader_user, entry_id=payment.pk)
    correction = services.reverse_entry(actor=hood.operator, entry_id=payment.pk, memo="typo")
    assert correction.reverses_id == payment.pk
    assert owes(hood.households[0]) == 3700
    with pytest.raises(errors.AlreadyReversed):
        services.reverse_entry(actor=hood.operator, entry_id=payment.pk)
    charge = Entry.objects.get(order=placed, kind=Entry.Kind.CHARGE)
    with pytest.raises(errors.NotReversible):
        services.reverse_entry(actor=hood.operator, entry_id=charge.pk)
    report = selectors.group_buy_ledger(roles(hood.leader_user), group_buy.pk)
    assert (report.total.paid, report.total.owes) == (0, 3700)
    assert selectors.check().ok


def test_a_corrected_payments_reference_may_be_recorded_again_right_this_time(hood, now):
    """The leader typed ¥370 for a WeChat transfer of ¥37; the operator corrects it. The same
    transfer, recorded again with its reference, is a new payment (not the corrected one),
    and recording it twice still posts once."""
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    pay = wechat_payment(hood, group_buy, "4200001 2026")
    del pay["amount_fen"]
    wrong = services.record_payment(**pay, amount_fen=37000)
    services.reverse_entry(actor=hood.operator, entry_id=wrong.pk, memo="a zero too many")
    right = services.record_payment(**pay, amount_fen=3700)
    assert right.pk != wrong.pk and right.reference == wrong.reference
    assert services.record_payment(**pay, amount_fen=3700).pk == right.pk
    with pytest.raises(errors.ReferenceUsed):  # still not for another amount
        services.record_payment(**pay, amount_fen=3600)
    assert owes(hood.households[0]) == 0
    # Corrected again, and recorded a third time: each correction frees the reference.
    services.reverse_entry(actor=hood.operator, entry_id=right.pk)
    third = services.record_payment(**pay, amount_fen=3700)
    assert third.pk not in (wrong.pk, right.pk) and owes(hood.households[0]) == 0
    assert selectors.check().ok


def test_a_reference_as_long_as_allowed_keeps_its_payment_once(hood, now):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    pay = wechat_payment(hood, group_buy, "转账" + "9" * 98)
    first = services.record_payment(**pay)
    assert services.record_payment(**pay).pk == first.pk
    assert first.reference == pay["reference"] and len(first.key) <= 120
    with pytest.raises(errors.ReferenceUsed):
        services.record_payment(**{**pay, "amount_fen": 100})
    assert owes(hood.households[0]) == 0


def test_each_caller_sees_only_their_own_accounts(hood, now):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (1, 0), now)
    mine = selectors.household_statement(roles(hood.members[0]))
    assert (mine.balance_fen, [line.amount_fen for line in mine.lines]) == (450, [450])
    with pytest.raises(errors.AccountNotFound):
        selectors.household_statement(roles(hood.members[1]), hood.households[0].pk)
    assert (
        selectors.household_statement(roles(hood.operator), hood.households[0].pk).balance_fen
        == 450
    )
    with pytest.raises(groupbuy_errors.GroupBuyNotFound):
        selectors.group_buy_ledger(roles(hood.other_leader_user), group_buy.pk)
    with pytest.raises(groupbuy_errors.NotLeader):
        selectors.group_buy_ledger(roles(hood.members[0]), group_buy.pk)
    with pytest.raises(errors.AccountNotFound):
        selectors.leader_ledger(roles(hood.other_leader_user), hood.leader.pk)
    with pytest.raises(errors.AccountNotFound):
        selectors.supplier_ledger(roles(hood.other_supplier_user), hood.supplier.pk)
    with pytest.raises(errors.AccountNotFound):
        selectors.leader_ledger(roles(hood.members[1]))
