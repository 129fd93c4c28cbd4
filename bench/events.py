"""Published events: what the outbox costs an order, and how fast the worker delivers.

    .venv/bin/python bench/events.py [--orders 2000] [--events 20000] [--rounds 4]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/events.py

On a throwaway database (see ``_common``) with one community of households, this:

1. places ``--orders`` orders through :func:`linli.groupbuys.services.place_order` (the real
   service: stock, limits, audit, the ``order.placed`` event and the ledger's charge, which
   runs from its ``same_transaction`` subscriber to that event), one after another in this
   process, in ``--rounds`` alternating rounds of two arms: with the outbox as it is, and
   without the outbox write (``linli.core.events._write`` replaced by one that stores
   nothing; the in-transaction subscribers still run, so the ledger still charges). A no-op
   queued subscriber to ``order.placed`` is declared, as the next apps will; its deliveries
   are written by the worker's fan-out, not by the order.
2. publishes ``--events`` events to a no-op queued subscriber, fans them out with
   :func:`linli.core.events.fan_out` and delivers them with
   :func:`linli.core.events.deliver`, the function ``linli worker``'s loop calls (which fans
   out first), in batches of their default size: events fanned out and delivered per second.

Targets (issue 13): the outbox costs under 10% of order throughput; delivery keeps up with
10× the order rate. The figures are not a test. The cost is quoted two ways: from the median
rate of each arm, and as the median of each round's own cost (the two arms of a round run
back to back, so a neighbour's load on a shared machine shifts both alike); the range of the
rounds' costs shows how noisy the machine was. A third way, steadier on a shared machine:
the CPU time an order takes (this process, plus on PostgreSQL on the same machine the server
process serving it), per arm.
"""

import argparse
import os
import time
from datetime import timedelta
from pathlib import Path

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


def cpu_seconds() -> float:
    """CPU time of this process and, on PostgreSQL on this machine, of the server process
    serving its connection: unlike the wall clock, barely moved by a neighbour's load."""
    from django.db import connection

    total = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the server is on another machine
            return total
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def place(users, group_buy, count: int) -> tuple[float, float]:
    """Place ``count`` orders: (orders per second, CPU milliseconds per order)."""
    from linli.groupbuys import services

    item = group_buy.items.get()
    cpu = cpu_seconds()
    started = time.perf_counter()
    for n in range(count):
        services.place_order(
            actor=users[n % len(users)], group_buy_id=group_buy.pk, lines={item.pk: 1}
        )
    elapsed = time.perf_counter() - started
    return count / elapsed, (cpu_seconds() - cpu) * 1000 / count


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def timed(step) -> tuple[int, float]:
    """Call ``step`` until it returns 0: (the sum of what it returned, seconds)."""
    started = time.perf_counter()
    total = 0
    while (done := step()) > 0:
        total += done
    return total, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders per arm")
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with throwaway_database("events") as db:
        setup_django()
        from django.db import transaction

        from linli.core import events
        from linli.core.models import OutboxEvent

        users, open_one = build(400)
        # As the next apps will: a queued subscriber to every order placed.
        events.subscriber("order.placed", "bench.noop", name="bench.noop")(lambda event: None)
        say("warming up")
        place(users, open_one(), 100)
        with_label, without_label = "with the outbox", "without the outbox write"
        rates: dict[str, list[float]] = {with_label: [], without_label: []}
        cpu: dict[str, list[float]] = {with_label: [], without_label: []}
        real = events._write

        def nothing_written(name, payload, at):
            return OutboxEvent(name=name, payload=payload, at=at)  # not saved

        per_round = max(1, args.orders // args.rounds)
        for round_ in range(args.rounds):
            for label in list(rates) if round_ % 2 == 0 else list(reversed(rates)):
                events._write = real if label == with_label else nothing_written
                rate, cpu_ms = place(users, open_one(), per_round)
                rates[label].append(rate)
                cpu[label].append(cpu_ms)
            say(
                f"round {round_ + 1}: {rates[with_label][-1]:,.0f} vs "
                f"{rates[without_label][-1]:,.0f} orders/s, {cpu[with_label][-1]:.2f} vs "
                f"{cpu[without_label][-1]:.2f} CPU ms an order"
            )
        events._write = real
        with_outbox, without = median(rates[with_label]), median(rates[without_label])
        cost = 1 - with_outbox / without
        costs = [1 - w / o for w, o in zip(rates[with_label], rates[without_label], strict=True)]
        cpu_with, cpu_without = median(cpu[with_label]), median(cpu[without_label])
        cpu_costs = [w / o - 1 for w, o in zip(cpu[with_label], cpu[without_label], strict=True)]
        say("delivering the orders' events")
        timed(events.deliver)
        say(f"publishing {args.events} events to a no-op subscriber")
        with transaction.atomic():
            for n in range(args.events):
                events.publish("bench.noop", {"n": n})
        fanned, fan_seconds = timed(events.fan_out)
        delivered, deliver_seconds = timed(events.deliver)
        if fanned != args.events or delivered != args.events:
            raise SystemExit(f"fanned out {fanned}, delivered {delivered} of {args.events}")
        fan_rate = fanned / fan_seconds
        delivery_rate = delivered / (fan_seconds + deliver_seconds)
        spread = f"{min(costs):.1%} … {max(costs):.1%}"
        out.print(
            table(
                f"Orders and events ({db.label}, {args.orders} orders per arm, median of "
                f"{args.rounds} rounds; one no-op queued subscriber to order.placed)",
                ["", "per second"],
                [
                    ["orders, with the outbox", f"{with_outbox:,.0f}"],
                    ["orders, without the outbox write", f"{without:,.0f}"],
                    ["outbox cost (medians)", f"{cost:.1%}"],
                    ["outbox cost (median of the rounds)", f"{median(costs):.1%}"],
                    ["outbox cost, each round", spread],
                    ["CPU ms an order, with / without", f"{cpu_with:.2f} / {cpu_without:.2f}"],
                    ["outbox cost in CPU (median of the rounds)", f"{median(cpu_costs):.1%}"],
                    [
                        "outbox cost in CPU, each round",
                        f"{min(cpu_costs):.1%} … {max(cpu_costs):.1%}",
                    ],
                    ["events fanned out", f"{fan_rate:,.0f}"],
                    ["events fanned out and delivered (no-op)", f"{delivery_rate:,.0f}"],
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
                "outbox_cost_rounds": [rounded(c, 4) for c in costs],
                "cpu_ms_per_order_outbox": rounded(cpu_with, 3),
                "cpu_ms_per_order_without": rounded(cpu_without, 3),
                "outbox_cpu_cost": rounded(median(cpu_costs), 4),
                "events_fanned_out_per_s": rounded(fan_rate, 1),
                "events_per_s": rounded(delivery_rate, 1),
                "delivery_over_orders": rounded(delivery_rate / with_outbox, 2),
            }
        )


if __name__ == "__main__":
    main()
