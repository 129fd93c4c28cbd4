"""Orders per second on one presale shared by 40 communities, beside one group buy's item in
the same run; and the cost of settling a 3-level help-sell chain over 10,000 orders.

    .venv/bin/python bench/presale.py [--communities 40] [--clients 8] [--duration 10]
                                      [--orders 10000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/presale.py

On a throwaway database (see ``_common``):

1. **orders**: ``--communities`` communities, each with its leader, households and a group buy
   of the same presale (every order also takes the farmer's one total, decision 0038); and
   one ordinary group buy of one item in the first community. ``--clients`` threads, each on
   its own connection, place one-unit orders through ``linli.groupbuys.services.place_order``
   for ``--duration`` seconds: first spread over the presale's group buys (client ``i``
   orders in community ``i mod n``), then all on the ordinary item. Orders/s and latency.
2. **settlement**: a 3-level chain (supplier → big leader → helper → helper's helper, who
   sells) and a group buy of its offer with ``--orders`` orders, built in bulk and closed
   through the service; then ``linli.ledger.services.settle_group_buy`` timed, beside the
   same for an ordinary group buy of the same size (no chain).
3. **checks**: the presale's ``left`` + units ordered of it = its total, each item's stock
   balances; the settlement entries balance and every chain leader got exactly its share
   by ``help_sell_split``.

The exit status is 1 when a check fails, 0 otherwise: the figures themselves are not a test.
"""

import argparse
import threading
import time
from datetime import timedelta

from _common import emit, out, percentile, rounded, say, setup_django, table, throwaway_database

HOUSEHOLDS_PER_COMMUNITY = 8


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=40, help="communities (40)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase (10)")
    parser.add_argument("--orders", type=int, default=10_000, help="orders settled (10000)")
    args = parser.parse_args()
    if min(args.communities, args.clients, args.orders) < 1 or args.duration <= 0:
        parser.error("every number must be positive")
    return args


def build_presale(communities: int):
    """The farm, its presale, ``communities`` group buys of it and one ordinary group buy."""
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.catalog.models import Product, Supplier
    from linli.communities.models import Building, Community, Household, Leader, Member
    from linli.groupbuys import services

    now = timezone.now()
    farmer = User.objects.create(username="farmer")
    supplier = Supplier.objects.create(name="陈家草莓园", kind="farm")
    supplier.users.add(farmer)
    berries = Product.objects.create(
        supplier=supplier,
        name="奶油草莓",
        unit="盒",
        category="fruit",
        cost_fen=2000,
        suggested_price_fen=3900,
    )
    greens = Product.objects.create(
        supplier=supplier,
        name="青菜",
        unit="斤",
        category="vegetable",
        cost_fen=300,
        suggested_price_fen=450,
    )
    presale = services.open_presale(
        actor=farmer,
        product_id=berries.pk,
        price_fen=3900,
        harvest_on=timezone.localdate() + timedelta(days=14),
        total=1_000_000,
        minimum=100,
    )
    times = {
        "cutoff_at": now + timedelta(days=2),
        "pickup_starts_at": now + timedelta(days=16),
        "pickup_ends_at": now + timedelta(days=16, hours=8),
        "pickup_place": "1号楼门口",
    }
    group_buys, members = [], []
    for index in range(communities):
        community = Community.objects.create(name=f"第{index + 1}小区")
        building = Building.objects.create(community=community, name="1号楼")
        leader_user = User.objects.create(username=f"leader{index}")
        leader = Leader.objects.create(user=leader_user)
        leader.communities.add(community)
        people = []
        for number in range(HOUSEHOLDS_PER_COMMUNITY):
            home = Household.objects.create(
                building=building, room=f"{number + 101}", contact_name=f"住户{number}"
            )
            user = User.objects.create(username=f"m{index}-{number}")
            Member.objects.create(user=user, household=home)
            people.append(user)
        group_buys.append(
            services.open_group_buy(
                actor=leader_user,
                community_id=community.pk,
                title="奶油草莓预售",
                items=[
                    services.ItemSpec(
                        product_id=berries.pk,
                        price_fen=None,
                        stock=1_000_000,
                        presale_id=presale.pk,
                    )
                ],
                min_to_form=1,
                **times,
            )
        )
        members.append(people)
    ordinary = services.open_group_buy(
        actor=User.objects.get(username="leader0"),
        community_id=group_buys[0].community_id,
        title="青菜团",
        items=[services.ItemSpec(product_id=greens.pk, price_fen=None, stock=1_000_000)],
        min_to_form=1,
        **times,
    )
    return presale, group_buys, members, ordinary


def race(label: str, plans, duration: float) -> dict:
    """Each plan ``(member, group_buy_id, item_id)`` is one client placing one-unit orders
    until the time is up."""
    from django.db import connection

    from linli.groupbuys import services

    latencies: list[list[float]] = [[] for _ in plans]
    failures: list[str] = []
    barrier = threading.Barrier(len(plans) + 1)
    stop = [0.0]

    def client(index: int, member, group_buy_id: int, item_id: int) -> None:
        try:
            barrier.wait()
            while time.perf_counter() < stop[0]:
                started = time.perf_counter()
                services.place_order(actor=member, group_buy_id=group_buy_id, lines={item_id: 1})
                latencies[index].append(time.perf_counter() - started)
        except Exception as error:  # reported, and the run fails
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, args=(index, *plan), daemon=True)
        for index, plan in enumerate(plans)
    ]
    for thread in threads:
        thread.start()
    stop[0] = time.perf_counter() + duration
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [value for values in latencies for value in values]
    say(f"{label}: {len(every)} orders in {elapsed:.1f} s")
    return {
        "label": label,
        "orders": len(every),
        "per_second": len(every) / elapsed,
        "p50_ms": percentile(every, 50) * 1000,
        "p95_ms": percentile(every, 95) * 1000,
        "failures": failures,
    }


def check_presale(presale, ordinary) -> bool:
    from django.db.models import Sum

    from linli.groupbuys.models import GroupBuyItem, OrderLine

    presale.refresh_from_db()
    sold = OrderLine.objects.filter(item__presale=presale).aggregate(n=Sum("quantity"))["n"] or 0
    ok = presale.total - presale.left == sold
    group_buys = [ordinary.pk, *presale.items.values_list("group_buy_id", flat=True)]
    for item in GroupBuyItem.objects.filter(group_buy__in=group_buys):
        mine = OrderLine.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] or 0
        ok = ok and item.stock_initial - item.stock_left == mine
    return ok


def build_settlement(orders: int, *, chained: bool):
    """A group buy of ``orders`` one-household orders of 2 units, closed through the service
    (purchase order, numbering); its charges posted as one entry. With ``chained``, its item
    is a help-sell offer passed down three levels; the seller is the third leader."""
    import secrets

    from django.utils import timezone

    from linli.accounts.models import User
    from linli.catalog.models import Product, Supplier
    from linli.communities.models import Building, Community, Household, Leader
    from linli.groupbuys import services
    from linli.groupbuys.models import Order, OrderLine
    from linli.ledger.models import Entry
    from linli.ledger.services.posting import Acct, Kind, post

    tag = "chain" if chained else "plain"
    now = timezone.now()
    staff = User.objects.create(username=f"staff-{tag}")
    supplier = Supplier.objects.create(name=f"合作社-{tag}", kind="coop")
    supplier.users.add(staff)
    product = Product.objects.create(
        supplier=supplier,
        name=f"大米-{tag}",
        unit="袋",
        category="grain",
        cost_fen=5200,
        suggested_price_fen=6900,
    )
    community = Community.objects.create(name=f"结算小区-{tag}")
    building = Building.objects.create(community=community, name="1号楼")
    leaders = []
    for level in range(3):
        user = User.objects.create(username=f"{tag}-leader{level}")
        leaders.append(Leader.objects.create(user=user))
    seller = leaders[-1]
    seller.communities.add(community)
    help_sell_id = None
    if chained:
        offer = services.offer_help_sell(
            actor=staff,
            product_id=product.pk,
            supply_price_fen=5000,
            suggested_price_fen=6900,
            leader_ids=[leaders[0].pk],
            max_depth=3,
        )
        held = offer.passes.get()
        for giver, taker, ppm in ((leaders[0], leaders[1], 400_000), (leaders[1], seller, 625_000)):
            held = services.pass_on(
                actor=giver.user, pass_id=held.pk, to_leader_id=taker.pk, share_ppm=ppm
            )
        help_sell_id = held.pk
    group_buy = services.open_group_buy(
        actor=seller.user,
        community_id=community.pk,
        title=f"结算-{tag}",
        items=[
            services.ItemSpec(
                product_id=product.pk, price_fen=6900, stock=10 * orders, help_sell_id=help_sell_id
            )
        ],
        min_to_form=1,
        cutoff_at=now + timedelta(days=1),
        pickup_starts_at=now + timedelta(days=1, hours=14),
        pickup_ends_at=now + timedelta(days=1, hours=20),
        pickup_place="1号楼门口",
    )
    item = group_buy.items.get()
    homes = Household.objects.bulk_create(
        Household(building=building, room=f"{tag}{n}", contact_name=f"住户{n}")
        for n in range(orders)
    )
    placed = Order.objects.bulk_create(
        Order(
            group_buy=group_buy,
            household=home,
            placed_by=seller.user,
            pickup_code=f"{secrets.randbelow(10**12):012d}",
            total_fen=2 * 6900,
            placed_at=now,
            updated_at=now,
        )
        for home in homes
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=order, item=item, quantity=2, unit_price_fen=6900) for order in placed
    )
    item.stock_left -= 2 * orders
    item.save(update_fields=["stock_left"])
    amounts = []
    for home in homes:
        amounts += [
            (Acct(Kind.HOUSEHOLD, home.pk), 2 * 6900),
            (Acct(Kind.SALES, group_buy.pk), -2 * 6900),
        ]
    post(Entry.Kind.CHARGE, amounts, group_buy_id=group_buy.pk)
    services.close_group_buy(actor=seller.user, group_buy_id=group_buy.pk, early=True)
    group_buy.refresh_from_db()
    return group_buy, leaders


def settle(group_buy) -> tuple[float, object]:
    from django.db import transaction
    from django.utils import timezone

    from linli.ledger import services as ledger

    started = time.perf_counter()
    with transaction.atomic():
        entry = ledger.settle_group_buy(group_buy, at=timezone.now())
    return time.perf_counter() - started, entry


def check_settlement(entry, group_buy, leaders, orders: int) -> bool:
    from linli.ledger.rules import help_sell_split

    amounts = {(p.account.kind, p.account.owner_id): p.amount for p in entry.postings.all()}
    sales = 2 * 6900 * orders
    split = help_sell_split(
        sales_fen=sales,
        cost_fen=2 * 5000 * orders,
        operator_ppm=entry_operator_ppm(),
        shares_ppm=[1_000_000, 400_000, 625_000],
    )
    got = [-amounts.get(("leader", leader.pk), 0) for leader in leaders]
    return sum(amounts.values()) == 0 and got == split.leaders and split.total == sales


def entry_operator_ppm() -> int:
    from django.conf import settings

    return settings.LINLI_HELP_SELL["OPERATOR_PPM"]


def main() -> int:
    args = parse_args()
    with throwaway_database("presale") as db:
        setup_django()
        say(f"building {args.communities} communities with a group buy of one presale")
        presale, group_buys, members, ordinary = build_presale(args.communities)
        items = {gb.pk: gb.items.get().pk for gb in group_buys}
        spread = [
            (
                members[index % len(group_buys)][
                    index // len(group_buys) % HOUSEHOLDS_PER_COMMUNITY
                ],
                group_buys[index % len(group_buys)].pk,
                items[group_buys[index % len(group_buys)].pk],
            )
            for index in range(args.clients)
        ]
        ordinary_item = ordinary.items.get().pk
        alone = [
            (members[0][index % HOUSEHOLDS_PER_COMMUNITY], ordinary.pk, ordinary_item)
            for index in range(args.clients)
        ]
        shared = race(f"presale over {args.communities} communities", spread, args.duration)
        single = race("one group buy's item", alone, args.duration)
        orders_ok = check_presale(presale, ordinary) and not shared["failures"] + single["failures"]

        say(f"building two group buys of {args.orders:,} orders (one with a 3-level chain)")
        plain_gb, _plain_leaders = build_settlement(args.orders, chained=False)
        chain_gb, chain_leaders = build_settlement(args.orders, chained=True)
        plain_s, _plain_entry = settle(plain_gb)
        chain_s, chain_entry = settle(chain_gb)
        settle_ok = check_settlement(chain_entry, chain_gb, chain_leaders, args.orders)

        out.print()
        out.print(
            table(
                f"{db.label}: one-unit orders through place_order, {args.clients} clients,"
                f" {args.duration:.0f} s each",
                ["where", "orders", "orders/s", "p50 ms", "p95 ms"],
                [
                    (
                        row["label"],
                        row["orders"],
                        f"{row['per_second']:.0f}",
                        f"{row['p50_ms']:.1f}",
                        f"{row['p95_ms']:.1f}",
                    )
                    for row in (shared, single)
                ],
            )
        )
        out.print(
            table(
                f"{db.label}: settle_group_buy over {args.orders:,} orders",
                ["group buy", "seconds"],
                [
                    ("ordinary (leader's commission)", f"{plain_s:.3f}"),
                    ("3-level help-sell chain", f"{chain_s:.3f}"),
                ],
            )
        )
        ok = orders_ok and settle_ok
        out.print(f"checks: {'all passed' if ok else 'FAILED'}")
        emit(
            {
                "bench": "presale",
                "db": db.vendor,
                "communities": args.communities,
                "clients": args.clients,
                "presale_orders_per_s": rounded(shared["per_second"], 1),
                "item_orders_per_s": rounded(single["per_second"], 1),
                "presale_p95_ms": rounded(shared["p95_ms"], 1),
                "item_p95_ms": rounded(single["p95_ms"], 1),
                "settle_orders": args.orders,
                "settle_plain_s": rounded(plain_s, 3),
                "settle_chain_s": rounded(chain_s, 3),
                "checks_passed": ok,
            }
        )
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
