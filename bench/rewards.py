"""Rewards at scale: earning for a completed group buy of 10,000 orders, the expiry job over
1,000,000 point lots, and a member's points page beside the signed-in frame.

On a throwaway database (see ``_common``):

- **earning**: one community of 10,000 households, a completed group buy with one collected
  order each (bulk-written), four earning rules (picked up, per yuan, on time, first order)
  and the energy model; then :func:`linli.rewards.services.earn_for_pickups` for it, timed
  (set-based: a few queries and bulk writes for all the orders), and again (nothing to earn:
  each source earns once);
- **expiry**: ``--lots`` point lots (one ledger posting behind each, as earning writes them)
  over the same households, half of them past their expiry, written set-based; then
  :func:`linli.rewards.services.expire_due`, timed, and ``linli rewards check``'s proof;
- **points page**: the demo city (``--size``, default large) with its rewards; the printed
  member's ``/rewards/`` and ``/rewards/energy/`` beside the signed-in frame of
  ``bench/pages.py`` (the base template alone): p50 and p95.

Targets (issue 14): earning under 2 s on SQLite; expiry under 10 s.
"""

import argparse
import random
import time
from datetime import timedelta

from _common import emit, out, percentile, rounded, say, setup_django, table, throwaway_database
from pages import FRAME, add_frame_view


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--lots", type=int, default=1_000_000)
    parser.add_argument("--size", default="large", help="demo city for the page (large)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--skip-pages", action="store_true")
    return parser.parse_args()


def build_group_buy(n: int):
    """A completed group buy of ``n`` collected orders, one household each (bulk-written)."""
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.catalog.models import Product, Supplier
    from linli.communities.models import Building, Community, Household, Leader
    from linli.groupbuys.models import (
        GroupBuy,
        GroupBuyItem,
        Order,
        OrderLine,
        PurchaseOrder,
        PurchaseOrderLine,
    )

    now = timezone.now()
    community = Community.objects.create(name="基准小区", city="上海", district="浦东")
    building = Building.objects.create(community=community, name="1号楼")
    user = User.objects.create(username="bench-leader")
    leader = Leader.objects.create(user=user)
    leader.communities.add(community)
    supplier = Supplier.objects.create(name="基准农场", kind="farm")
    product = Product.objects.create(
        supplier=supplier, name="青菜", unit="斤", suggested_price_fen=450, cost_fen=300
    )
    Household.objects.bulk_create(
        [Household(building=building, room=f"{i:05d}", contact_name=f"住户{i}") for i in range(n)],
        batch_size=5000,
    )
    households = list(Household.objects.filter(building=building).values_list("id", flat=True))
    group_buy = GroupBuy.objects.create(
        community=community,
        leader=leader,
        title="基准团",
        status=GroupBuy.Status.COMPLETED,
        min_to_form=1,
        opens_at=now - timedelta(days=3),
        cutoff_at=now - timedelta(days=2),
        pickup_starts_at=now - timedelta(days=1),
        pickup_ends_at=now - timedelta(hours=1),
        pickup_place="门口",
        completed_at=now,
    )
    item = GroupBuyItem.objects.create(
        group_buy=group_buy, product=product, price_fen=450, stock_initial=10 * n, stock_left=0
    )
    purchase_order = PurchaseOrder.objects.create(
        group_buy=group_buy, supplier=supplier, created_at=now
    )
    PurchaseOrderLine.objects.create(
        purchase_order=purchase_order,
        item=item,
        product=product,
        quantity=2 * n,
        unit_cost_fen=300,
        delivered=2 * n,
        handed_out=2 * n,
    )
    rng = random.Random(14)
    Order.objects.bulk_create(
        [
            Order(
                group_buy=group_buy,
                household_id=h,
                placed_by=user,
                status=Order.Status.CONFIRMED,
                seq=i + 1,
                pickup_code=f"{i:06d}",
                pickup=Order.Pickup.FULL,
                total_fen=900,
                placed_at=now - timedelta(days=2, hours=1),
                updated_at=now,
                collected_at=now - timedelta(hours=rng.randint(2, 30)),
            )
            for i, h in enumerate(households)
        ],
        batch_size=5000,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(order_id=o, item=item, quantity=2, unit_price_fen=450, picked_up=2)
            for o in Order.objects.filter(group_buy=group_buy).values_list("id", flat=True)
        ],
        batch_size=5000,
    )
    return group_buy, households


def write_lots(vendor: str, count: int, households: list[int]) -> None:
    """``count`` lots, half due, round-robin over the households, behind one earning entry
    with the matching postings (so that the ledger and the lots agree)."""
    from django.db import connection
    from django.utils import timezone

    from linli.ledger.services import post
    from linli.rewards.models import EarningRule, Lot
    from linli.rewards.services import book

    rule = EarningRule.objects.filter(active=True).order_by("id").first()
    n = len(households)
    per = dict.fromkeys(households, 0)
    for i in range(count):
        per[households[i % n]] += 10
    now = timezone.now()
    entry = post(
        book.EARNED,
        [(book.points_account(h), -p) for h, p in per.items() if p]
        + [(book.POINTS_OPERATOR, sum(per.values()))],
        at=now,
    )
    first = min(households)
    table_name = Lot._meta.db_table
    if vendor == "postgresql":
        series = f"generate_series(0, {count - 1}) AS x"
        due = "now() - interval '1 day'"
        later = "now() + interval '200 days'"
    else:
        series = (
            f"(WITH RECURSIVE s(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < "
            f"{count - 1}) SELECT x FROM s)"
        )
        due = "datetime('now', '-1 day')"
        later = "datetime('now', '+200 days')"
    sql = (
        f"INSERT INTO {table_name} (household_id, rule_id, source, order_id, basis_fen, amount, "
        "taken_back, spent, expired, remaining, earned_at, expires_at, entry_id) "
        f"SELECT {first} + (x % {n}), {rule.pk}, 'bench:' || x, NULL, 0, 10, 0, 0, 0, 10, "
        f"{due}, CASE WHEN x % 2 = 0 THEN {due} ELSE {later} END, {entry.pk} FROM {series}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)


def timed(call):
    began = time.perf_counter()
    result = call()
    return result, time.perf_counter() - began


def main() -> None:
    args = parse_args()
    figures: dict = {}
    with throwaway_database("rewards") as db:
        setup_django()
        if not args.skip_pages:
            # First, into the empty database: the demo city writes its own ids.
            figures.update(pages(args, db))
        from datetime import date

        from linli.accounts.models import User
        from linli.rewards import selectors, services
        from linli.rewards.models import EarningRule, Lot, Trigger

        operator = User.objects.create(username="bench-operator", is_staff=True)
        EarningRule.objects.update(active=False)  # the demo city's, when the pages ran
        for name, trigger, effect, amount in (
            ("取货", Trigger.PICKED_UP, "fixed", 10),
            ("每元", Trigger.PICKED_UP, "per_yuan", 1),
            ("准时", Trigger.ON_TIME, "fixed", 5),
            ("首单", Trigger.FIRST_ORDER, "fixed", 50),
        ):
            services.create_rule(
                actor=operator,
                name=name,
                trigger=trigger,
                effect=effect,
                amount=amount,
                starts_on=date(2020, 1, 1),
            )
        say(f"writing a completed group buy of {args.orders:,} orders")
        group_buy, households = build_group_buy(args.orders)
        written, earn_s = timed(lambda: services.earn_for_pickups(group_buy_id=group_buy.pk))
        again, again_s = timed(lambda: services.earn_for_pickups(group_buy_id=group_buy.pk))
        say(f"earned {written} in {earn_s:.2f} s; again {again} in {again_s:.2f} s")

        say(f"writing {args.lots:,} lots")
        (_, write_s) = timed(lambda: write_lots(db.vendor, args.lots, households))
        total_lots = Lot.objects.count()
        expired, expire_s = timed(services.expire_due)
        checked, check_s = timed(selectors.check)
        say(f"expired {expired} in {expire_s:.2f} s; check ok={checked.ok} in {check_s:.2f} s")
        figures.update(
            {
                "database": db.vendor,
                "orders": args.orders,
                "earn_s": rounded(earn_s, 3),
                "earn_again_s": rounded(again_s, 3),
                "lots_earned": written["lots"],
                "energy_drops": written["drops"],
                "lots": total_lots,
                "expire_s": rounded(expire_s, 3),
                "points_expired": expired["points"],
                "households_expired": expired["households"],
                "check_s": rounded(check_s, 3),
                "check_ok": checked.ok,
            }
        )
        rows = [
            [
                f"earn for a completed group buy of {args.orders:,} orders",
                f"{earn_s:.2f}",
                f"{written['lots']:,} lots, {written['drops']:,} drops",
            ],
            ["the same again (each source earns once)", f"{again_s:.2f}", "0"],
            [
                f"expiry job over {total_lots:,} lots",
                f"{expire_s:.2f}",
                f"{expired['points']:,} points of {expired['households']:,} households",
            ],
            ["linli rewards check", f"{check_s:.2f}", "ok" if checked.ok else "DIFFERS"],
        ]
        out.print(table(f"Rewards on {db.label}", ["what", "seconds", "rows"], rows))
        say(f"(writing the lots took {write_s:.1f} s)")

    emit(figures)


def pages(args, db) -> dict:
    from django.test import Client

    from linli.demo.build import build, logins
    from linli.demo.scale import SIZES

    say(f"generating the {args.size} demo city")
    demo, built_s = timed(lambda: build(scale=SIZES[args.size]))
    say(f"demo city in {built_s:.0f} s")
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # as `linli serve` does
    add_frame_view()
    member = logins(demo)["member"]
    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    browser.force_login(member)
    urls = {
        FRAME: "/_bench/frame",
        "points page": "/rewards/",
        "energy page": "/rewards/energy/",
    }
    timings: dict[str, list[float]] = {name: [] for name in urls}
    for name, url in urls.items():
        assert browser.get(url).status_code == 200, name
    for round_number in range(args.warmup + args.requests):
        for name, url in urls.items():
            began = time.perf_counter()
            response = browser.get(url)
            elapsed = (time.perf_counter() - began) * 1000
            assert response.status_code == 200
            if round_number >= args.warmup:
                timings[name].append(elapsed)
    frame = percentile(timings[FRAME], 95)
    rows, figures = [], {"size": args.size, "demo_s": rounded(built_s, 1)}
    for name, values in timings.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        rows.append([name, f"{p50:.2f}", f"{p95:.2f}", f"{p95 / frame:.2f}"])
        key = name.replace(" ", "_").replace("-", "_")
        figures[f"{key}_p95_ms"] = rounded(p95, 2)
    out.print(
        table(
            f"Pages on the {args.size} demo city ({db.label})",
            ["page", "p50 ms", "p95 ms", "p95 vs frame"],
            rows,
        )
    )
    return figures


if __name__ == "__main__":
    main()
