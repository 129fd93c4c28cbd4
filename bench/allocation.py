"""Sharing out a short delivery of one item among 100,000 orders, under each policy.

    .venv/bin/python bench/allocation.py [--orders 100000] [--repeat 5] [--no-database]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/allocation.py

1. **pure**: :func:`linli.groupbuys.fair_shares.allocate` over ``--orders`` claims of 1–5 units
   (about 3 % of households vulnerable) and a delivery of 70 % of the units ordered, each
   policy run ``--repeat`` times after one warm-up; the median counts (target: under 1 s).
2. **database** (skipped with ``--no-database``): on a throwaway database (see ``_common``),
   one community, one group buy of one item, ``--orders`` households each with one placed
   order (built with ``INSERT … SELECT``, not timed), closed with ``close_due_group_buys`` and
   the delivery recorded at 70 %, then ``ANALYZE`` (what autovacuum does on a live server
   after the close rewrote every order row); then per policy the leader's preview
   (``plan_allocation``: read every order line, share out) and the apply
   (``apply_allocation``: store every share, audit; run in a transaction rolled back after,
   so that each policy meets the same orders).
3. **checks**: every run's shares are whole, none above its order, sum to the delivery, and
   every vulnerable household is served in full (the delivery covers them all); the applied
   shares read back from the database sum to the delivery.

The exit status is 1 when a check fails, 0 otherwise: the figures themselves are not a test.
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

from _common import (
    ITEM_TABLE,
    LINE_TABLE,
    ORDER_TABLE,
    emit,
    out,
    rounded,
    say,
    setup_django,
    table,
    throwaway_database,
)
from cutoff import BUILDING, HOUSEHOLD, CpuClock

SHARE = 0.7  # of the units ordered, delivered


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders (100000)")
    parser.add_argument("--repeat", type=int, default=5, help="pure runs after warm-up (5)")
    parser.add_argument("--no-database", action="store_true", help="only the pure functions")
    args = parser.parse_args()
    if args.orders < 1 or args.repeat < 1:
        parser.error("--orders and --repeat: at least 1")
    return args


def claims(n: int):
    from linli.groupbuys.fair_shares import Claim

    rng = random.Random(5)
    return [Claim(quantity=rng.randint(1, 5), vulnerable=rng.random() < 0.03) for _ in range(n)]


def check_shares(wanted, shares, supply) -> bool:
    return (
        len(shares) == len(wanted)
        and all(
            type(s) is int and 0 <= s <= c.quantity for s, c in zip(shares, wanted, strict=True)
        )
        and sum(shares) == min(supply, sum(c.quantity for c in wanted))
        and all(s == c.quantity for s, c in zip(shares, wanted, strict=True) if c.vulnerable)
    )


def pure(args) -> tuple[list[tuple[str, float, float, float]], bool]:
    from linli.groupbuys.fair_shares import Policy, allocate

    wanted = claims(args.orders)
    supply = int(sum(claim.quantity for claim in wanted) * SHARE)
    rows, ok = [], True
    for policy in Policy:
        allocate(policy, wanted, supply)  # warm-up
        seconds, cpu = [], []
        for _ in range(args.repeat):
            started, cpu_started = time.perf_counter(), time.thread_time()
            shares = allocate(policy, wanted, supply)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - cpu_started)
            ok = ok and check_shares(wanted, shares, supply)
        rows.append(
            (policy.value, statistics.median(seconds), max(seconds), statistics.median(cpu))
        )
        say(f"pure {policy.value}: {statistics.median(seconds) * 1000:.0f} ms")
    return rows, ok


def build(n: int):
    """One community, one item, ``n`` households with one placed order of 1–5 units each;
    closed, and 70 % of the units delivered. Returns (leader, group buy id, item id, delivered)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.catalog.models import Product, Supplier
    from linli.communities.models import Building, Community, Leader
    from linli.groupbuys import services
    from linli.groupbuys.models import PurchaseOrder

    now = timezone.now().replace(microsecond=0)
    buildings = max(1, n // 50)
    with transaction.atomic():
        community = Community.objects.create(
            name="基准社区", city="上海", district="浦东新区", default_pickup_place="南门快递柜旁"
        )
        Building.objects.bulk_create(
            Building(community=community, name=f"{index + 1}号楼", position=index)
            for index in range(buildings)
        )
        leader_user = User.objects.create(username="bench-leader", password="!")
        Leader.objects.create(user=leader_user).communities.add(community)
        supplier_user = User.objects.create(username="bench-supplier", password="!")
        supplier = Supplier.objects.create(name="崇明绿野农场", kind=Supplier.Kind.FARM)
        supplier.users.add(supplier_user)
        product = Product.objects.create(
            supplier=supplier, name="土鸡蛋", unit="盒", cost_fen=2000, suggested_price_fen=2800
        )
    cutoff_at = now + timedelta(hours=6)
    group_buy = services.open_group_buy(
        actor=leader_user,
        community_id=community.pk,
        title="十万单缺货基准团",
        items=[services.ItemSpec(product_id=product.pk, price_fen=2800, stock=1_000_000)],
        min_to_form=1,
        opens_at=now - timedelta(minutes=1),
        cutoff_at=cutoff_at,
        pickup_starts_at=cutoff_at + timedelta(hours=14),
        pickup_ends_at=cutoff_at + timedelta(hours=20),
        now=now,
    )
    item = group_buy.items.get()
    first = Building.objects.filter(community=community).order_by("id").first()
    assert first is not None
    code = "((h.id * 982451653) %% 1000000000000)"
    if connection.vendor == "sqlite":
        code = f"printf('%%012d', {code})"
        placed = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '+' || (h.id / 1000.0) || ' seconds')"
        base = connection.ops.adapt_datetimefield_value(now)
    else:
        code = f"lpad(CAST({code} AS text), 12, '0')"
        placed = "CAST(%s AS timestamptz) + h.id * interval '1 millisecond'"
        base = now
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s)
            INSERT INTO {HOUSEHOLD}
                   (building_id, room, contact_name, phone, vulnerable, vulnerability, notes)
            SELECT %s + i %% %s, CAST(i / %s + 1 AS text), '住户' || CAST(i AS text),
                   '139' || CAST(10000000 + i AS text), i %% 33 = 0,
                   CASE WHEN i %% 33 = 0 THEN 'elderly_alone' ELSE '' END, ''
              FROM n
            """,
            [n - 1, first.pk, buildings, buildings],
        )
        cursor.execute(
            f"""
            INSERT INTO {ORDER_TABLE}
                   (group_buy_id, household_id, placed_by_id, status, seq, pickup_code,
                    pickup, note, total_fen, placed_at, updated_at)
            SELECT %s, h.id, %s, 'placed', NULL, {code}, 'none', '', 0, {placed}, {placed}
              FROM {HOUSEHOLD} h JOIN {BUILDING} b ON b.id = h.building_id
             WHERE b.community_id = %s
            """,
            [group_buy.pk, leader_user.pk, base, base, community.pk],
        )
        cursor.execute(
            f"""
            INSERT INTO {LINE_TABLE} (order_id, item_id, quantity, unit_price_fen, picked_up)
            SELECT o.id, %s, 1 + (o.id * 7) %% 5, 2800, 0
              FROM {ORDER_TABLE} o WHERE o.group_buy_id = %s
            """,
            [item.pk, group_buy.pk],
        )
        cursor.execute(
            f"UPDATE {ORDER_TABLE} SET total_fen = 2800 * (SELECT l.quantity FROM {LINE_TABLE} l"
            f" WHERE l.order_id = {ORDER_TABLE}.id) WHERE group_buy_id = %s",
            [group_buy.pk],
        )
        cursor.execute(
            f"UPDATE {ITEM_TABLE} SET stock_left = stock_initial - (SELECT SUM(quantity)"
            f" FROM {LINE_TABLE} WHERE item_id = %s) WHERE id = %s",
            [item.pk, item.pk],
        )
        cursor.execute("ANALYZE")
    say(f"{n:,} households and orders in {time.perf_counter() - started:.1f} s")
    services.close_due_group_buys(now=cutoff_at + timedelta(seconds=1))
    purchase_order = PurchaseOrder.objects.get(group_buy=group_buy)
    ordered = purchase_order.lines.get().quantity
    delivered = int(ordered * SHARE)
    services.record_delivery(
        actor=supplier_user, purchase_order_id=purchase_order.pk, delivered={product.pk: delivered}
    )
    # What autovacuum does on a live server after the close rewrote every order row.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"closed; {delivered:,} of {ordered:,} boxes delivered")
    return leader_user, group_buy.pk, item.pk, delivered


class Rollback(Exception):
    pass


def database(args, db) -> tuple[list[tuple[str, float, float, float, float]], bool]:
    from django.db import connection, transaction
    from django.db.models import Sum

    from linli.groupbuys.fair_shares import Policy
    from linli.groupbuys.models import OrderLine
    from linli.groupbuys.services import apply_allocation, plan_allocation

    leader, group_buy_id, item_id, delivered = build(args.orders)
    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend_pid,) = cursor.fetchone()
    cpu = CpuClock(backend_pid)
    rows, ok = [], True
    for policy in Policy:
        started, cpu_started = time.perf_counter(), cpu()
        plan = plan_allocation(
            actor=leader, group_buy_id=group_buy_id, item_id=item_id, policy=policy
        )
        preview, preview_cpu = time.perf_counter() - started, cpu() - cpu_started
        ok = ok and plan.allocated == delivered and len(plan.lines) == args.orders
        ok = ok and all(line.allocated == line.ordered for line in plan.lines if line.vulnerable)
        try:
            with transaction.atomic():
                started, cpu_started = time.perf_counter(), cpu()
                apply_allocation(
                    actor=leader, group_buy_id=group_buy_id, item_id=item_id, policy=policy
                )
                applied, applied_cpu = time.perf_counter() - started, cpu() - cpu_started
                stored = OrderLine.objects.filter(item_id=item_id).aggregate(
                    total=Sum("allocated")
                )["total"]
                ok = ok and stored == delivered
                raise Rollback
        except Rollback:
            pass
        rows.append((policy.value, preview, applied, preview_cpu, applied_cpu))
        say(f"{db.label} {policy.value}: preview {preview:.2f} s, apply {applied:.2f} s")
    return rows, ok


def main() -> int:
    args = parse_args()
    with throwaway_database("allocation") as db:
        setup_django(migrate=not args.no_database)
        pure_rows, pure_ok = pure(args)
        db_rows, db_ok = database(args, db) if not args.no_database else ([], True)
        out.print()
        out.print(
            table(
                f"allocate(): one item, {args.orders:,} orders, {SHARE:.0%} delivered"
                f" (median of {args.repeat})",
                ["policy", "median ms", "max ms", "CPU ms", "under 1 s"],
                [
                    (
                        policy,
                        f"{median * 1000:.0f}",
                        f"{most * 1000:.0f}",
                        f"{cpu * 1000:.0f}",
                        median < 1,
                    )
                    for policy, median, most, cpu in pure_rows
                ],
            )
        )
        if db_rows:
            out.print(
                table(
                    f"{db.label}: the leader's preview and apply, {args.orders:,} order lines"
                    " (CPU: this process, and the server backend on PostgreSQL)",
                    ["policy", "preview s", "preview CPU s", "apply s", "apply CPU s"],
                    [
                        (policy, f"{p:.2f}", f"{pc:.2f}", f"{a:.2f}", f"{ac:.2f}")
                        for policy, p, a, pc, ac in db_rows
                    ],
                )
            )
        out.print(f"checks: {'all passed' if pure_ok and db_ok else 'FAILED'}")
        emit(
            {
                "bench": "allocation",
                "db": db.vendor if db_rows else None,
                "orders": args.orders,
                "pure_ms": {row[0]: rounded(row[1] * 1000, 1) for row in pure_rows},
                "pure_cpu_ms": {row[0]: rounded(row[3] * 1000, 1) for row in pure_rows},
                "preview_s": {row[0]: rounded(row[1], 3) for row in db_rows},
                "preview_cpu_s": {row[0]: rounded(row[3], 3) for row in db_rows},
                "apply_s": {row[0]: rounded(row[2], 3) for row in db_rows},
                "apply_cpu_s": {row[0]: rounded(row[4], 3) for row in db_rows},
                "checks_passed": pure_ok and db_ok,
            }
        )
        return 0 if pure_ok and db_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
