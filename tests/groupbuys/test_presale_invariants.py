"""Whatever members do (order, change, cancel, in any community, in any order), the farmer's
total is never oversold and what is left is exactly the total less what is on order."""

from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from linli.groupbuys import errors, services
from linli.groupbuys.models import Order, OrderLine, Presale

from .presales import presale_world

steps = st.lists(
    st.tuples(
        st.sampled_from(["place", "change", "cancel"]),
        st.integers(min_value=0, max_value=2),  # community
        st.integers(min_value=0, max_value=2),  # household
        st.integers(min_value=1, max_value=6),  # units
    ),
    min_size=1,
    max_size=25,
)


class PresaleInvariants(TestCase):
    @settings(max_examples=10)
    @given(steps)
    def test_left_is_the_total_less_what_is_on_order(self, plan):
        world = presale_world(communities=3, households=3, total=12, stock=8)
        orders: list[Order] = []
        for action, community, household, units in plan:
            member = world.members[community][household]
            group_buy, item = world.group_buys[community], world.items[community]
            try:
                if action == "place" or not orders:
                    orders.append(
                        services.place_order(
                            actor=member, group_buy_id=group_buy.pk, lines={item.pk: units}
                        )
                    )
                elif action == "change":
                    order = orders[units % len(orders)]
                    services.change_order(
                        actor=order.placed_by,
                        order_id=order.pk,
                        lines={order.lines.get().item_id: units},
                    )
                else:
                    order = orders[units % len(orders)]
                    services.cancel_order(actor=order.placed_by, order_id=order.pk)
            except (errors.InsufficientStock, errors.OrderNotChangeable):
                pass
            presale = Presale.objects.get(pk=world.presale.pk)
            on_order = (
                OrderLine.objects.filter(
                    item__presale=presale, order__status=Order.Status.PLACED
                ).aggregate(n=Sum("quantity"))["n"]
                or 0
            )
            assert 0 <= presale.left <= presale.total
            assert presale.total - presale.left == on_order
            for item in world.items:
                item.refresh_from_db()
                mine = (
                    OrderLine.objects.filter(
                        item=item, order__status=Order.Status.PLACED
                    ).aggregate(n=Sum("quantity"))["n"]
                    or 0
                )
                assert item.stock_initial - item.stock_left == mine
