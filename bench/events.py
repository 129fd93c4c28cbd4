"""Published events: what the outbox costs an order, and how fast the worker delivers.

    .venv/bin/python bench/events.py [--orders 2000] [--events 20000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/events.py

On a throwaway database (see ``_common``) with one community of households, this:

1. places ``--orders`` orders through :func:`linli.groupbuys.services.place_order` (the real
   service: stock, limits, ledger charge, audit, and now the ``order.placed`` event), one
   after another in this process, twice in alternating rounds: with the outbox as it is, and
   with :func:`linli.core.events.publish` replaced by a no-op (the baseline, same run);
   A no-op subscriber to ``order.placed`` is declared, so each order writes its event and one
   delivery row, as it will once the next apps subscribe.
2. publishes ``--events`` events to a no-op subscriber and delivers them with
   :func:`linli.core.events.deliver`, the function ``linli worker``'s loop calls, in batches
   of its default size: events delivered per second.

Targets (issue 13): the outbox costs under 10% of order throughput; delivery keeps up with
10× the order rate. The figures are not a test.
"""

import argparse
import time
from datetime import timedelta

from _common import emit, out, rounded, say, setup_django, table, throwaway_database


def build(households: int):
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.catalog.models import Product, Supplier
    from linli.communities.models import Building, Community, Household, Leader, Member
    from linli.groupbuys import services

    community = Community.objects.create(
        name="基准小区",
        city="上海",
        district="浦东新区",
        address="张杨路1号",
        default_pickup_place="南门",
    )
    building = Building.objects.create(community=community, name="1号楼", position=0)
    homes = Household.objects.bulk_create(
        Household(building=building, room=f"{n + 1}", contact_name=f"住户{n}", phone=f"138{n:08d}")
        for n in range(households)
    )
    users = User.objects.bulk_create(
        User(username=f"m{n}", display_name=f"用户{n}") for n in range(households)
    )
    Member.objects.bulk_create(
        Member(user=u, household=h) for u, h in zip(users, homes, strict=True)
    )
    leader_user = User.objects.create(username="leader", display_name="团长")
    leader = Leader.objects.create(user=leader_user, commission_bp=1000)
    leader.communities.add(community)
    supplier = Supplier.objects.create(name="农场", kind=Supplier.Kind.FARM, region="崇明")
    product = Product.objects.create(
        supplier=supplier,
        name="青菜",
        unit="斤",
        spec="",
        category=Product.Category.VEGETABLE,
        cost_fen=300,
        suggested_price_fen=450,
    )
    now = timezone.now()

    def open_one():
        return services.open_group_buy(
            actor=leader_user,
            community_id=community.pk,
            title="基准团",
            items=[services.ItemSpec(product_id=product.pk, price_fen=450, stock=1_000_000)],
            min_to_form=1,
            opens_at=now - timedelta(minutes=1),
            cutoff_at=now + timedelta(days=1),
            pickup_starts_at=now + timedelta(days=2),
            pickup_ends_at=now + timedelta(days=3),
        )

    return users, open_one


def place(users, group_buy, count: int) -> float:
    from linli.groupbuys import services

    item = group_buy.items.get()
    started = time.perf_counter()
    for n in range(count):
        services.place_order(
            actor=users[n % len(users)], group_buy_id=group_buy.pk, lines={item.pk: 1}
        )
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per variant")
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with throwaway_database("events") as db:
        setup_django()
        from django.db import transaction

        from linli.core import events
        from linli.groupbuys import events as published

        users, open_one = build(400)
        # As the next apps will: a subscriber to every order placed (one delivery row more).
        events.subscriber("order.placed", "bench.noop", name="bench.noop")(lambda event: None)
        say("warming up")
        place(users, open_one(), 100)
        rates: dict[str, list[float]] = {"with the outbox": [], "without (publish a no-op)": []}
        real = published.publish
        per_round = max(1, args.orders // args.rounds)
        for round_ in range(args.rounds):
            for label in list(rates) if round_ % 2 == 0 else list(reversed(rates)):
                published.publish = real if label == "with the outbox" else (lambda *a, **k: None)
                rates[label].append(place(users, open_one(), per_round))
        published.publish = real
        with_outbox = sorted(rates["with the outbox"])[len(rates["with the outbox"]) // 2]
        without = sorted(rates["without (publish a no-op)"])[
            len(rates["without (publish a no-op)"]) // 2
        ]
        cost = 1 - with_outbox / without
        say(f"publishing {args.events} events to a no-op subscriber")
        with transaction.atomic():
            for n in range(args.events):
                events.publish("bench.noop", {"n": n})
        started = time.perf_counter()
        delivered = 0
        while (batch := events.deliver()) > 0:
            delivered += batch
        delivery_rate = delivered / (time.perf_counter() - started)
        out.print(
            table(
                f"Orders and events ({db.label}, {args.orders} orders per variant, median of "
                f"{args.rounds} rounds; one no-op subscriber to order.placed)",
                ["", "per second"],
                [
                    ["orders, with the outbox", f"{with_outbox:,.0f}"],
                    ["orders, publish a no-op", f"{without:,.0f}"],
                    ["outbox cost", f"{cost:.1%}"],
                    ["events delivered (no-op subscriber)", f"{delivery_rate:,.0f}"],
                    ["delivery ÷ order rate", f"{delivery_rate / with_outbox:.1f}×"],
                ],
            )
        )
        emit(
            {
                "bench": "events",
                "database": db.vendor,
                "orders_per_s_outbox": rounded(with_outbox, 1),
                "orders_per_s_without": rounded(without, 1),
                "outbox_cost": rounded(cost, 4),
                "events_per_s": rounded(delivery_rate, 1),
                "delivery_over_orders": rounded(delivery_rate / with_outbox, 2),
            }
        )


if __name__ == "__main__":
    main()
