"""The ledger hears what happens in a group buy through the group buys' events, inside the
transaction of the change: an order is never stored without its charge, nor a charge
without its order, and the group buys import nothing of the ledger."""

import pytest

from linli.core import events
from linli.core.models import OutboxEvent
from linli.groupbuys import services
from linli.groupbuys.models import Order
from linli.ledger.models import Entry, Posting

from ..state import snapshot
from .conftest import owes


@pytest.fixture
def failing_subscriber():
    """A subscriber in the transaction that fails, as a broken app above the group buys
    would."""

    @events.subscriber("order.placed", name="tests.breaks", same_transaction=True)
    def breaks(event):
        raise RuntimeError("a subscriber in the transaction failed")

    yield
    events.unsubscribe("tests.breaks")


def test_an_order_and_its_charge_are_written_together(hood):
    group_buy = hood.open()
    greens = group_buy.items.order_by("position").first()
    order = services.place_order(
        actor=hood.members[0], group_buy_id=group_buy.pk, lines={greens.pk: 2}
    )
    charge = Entry.objects.get(kind=Entry.Kind.CHARGE, order_id=order.pk)
    assert charge.actor_id == hood.members[0].pk
    assert owes(hood.households[0]) == order.total_fen == 2 * greens.price_fen
    # The ledger reacts in the transaction: the worker has nothing of it to deliver.
    assert OutboxEvent.objects.filter(name="order.placed").count() == 1
    assert not [
        name for name in events.subscribers_to("order.placed") if name.startswith("ledger.")
    ]

    services.change_order(actor=hood.members[0], order_id=order.pk, lines={greens.pk: 3})
    assert owes(hood.households[0]) == 3 * greens.price_fen
    services.cancel_order(actor=hood.members[0], order_id=order.pk)
    assert owes(hood.households[0]) == 0
    amounts = Posting.objects.filter(entry__order_id=order.pk, account__kind="household").order_by(
        "entry_id"
    )
    assert [p.amount for p in amounts] == [
        2 * greens.price_fen,
        greens.price_fen,
        -3 * greens.price_fen,
    ]


def test_a_failing_subscriber_in_the_transaction_undoes_the_order_and_its_charge(
    hood, failing_subscriber
):
    group_buy = hood.open()
    greens = group_buy.items.order_by("position").first()
    before = snapshot()
    with pytest.raises(RuntimeError, match="a subscriber in the transaction failed"):
        services.place_order(actor=hood.members[0], group_buy_id=group_buy.pk, lines={greens.pk: 2})
    assert snapshot() == before
    assert not Order.objects.exists() and not Entry.objects.exists()
    assert not OutboxEvent.objects.filter(name="order.placed").exists()
