"""The exact postings, account by account, that each thing done in a group buy leaves on the
ledger: placing, changing and cancelling an order, a group buy failing, a short delivery
shared out, a completion settled, and the money moved by hand. Driven through the public
services only, as a member, a leader, a supplier, the clock and an operator do it."""

from datetime import timedelta

import pytest
from django.utils import translation

from linli.core.models import AuditEvent
from linli.groupbuys import services as groupbuys
from linli.ledger import errors, services
from linli.ledger.models import Account, Entry, Posting

from .conftest import close, complete, order, pays

Kind = Account.Kind


def postings(entry: Entry) -> dict[tuple[str, int, str], int]:
    """``{(account kind, owner, method): amount}`` of one entry."""
    rows = Posting.objects.filter(entry=entry).values_list(
        "account__kind", "account__owner_id", "account__method", "amount"
    )
    found: dict[tuple[str, int, str], int] = {}
    for kind, owner, method, amount in rows:
        assert (kind, owner, method) not in found, "one posting per account and entry"
        found[kind, owner, method] = amount
    return found


def entries(group_buy, kind: str) -> list[Entry]:
    return list(Entry.objects.filter(group_buy=group_buy, kind=kind).order_by("pk"))


def household(hood, index: int) -> tuple[str, int, str]:
    return (Kind.HOUSEHOLD, hood.households[index].pk, "")


def sales(group_buy) -> tuple[str, int, str]:
    return (Kind.SALES, group_buy.pk, "")


def test_placing_changing_and_cancelling_each_post_the_difference_once(hood, now):
    group_buy = hood.open(now=now)
    greens, eggs = group_buy.items.order_by("position")
    placed = order(hood, 1, group_buy, (2, 1), now)  # 2 × ¥4.50 + ¥28.00
    later = now + timedelta(minutes=5)
    groupbuys.change_order(
        actor=hood.members[1], order_id=placed.pk, lines={greens.pk: 1, eggs.pk: 2}, now=later
    )  # ¥4.50 + 2 × ¥28.00 = ¥60.50
    # The leader takes the eggs off for the household: ¥4.50 left.
    groupbuys.change_order(
        actor=hood.leader_user, order_id=placed.pk, lines={greens.pk: 1}, now=later
    )
    last = later + timedelta(minutes=1)
    groupbuys.cancel_order(actor=hood.members[1], order_id=placed.pk, now=last)
    groupbuys.cancel_order(actor=hood.members[1], order_id=placed.pk, now=last)  # again

    charges = entries(group_buy, Entry.Kind.CHARGE)
    assert [postings(entry) for entry in charges] == [
        {household(hood, 1): 3700, sales(group_buy): -3700},
        {household(hood, 1): 2350, sales(group_buy): -2350},
        {household(hood, 1): -5600, sales(group_buy): 5600},
        {household(hood, 1): -450, sales(group_buy): 450},
    ]
    assert [(e.order_id, e.actor_id, e.at) for e in charges] == [
        (placed.pk, hood.members[1].pk, now),
        (placed.pk, hood.members[1].pk, later),
        (placed.pk, hood.leader_user.pk, later),
        (placed.pk, hood.members[1].pk, last),
    ]
    assert services.household_balance_in(group_buy.pk, hood.households[1].pk) == 0


def test_an_order_changed_to_the_same_total_posts_nothing(hood, now):
    group_buy = hood.open(now=now)
    greens, _eggs = group_buy.items.order_by("position")
    placed = order(hood, 0, group_buy, (2, 0), now)
    groupbuys.change_order(
        actor=hood.members[0], order_id=placed.pk, lines={greens.pk: 2}, note="放门卫", now=now
    )
    assert [postings(e) for e in entries(group_buy, Entry.Kind.CHARGE)] == [
        {household(hood, 0): 900, sales(group_buy): -900}
    ]


def test_a_failed_group_buy_credits_each_household_its_charges_in_one_entry(hood, now):
    group_buy = hood.open(min_to_form=100, now=now)
    order(hood, 0, group_buy, (2, 1), now)  # ¥37.00
    order(hood, 1, group_buy, (1, 0), now)  # ¥4.50
    gone = order(hood, 2, group_buy, (0, 1), now)
    groupbuys.cancel_order(actor=hood.members[2], order_id=gone.pk, now=now)
    pays(hood, 0, group_buy, 3700)
    at = close(group_buy)
    assert group_buy.status == "failed"
    close(group_buy)  # the clock again: nothing more

    [failed] = entries(group_buy, Entry.Kind.FAILED)
    # The household whose order was cancelled is owed nothing, and gets no posting.
    assert postings(failed) == {
        household(hood, 0): -3700,
        household(hood, 1): -450,
        sales(group_buy): 4150,
    }
    assert (failed.key, failed.memo, failed.at, failed.actor_id) == (
        f"failed:{group_buy.pk}",
        "周末蔬菜团",
        at,
        None,
    )
    assert services.household_balance_in(group_buy.pk, hood.households[0].pk) == -3700
    assert services.household_balance_in(group_buy.pk, hood.households[1].pk) == 0


def test_a_short_delivery_and_the_completion_post_exact_shares(hood, now):
    """Greens (the neighbourhood supplier's, cost ¥3.00) come 4 of 5; eggs (its too, cost
    ¥20.00) none of 1; rice (another supplier's, cost ¥52.00) is never recorded, so it counts
    as delivered in full. The leader's commission is 1%, rounded half up."""
    hood.leader.commission_bp = 100
    hood.leader.save(update_fields=["commission_bp"])
    group_buy = hood.open(stock=(50, 50, 50), now=now)
    rice_supplier = hood.products[2].supplier
    order(hood, 0, group_buy, (2, 1, 1), now)  # ¥9.00 + ¥28.00 + ¥69.00 = ¥106.00
    order(hood, 1, group_buy, (3, 0, 0), now)  # ¥13.50
    at = close(group_buy)
    assert group_buy.status == "formed"
    ours = group_buy.purchase_orders.get(supplier=hood.supplier)
    greens, eggs = hood.products[:2]
    groupbuys.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=ours.pk,
        delivered={greens.pk: 4, eggs.pk: 0},
        now=at,
    )
    end = complete(group_buy)
    assert group_buy.status == "completed"

    # Shared out at completion, item by item, proportionally: greens 4 of 5 go 2 : 3 → 2 and
    # 2 (the larger order gives up the one short), eggs 0 of 1. Each item's shortfall is
    # credited back in its own entry, which posts only what that item added.
    assert [(postings(e), e.memo, e.at) for e in entries(group_buy, Entry.Kind.SHORTFALL)] == [
        ({household(hood, 1): -450, sales(group_buy): 450}, "周末蔬菜团", end),
        ({household(hood, 0): -2800, sales(group_buy): 2800}, "周末蔬菜团", end),
    ]

    sold = 10600 + 1350 - 3250  # ¥87.00
    supplier_cost = 4 * 300 + 0 * 2000
    rice_cost = 1 * 5200
    commission = 87  # 1% of ¥87.00
    [settlement] = entries(group_buy, Entry.Kind.SETTLEMENT)
    assert postings(settlement) == {
        sales(group_buy): sold,
        (Kind.SUPPLIER, hood.supplier.pk, ""): -supplier_cost,
        (Kind.SUPPLIER, rice_supplier.pk, ""): -rice_cost,
        (Kind.LEADER, hood.leader.pk, ""): -commission,
        (Kind.OPERATOR, 0, ""): -(sold - supplier_cost - rice_cost - commission),
    }
    assert (settlement.key, settlement.memo, settlement.at) == (
        f"settlement:{group_buy.pk}",
        "周末蔬菜团",
        end,
    )
    assert services.balance(services.Acct(Kind.SALES, group_buy.pk)) == 0


@pytest.mark.parametrize(
    ("quantities", "commission"),
    [
        ((1, 0), 5),  # 1% of ¥4.50 is 4.5 fen: half up, 5
        ((3, 0), 14),  # 1% of ¥13.50 is 13.5 fen: 14
        ((0, 1), 28),  # 1% of ¥28.00
    ],
)
def test_the_commission_is_rounded_half_up_and_the_operator_takes_the_rest(
    hood, now, quantities, commission
):
    hood.leader.commission_bp = 100
    hood.leader.save(update_fields=["commission_bp"])
    group_buy = hood.open(now=now)
    placed = order(hood, 0, group_buy, quantities, now)
    close(group_buy)
    complete(group_buy)
    cost = quantities[0] * 300 + quantities[1] * 2000
    [settlement] = entries(group_buy, Entry.Kind.SETTLEMENT)
    assert postings(settlement) == {
        sales(group_buy): placed.total_fen,
        (Kind.SUPPLIER, hood.supplier.pk, ""): -cost,
        (Kind.LEADER, hood.leader.pk, ""): -commission,
        (Kind.OPERATOR, 0, ""): -(placed.total_fen - cost - commission),
    }


def test_money_moved_by_hand_posts_to_the_clearing_account_of_its_method(hood, now):
    group_buy = hood.open(min_to_form=100, now=now)
    order(hood, 0, group_buy, (2, 1), now)  # ¥37.00
    paid = pays(hood, 0, group_buy, 4000, method="wechat_transfer", reference="4200001", at=now)
    assert paid.at == now
    with pytest.raises(errors.ReferenceUsed) as reused:  # the same transfer, another sum
        pays(hood, 0, group_buy, 3999, method="wechat_transfer", reference="4200001")
    with translation.override("zh-hans"):
        assert (
            str(reused.value.message)
            == "流水号“4200001”的付款已经记过了，记在另一户或另一个金额上。"
        )
    assert postings(paid) == {
        (Kind.CLEARING, 0, "wechat_transfer"): 4000,
        household(hood, 0): -4000,
    }
    assert (paid.method, paid.reference, paid.actor_id, paid.group_buy_id) == (
        "wechat_transfer",
        "4200001",
        hood.leader_user.pk,
        group_buy.pk,
    )
    # What the household owes in this group buy: ¥37.00 charged, ¥40.00 paid; another, nothing.
    assert services.household_balance_in(group_buy.pk, hood.households[0].pk) == -300
    assert services.household_balance_in(group_buy.pk, hood.households[3].pk) == 0
    close(group_buy)  # failed: ¥40.00 paid for ¥37.00, so ¥40.00 is due back
    assert services.household_balance_in(group_buy.pk, hood.households[0].pk) == -4000
    refund = {
        "actor": hood.leader_user,
        "group_buy_id": group_buy.pk,
        "household_id": hood.households[0].pk,
        "method": "cash",
    }
    with pytest.raises(errors.RefundTooLarge):
        services.record_refund(amount_fen=4001, **refund)
    refunded = services.record_refund(amount_fen=4000, at=now, **refund)
    assert postings(refunded) == {household(hood, 0): 4000, (Kind.CLEARING, 0, "cash"): -4000}
    assert (refunded.method, refunded.reference, refunded.actor_id, refunded.at) == (
        "cash",
        "",
        hood.leader_user.pk,
        now,
    )
    assert services.household_balance_in(group_buy.pk, hood.households[0].pk) == 0

    corrected = services.reverse_entry(
        actor=hood.operator, entry_id=paid.pk, memo="  打错了   金额 "
    )
    assert postings(corrected) == {
        (Kind.CLEARING, 0, "wechat_transfer"): -4000,
        household(hood, 0): 4000,
    }
    assert (corrected.reverses_id, corrected.group_buy_id, corrected.method, corrected.memo) == (
        paid.pk,
        group_buy.pk,
        "wechat_transfer",
        "打错了 金额",
    )
    assert (corrected.key, corrected.actor_id) == (f"reversal:{paid.pk}", hood.operator.pk)
    with pytest.raises(errors.AlreadyReversed) as again:
        services.reverse_entry(actor=hood.operator, entry_id=paid.pk)
    with translation.override("en"):
        assert str(again.value.message) == (
            f"Journal entry #{paid.pk} was already corrected by entry #{corrected.pk}."
        )

    # Each is in the audit trail: who, what, and the figures.
    trail = AuditEvent.objects.filter(action__startswith="ledger.").order_by("pk")
    assert [(e.action, e.actor_id, e.target_type, e.target_id, e.data) for e in trail] == [
        (
            "ledger.payment_recorded",
            hood.leader_user.pk,
            "ledger.entry",
            str(paid.pk),
            {"household": hood.households[0].pk, "amount_fen": 4000, "method": "wechat_transfer"},
        ),
        (
            "ledger.refund_paid",
            hood.leader_user.pk,
            "ledger.entry",
            str(refunded.pk),
            {"household": hood.households[0].pk, "amount_fen": 4000, "method": "cash"},
        ),
        (
            "ledger.entry_reversed",
            hood.operator.pk,
            "ledger.entry",
            str(corrected.pk),
            {"reverses": paid.pk},
        ),
    ]


def test_a_payout_moves_exactly_what_is_owed_to_the_supplier_and_the_leader(hood, now):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)  # ¥37.00; cost 2 × ¥3.00 + ¥20.00
    close(group_buy)
    complete(group_buy)
    owed = {Kind.SUPPLIER: 2600, Kind.LEADER: 370}  # commission: 10% of ¥37.00
    owners = {Kind.SUPPLIER: hood.supplier.pk, Kind.LEADER: hood.leader.pk}
    for kind, amount in owed.items():
        payout = {
            "actor": hood.operator,
            "kind": kind,
            "owner_id": owners[kind],
            "method": "bank_transfer",
        }
        with pytest.raises(errors.PayoutTooLarge):
            services.pay_out(amount_fen=amount + 1, reference=f"B-{kind}", **payout)
        paid = services.pay_out(amount_fen=amount, reference=f"B-{kind}", at=now, **payout)
        assert postings(paid) == {
            (kind, owners[kind], ""): amount,
            (Kind.CLEARING, 0, "bank_transfer"): -amount,
        }
        assert (paid.method, paid.reference, paid.actor_id, paid.at) == (
            "bank_transfer",
            f"B-{kind}",
            hood.operator.pk,
            now,
        )
        with pytest.raises(errors.ReferenceUsed) as reused:  # the same transfer, another sum
            services.pay_out(amount_fen=amount - 1, reference=f"B-{kind}", **payout)
        with translation.override("en"):
            assert str(reused.value.message) == (
                f"A payment with reference “B-{kind}” was already recorded, for another "
                "household or amount."
            )
        assert services.balance(services.Acct(kind, owners[kind])) == 0
    assert services.balance(services.Acct(Kind.OPERATOR)) == -(3700 - 2600 - 370)
    trail = AuditEvent.objects.filter(action="ledger.paid_out").order_by("pk")
    assert [(e.actor_id, e.target_type, e.data) for e in trail] == [
        (
            hood.operator.pk,
            "ledger.entry",
            {
                "account": str(services.Acct(kind, owners[kind])),
                "amount_fen": amount,
                "method": "bank_transfer",
            },
        )
        for kind, amount in owed.items()
    ]


def test_payouts_without_a_reference_are_each_their_own(hood, now):
    """Only a reference makes two payouts the same one: without, each posts."""
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    close(group_buy)
    complete(group_buy)  # ¥26.00 owed to the supplier
    payout = {
        "actor": hood.operator,
        "kind": Kind.SUPPLIER,
        "owner_id": hood.supplier.pk,
        "method": "cash",
        "amount_fen": 1300,
    }
    first = services.pay_out(**payout)
    second = services.pay_out(**payout)
    assert first.pk != second.pk
    assert (first.key, first.reference, second.key) == (None, "", None)
    assert services.balance(services.Acct(Kind.SUPPLIER, hood.supplier.pk)) == 0
    assert services.balance(services.Acct(Kind.CLEARING, method="cash")) == -2600


def test_a_failed_group_buy_credits_only_its_own_charges(hood, now):
    """The household also ordered in another group buy that formed: that charge stands."""
    failing = hood.open(min_to_form=100, now=now)
    forming = hood.open(now=now)
    order(hood, 0, failing, (1, 0), now)  # ¥4.50
    order(hood, 0, forming, (0, 1), now)  # ¥28.00
    close(failing)
    close(forming)
    assert (failing.status, forming.status) == ("failed", "formed")
    [failed] = Entry.objects.filter(kind=Entry.Kind.FAILED)
    assert postings(failed) == {household(hood, 0): -450, sales(failing): 450}
    assert services.household_balance_in(forming.pk, hood.households[0].pk) == 2800


def test_a_short_delivery_shared_out_by_the_leader_is_credited_in_their_name(hood, now):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 0), now)
    order(hood, 1, group_buy, (2, 0), now)
    at = close(group_buy)
    greens = group_buy.items.order_by("position").first()
    purchase_order = group_buy.purchase_orders.get()
    groupbuys.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered={greens.product_id: 3},
        now=at,
    )
    groupbuys.apply_allocation(
        actor=hood.leader_user,
        group_buy_id=group_buy.pk,
        item_id=greens.pk,
        policy="fcfs",
        now=at,
    )
    [shortfall] = entries(group_buy, Entry.Kind.SHORTFALL)
    # First come: the first order gets its 2, the second 1 of its 2.
    assert postings(shortfall) == {household(hood, 1): -450, sales(group_buy): 450}
    assert (shortfall.actor_id, shortfall.at, shortfall.memo) == (
        hood.leader_user.pk,
        at,
        "周末蔬菜团",
    )
