"""Retries and double clicks, for real: many threads, each with its own connection, released
at once (on PostgreSQL they truly run side by side; SQLite serialises the writers)."""

from linli.groupbuys import services as groupbuys
from linli.ledger import errors, selectors, services
from linli.ledger.models import Entry
from linli.ledger.services import Kind

from ..apiclient import Api
from ..groupbuys.conftest import WORKERS, add_households, collide
from .conftest import close, complete, order, owes, pays


def test_the_same_payment_sent_at_once_by_many_workers_posts_once(live_hood, now):
    group_buy = live_hood.open(now=now)
    order(live_hood, 0, group_buy, (2, 1), now)

    def paid():
        return pays(live_hood, 0, group_buy, 3700, "wechat_transfer", reference="4200001234")

    results = collide([paid] * 16)
    assert all(isinstance(result, Entry) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert Entry.objects.filter(kind=Entry.Kind.PAYMENT).count() == 1
    assert owes(live_hood.households[0]) == 0


def test_concurrent_refunds_never_pay_back_more_than_is_due(live_hood, now):
    group_buy = live_hood.open(min_to_form=100, now=now)
    order(live_hood, 0, group_buy, (2, 1), now)
    pays(live_hood, 0, group_buy, 3700)
    close(group_buy)  # fails: ¥37.00 due back

    def refund():
        return services.record_refund(
            actor=live_hood.leader_user,
            group_buy_id=group_buy.pk,
            household_id=live_hood.households[0].pk,
            amount_fen=1000,
            method="cash",
        )

    results = collide([refund] * 12)
    paid_back = [r for r in results if isinstance(r, Entry)]
    refused = [r for r in results if isinstance(r, errors.RefundTooLarge)]
    assert (len(paid_back), len(refused)) == (3, 9), results
    assert owes(live_hood.households[0]) == -700
    assert selectors.check().ok


def test_one_transfer_number_paid_out_at_once_to_two_accounts_is_taken_once(live_hood, now):
    group_buy = live_hood.open(now=now)
    order(live_hood, 0, group_buy, (2, 1), now)
    close(group_buy)
    complete(group_buy)  # the supplier and the leader are owed

    def pay_out(kind, owner_id):
        return lambda: services.pay_out(
            actor=live_hood.operator,
            kind=kind,
            owner_id=owner_id,
            amount_fen=100,
            method="bank_transfer",
            reference="B-77",
        )

    results = collide(
        [pay_out(Kind.SUPPLIER, live_hood.supplier.pk), pay_out(Kind.LEADER, live_hood.leader.pk)]
    )
    assert sorted(type(result).__name__ for result in results) == ["Entry", "ReferenceUsed"]
    assert Entry.objects.filter(kind=Entry.Kind.PAYOUT).count() == 1
    assert selectors.check().ok


def test_one_idempotency_key_sent_by_many_workers_records_one_cash_payment(live_hood, now):
    group_buy = live_hood.open(now=now)
    order(live_hood, 0, group_buy, (1, 0), now)
    api = Api(live_hood.leader_user)
    body = {"household_id": live_hood.households[0].pk, "amount_fen": 450, "method": "cash"}
    path = f"/group-buys/{group_buy.pk}/payments"
    responses = collide([lambda: api.post(path, body, key="tap-tap-tap")] * 10)
    assert sorted(r.status_code for r in responses) == [201] * 10
    assert len({r.json()["id"] for r in responses}) == 1
    assert Entry.objects.filter(kind=Entry.Kind.PAYMENT).count() == 1
    assert owes(live_hood.households[0]) == 0


def test_many_households_ordering_at_once_each_owe_exactly_their_order(live_hood, now):
    members = add_households(live_hood, WORKERS - len(live_hood.members))
    group_buy = live_hood.open(stock=(500, 500), now=now)
    greens, eggs = group_buy.items.order_by("position")
    calls = [
        lambda member=member, n=n: order_for(member, group_buy, {greens.pk: 1 + n % 3, eggs.pk: 1})
        for n, member in enumerate([*live_hood.members, *members])
    ]
    orders = collide(calls)
    assert all(not isinstance(o, BaseException) for o in orders), orders
    for placed in orders:
        assert owes(placed.household) == placed.total_fen
    result = selectors.check()
    assert result.ok and result.entries == WORKERS


def order_for(member, group_buy, lines):
    return groupbuys.place_order(actor=member, group_buy_id=group_buy.pk, lines=lines)
