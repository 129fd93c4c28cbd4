"""Closing one big group buy at its cutoff, beside a bare ``GROUP BY`` over the same rows.

    .venv/bin/python bench/cutoff.py [--orders 100000] [--buildings 2000] [--items 50]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/cutoff.py

On a throwaway database (see ``_common``) this builds, with a few set-based statements (their
time is shown but not measured): one community of ``--buildings`` buildings and ``--orders``
households, ``--suppliers`` suppliers with ``--items`` products between them, one open group
buy offering every product, and one placed order per household with 1–3 lines (different
items, 1–3 units each). Placing times are spread over the hours before the cutoff in an order
unrelated to the row ids; pickup codes are unique; each item's ``stock_left`` is its
``stock_initial`` less the units ordered, and each order's total is the sum of its lines.

Then, after ``ANALYZE`` on SQLite and ``VACUUM ANALYZE`` on PostgreSQL (what autovacuum does on
a live server; generating the totals left a dead version of every order row; ``--no-analyze``
skips both):

1. **baseline**: on a plain driver connection (``sqlite3`` or ``psycopg``, no Django), the bare
   aggregation a purchase order needs — ``SELECT item_id, SUM(quantity) FROM order lines JOIN
   orders … WHERE group_buy_id = ? AND status = 'placed' GROUP BY item_id`` — and the same per
   building and item (what a delivery list needs), each run ``--repeat`` times after one
   warm-up; the median counts;
2. **close**: ``close_due_group_buys`` — what ``linli cutoff`` runs — with the clock just past
   the cutoff, timed from the call to its return (one transaction: lock, fill, number the
   orders, purchase orders, audit), with every SQL statement it sends timed as well;

Wall-clock seconds are the figures; beside them, the CPU seconds spent by this process and, on
PostgreSQL, by the server process serving the connection (read with ``psutil``): on a shared
machine, wall ≫ CPU means the work waited for a CPU (or the disk), not that it did more.
3. **checks**: the group buy formed; every order confirmed, with 跟团号 1…N, unique, in the
   order the orders were placed; pickup codes unique; one purchase order per supplier whose
   line for each item holds exactly the units of that item's order lines; stock unchanged.

The exit status is 1 when a check fails, 0 otherwise: the figures themselves are not a test.
"""

import argparse
import contextlib
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

try:
    import psutil
except ImportError:  # pragma: no cover - psutil comes with the [dev] extra
    psutil = None

from _common import (
    ITEM_TABLE,
    LINE_TABLE,
    ORDER_TABLE,
    PO_LINE_TABLE,
    PO_TABLE,
    BenchDatabase,
    emit,
    out,
    rounded,
    say,
    setup_django,
    table,
    throwaway_database,
)

SUPPLIER_NAMES = ["崇明绿野农场", "五常稻香合作社", "舟山海鲜行", "金华土猪坊", "光明乳品站"]
CATEGORIES = ["vegetable", "grain", "seafood", "meat", "eggs_dairy"]
STOCK = 1_000_000  # per item: plenty, so that every generated order fits

# Tables, as Django names them.
BUILDING = "communities_building"
HOUSEHOLD = "communities_household"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders = households (100000)")
    parser.add_argument("--buildings", type=int, default=2000, help="buildings (2000)")
    parser.add_argument("--items", type=int, default=50, help="items in the group buy (50)")
    parser.add_argument("--suppliers", type=int, default=5, help="suppliers (5)")
    parser.add_argument("--repeat", type=int, default=5, help="baseline runs after warm-up (5)")
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE before timing")
    args = parser.parse_args()
    if not 3 <= args.items <= 100:
        parser.error("--items: from 3 (an order has up to 3 lines) to 100 (a group buy's most)")
    if not 1 <= args.suppliers <= args.items:
        parser.error("--suppliers: from 1 to --items")
    if args.buildings < 1 or args.orders < args.buildings:
        parser.error("need at least one building and one household per building")
    if args.repeat < 1:
        parser.error("--repeat: at least 1")
    return args


# --- data ----------------------------------------------------------------------------------


@dataclass
class Shop:
    group_buy_id: int
    community_id: int
    cutoff_at: datetime
    suppliers: int
    generated: list[tuple[str, float]] = field(default_factory=list)  # (step, seconds)


def _step(shop: Shop, name: str, work: Callable[[], object]) -> None:
    started = time.perf_counter()
    work()
    shop.generated.append((name, time.perf_counter() - started))
    say(f"{name}: {shop.generated[-1][1]:.1f} s")


def build(args: argparse.Namespace, vendor: str) -> Shop:
    """The community, the catalogue and the group buy through the ORM and the services; the
    100,000 households, orders and lines with ``INSERT … SELECT``."""
    from django.db import connection, transaction
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.catalog.models import Product, Supplier
    from linli.communities.models import Building, Community, Leader
    from linli.groupbuys import services

    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        community = Community.objects.create(
            name="基准大社区", city="上海", district="浦东新区", default_pickup_place="南门快递柜旁"
        )
        Building.objects.bulk_create(
            Building(community=community, name=f"{index + 1}号楼", position=index)
            for index in range(args.buildings)
        )
        leader_user = User.objects.create(username="bench-leader", password="!")
        leader = Leader.objects.create(user=leader_user)
        leader.communities.add(community)
        suppliers = Supplier.objects.bulk_create(
            Supplier(
                name=SUPPLIER_NAMES[index % len(SUPPLIER_NAMES)]
                + ("" if index < 5 else f"{index}"),
                kind=Supplier.Kind.FARM,
            )
            for index in range(args.suppliers)
        )
        products = Product.objects.bulk_create(
            Product(
                supplier=suppliers[index % args.suppliers],
                name=f"基准商品{index + 1:02d}",
                unit="份",
                category=CATEGORIES[index % len(CATEGORIES)],
                cost_fen=300 + 40 * index,
                suggested_price_fen=450 + 60 * index,
            )
            for index in range(args.items)
        )
    cutoff_at = now + timedelta(hours=6)
    group_buy = services.open_group_buy(
        actor=leader_user,
        community_id=community.pk,
        title="十万单基准团",
        items=[
            services.ItemSpec(
                product_id=product.pk, price_fen=product.suggested_price_fen, stock=STOCK
            )
            for product in products
        ],
        min_to_form=1,
        opens_at=now - timedelta(minutes=1),
        cutoff_at=cutoff_at,
        pickup_starts_at=cutoff_at + timedelta(hours=14),
        pickup_ends_at=cutoff_at + timedelta(hours=20),
        now=now,
    )
    shop = Shop(group_buy.pk, community.pk, cutoff_at, args.suppliers)
    gb, n, items = group_buy.pk, args.orders, args.items

    # A permutation of 0 … n-1 unrelated to the row order (7919 is prime, so it is coprime to
    # n unless n is a multiple of it), for the placing times; and an injective map into
    # 12 digits for the pickup codes (982451653 is a prime, coprime to 10**12).
    spread = 7919 if n % 7919 else 7907
    position = f"((h.id * {spread}) %% {n})"
    code_number = "((h.id * 982451653) %% 1000000000000)"
    if vendor == "sqlite":
        code = f"printf('%%012d', {code_number})"
        placed = f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '+' || ({position} * 200 / 1000.0) || ' seconds')"
        base = connection.ops.adapt_datetimefield_value(now)
    else:
        code = f"lpad(CAST({code_number} AS text), 12, '0')"
        placed = f"CAST(%s AS timestamptz) + {position} * 200 * interval '1 millisecond'"
        base = now
    with transaction.atomic(), connection.cursor() as cursor:
        first_building = Building.objects.filter(community=community).order_by("id").first()
        assert first_building is not None
        _step(
            shop,
            f"{n:,} households",
            lambda: cursor.execute(
                f"""
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s)
                INSERT INTO {HOUSEHOLD}
                       (building_id, room, contact_name, phone, vulnerable, vulnerability, notes)
                SELECT %s + i %% %s, CAST(i / %s + 1 AS text), '住户' || CAST(i AS text),
                       '139' || CAST(10000000 + i AS text), %s, '', ''
                  FROM n
                """,
                [n - 1, first_building.pk, args.buildings, args.buildings, False],
            ),
        )
        _step(
            shop,
            f"{n:,} placed orders",
            lambda: cursor.execute(
                f"""
                INSERT INTO {ORDER_TABLE}
                       (group_buy_id, household_id, placed_by_id, status, seq, pickup_code,
                        pickup, note, total_fen, placed_at, updated_at)
                SELECT %s, h.id, %s, 'placed', NULL, {code}, 'none', '', 0, {placed}, {placed}
                  FROM {HOUSEHOLD} h JOIN {BUILDING} b ON b.id = h.building_id
                 WHERE b.community_id = %s
                """,
                [gb, leader_user.pk, base, base, community.pk],
            ),
        )
        # 1–3 lines per order on different items: o·17 + k·step (mod items) differs for
        # k = 1, 2, 3 as long as neither step nor 2·step is a multiple of the item count.
        step = 1 if items in (13, 26) else 13
        _step(
            shop,
            "order lines (1–3 per order)",
            lambda: cursor.execute(
                f"""
                INSERT INTO {LINE_TABLE} (order_id, item_id, quantity, unit_price_fen, picked_up)
                SELECT o.id, i.id, 1 + (o.id * 7 + k.k) %% 3, i.price_fen, 0
                  FROM {ORDER_TABLE} o
                 CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k
                  JOIN {ITEM_TABLE} i
                    ON i.group_buy_id = o.group_buy_id
                   AND i.position = (o.id * 17 + k.k * {step}) %% %s
                 WHERE o.group_buy_id = %s AND k.k <= 1 + (o.id * 31) %% 3
                """,
                [items, gb],
            ),
        )

        def totals_and_stock() -> None:
            cursor.execute(
                f"""
                UPDATE {ORDER_TABLE} SET total_fen = (
                    SELECT SUM(l.quantity * l.unit_price_fen) FROM {LINE_TABLE} l
                     WHERE l.order_id = {ORDER_TABLE}.id)
                 WHERE group_buy_id = %s
                """,
                [gb],
            )
            cursor.execute(
                f"""
                UPDATE {ITEM_TABLE} SET stock_left = stock_initial - COALESCE((
                    SELECT SUM(l.quantity) FROM {LINE_TABLE} l WHERE l.item_id = {ITEM_TABLE}.id), 0)
                 WHERE group_buy_id = %s
                """,
                [gb],
            )

        _step(shop, "order totals and stock left", totals_and_stock)
    if not args.no_analyze:
        analyze = "ANALYZE" if vendor == "sqlite" else "VACUUM ANALYZE"

        def run_analyze() -> None:
            with connection.cursor() as cursor:
                cursor.execute(analyze)

        _step(shop, analyze, run_analyze)
    return shop


# --- measuring -----------------------------------------------------------------------------


class CpuClock:
    """CPU seconds of this thread plus, on PostgreSQL, of the backend serving one connection."""

    def __init__(self, backend_pid: int | None = None):
        self.backend = None
        if backend_pid is not None and psutil is not None:
            with contextlib.suppress(psutil.Error):
                self.backend = psutil.Process(backend_pid)

    def __call__(self) -> float:
        seconds = time.thread_time()
        if self.backend is not None:
            with contextlib.suppress(psutil.Error):
                times = self.backend.cpu_times()
                seconds += times.user + times.system
        return seconds


def _plain_connection(db: BenchDatabase):
    if db.vendor == "sqlite":
        plain = sqlite3.connect(db.name, isolation_level=None)
        # As linli.settings opens its SQLite connections.
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "cache_size=-65536",
            "temp_store=MEMORY",
        ):
            plain.execute(f"PRAGMA {pragma}")
        return plain, "?", CpuClock()
    import psycopg

    plain = psycopg.connect(db.url, autocommit=True)
    return plain, "%s", CpuClock(plain.info.backend_pid)


@dataclass
class Baseline:
    label: str
    sql: str
    rows: int = 0
    runs: list[float] = field(default_factory=list)
    cpu_runs: list[float] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(self.cpu_runs)


def baselines(db: BenchDatabase, group_buy_id: int, repeat: int) -> list[Baseline]:
    """The bare aggregations over the rows the close reads, on a plain driver connection."""
    plain, m, cpu = _plain_connection(db)
    where = f"o.group_buy_id = {m} AND o.status = 'placed'"
    queries = [
        Baseline(
            "GROUP BY item",
            f"SELECT l.item_id, SUM(l.quantity) FROM {LINE_TABLE} l JOIN {ORDER_TABLE} o ON o.id = l.order_id "
            f"WHERE {where} GROUP BY l.item_id",
        ),
        Baseline(
            "GROUP BY building, item",
            f"SELECT h.building_id, l.item_id, SUM(l.quantity) FROM {LINE_TABLE} l "
            f"JOIN {ORDER_TABLE} o ON o.id = l.order_id JOIN {HOUSEHOLD} h ON h.id = o.household_id "
            f"WHERE {where} GROUP BY h.building_id, l.item_id",
        ),
    ]
    try:
        for query in queries:
            for run in range(repeat + 1):
                cpu_before, started = cpu(), time.perf_counter()
                rows = plain.execute(query.sql, (group_buy_id,)).fetchall()
                elapsed, cpu_used = time.perf_counter() - started, cpu() - cpu_before
                if run:  # the first run warms the cache and is not counted
                    query.runs.append(elapsed)
                    query.cpu_runs.append(cpu_used)
                query.rows = len(rows)
            say(f"baseline {query.label}: {query.seconds * 1000:.1f} ms (median of {repeat})")
    finally:
        plain.close()
    return queries


@dataclass
class Statement:
    sql: str
    seconds: float
    rows: int


def close(shop: Shop) -> tuple[float, float, list[Statement], object]:
    """``close_due_group_buys`` as ``linli cutoff`` calls it, just after the cutoff."""
    from django.db import connection

    from linli.core.context import CallContext, calling
    from linli.groupbuys.services import close_due_group_buys

    statements: list[Statement] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            cursor = context["cursor"]
            rows = getattr(cursor, "rowcount", -1)
            statements.append(Statement(sql, time.perf_counter() - started, rows))

    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend_pid,) = cursor.fetchone()
    cpu = CpuClock(backend_pid)
    now = shop.cutoff_at + timedelta(seconds=1)
    context = CallContext(channel="cli", user_agent="bench/cutoff.py")
    with calling(context), connection.execute_wrapper(timed):
        cpu_before, started = cpu(), time.perf_counter()
        run = close_due_group_buys(now=now)
        seconds, cpu_used = time.perf_counter() - started, cpu() - cpu_before
    return seconds, cpu_used, statements, run


# --- checking ------------------------------------------------------------------------------


def check(shop: Shop, n: int, run) -> list[tuple[str, str, str, bool]]:
    """(what, expected, found, ok) for everything the close must have done."""
    from django.db import connection

    from linli.groupbuys.models import GroupBuy

    gb = shop.group_buy_id
    status = GroupBuy.objects.values_list("status", flat=True).get(pk=gb)

    def one(sql: str, params: Sequence = (gb,)):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, COUNT(*) FROM {ORDER_TABLE} WHERE group_buy_id = %s GROUP BY status",
            [gb],
        )
        by_status = dict(cursor.fetchall())
    seq_count, seq_distinct, seq_min, seq_max, codes = one(
        f"SELECT COUNT(seq), COUNT(DISTINCT seq), MIN(seq), MAX(seq), COUNT(DISTINCT pickup_code) "
        f"FROM {ORDER_TABLE} WHERE group_buy_id = %s"
    )
    (out_of_order,) = one(
        f"""
        SELECT COUNT(*) FROM (
            SELECT seq, ROW_NUMBER() OVER (ORDER BY placed_at, id) AS rn
              FROM {ORDER_TABLE} WHERE group_buy_id = %s) numbered
         WHERE seq IS NULL OR seq <> rn
        """
    )
    pos, po_suppliers, po_lines = one(
        f"SELECT COUNT(DISTINCT po.id), COUNT(DISTINCT po.supplier_id), COUNT(pl.id) "
        f"FROM {PO_TABLE} po LEFT JOIN {PO_LINE_TABLE} pl ON pl.purchase_order_id = po.id "
        f"WHERE po.group_buy_id = %s"
    )
    (suppliers_in_orders,) = one(
        f"SELECT COUNT(DISTINCT p.supplier_id) FROM {ITEM_TABLE} i "
        f"JOIN catalog_product p ON p.id = i.product_id "
        f"WHERE i.group_buy_id = %s AND i.stock_left < i.stock_initial"
    )
    # Every item: the purchase order's line (on its own supplier's order) = the sum of its
    # order lines; items nobody ordered have no line.
    (po_mismatches,) = one(
        f"""
        SELECT COUNT(*) FROM {ITEM_TABLE} i
          JOIN catalog_product p ON p.id = i.product_id
          LEFT JOIN (SELECT l.item_id, SUM(l.quantity) AS units
                       FROM {LINE_TABLE} l JOIN {ORDER_TABLE} o ON o.id = l.order_id
                      WHERE o.group_buy_id = %s AND o.status = 'confirmed'
                      GROUP BY l.item_id) ordered ON ordered.item_id = i.id
          LEFT JOIN {PO_LINE_TABLE} pl ON pl.item_id = i.id
          LEFT JOIN {PO_TABLE} po ON po.id = pl.purchase_order_id
         WHERE i.group_buy_id = %s
           AND NOT ((ordered.units IS NULL AND pl.id IS NULL)
                 OR (pl.quantity = ordered.units AND po.group_buy_id = i.group_buy_id
                     AND po.supplier_id = p.supplier_id AND pl.product_id = i.product_id))
        """,
        (gb, gb),
    )
    units_ordered, units_po = one(
        f"SELECT (SELECT SUM(l.quantity) FROM {LINE_TABLE} l JOIN {ORDER_TABLE} o ON o.id = l.order_id "
        f"         WHERE o.group_buy_id = %s), "
        f"       (SELECT SUM(pl.quantity) FROM {PO_LINE_TABLE} pl "
        f"          JOIN {PO_TABLE} po ON po.id = pl.purchase_order_id WHERE po.group_buy_id = %s)",
        (gb, gb),
    )
    (unbalanced,) = one(
        f"SELECT COUNT(*) FROM {ITEM_TABLE} i WHERE i.group_buy_id = %s AND i.stock_left + "
        f"COALESCE((SELECT SUM(quantity) FROM {LINE_TABLE} l WHERE l.item_id = i.id), 0) "
        f"<> i.stock_initial"
    )
    confirmed = by_status.get("confirmed", 0)
    seqs = (seq_count, seq_distinct, seq_min, seq_max)
    formed = status == "formed" and gb in run.formed
    return [
        ("group buy", "formed", str(status), formed),
        ("orders confirmed", f"{n:,}", f"{confirmed:,}", confirmed == sum(by_status.values()) == n),
        (
            "跟团号 1…N, unique",
            f"1…{n:,}",
            f"{seq_min or 0:,}…{seq_max or 0:,}, {seq_distinct:,} distinct",
            seqs == (n, n, 1, n),
        ),
        ("跟团号 in placing order", "0 out of order", f"{out_of_order:,}", out_of_order == 0),
        ("pickup codes unique", f"{n:,}", f"{codes:,} distinct", codes == n),
        (
            "purchase orders, one per supplier",
            str(suppliers_in_orders),
            f"{pos} ({po_suppliers} suppliers)",
            pos == po_suppliers == suppliers_in_orders,
        ),
        (
            "PO line = Σ order lines, per item",
            "0 differ",
            f"{po_mismatches} of {po_lines} differ",
            po_mismatches == 0,
        ),
        (
            "units on POs = units ordered",
            f"{units_ordered:,}",
            f"{units_po or 0:,}",
            units_po == units_ordered,
        ),
        ("stock left + ordered = initial", "0 differ", f"{unbalanced} differ", unbalanced == 0),
    ]


# --- main ----------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    with throwaway_database("cutoff") as db:
        setup_django()
        from django.db import connection, connections

        started = time.perf_counter()
        shop = build(args, db.vendor)
        generated = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*), COUNT(DISTINCT o.household_id), "
                f"(SELECT COUNT(*) FROM {LINE_TABLE} l JOIN {ORDER_TABLE} p ON p.id = l.order_id "
                f"  WHERE p.group_buy_id = %s) "
                f"FROM {ORDER_TABLE} o WHERE o.group_buy_id = %s AND o.status = 'placed'",
                [shop.group_buy_id, shop.group_buy_id],
            )
            orders, households, lines = cursor.fetchone()
        say(f"{orders:,} orders, {lines:,} lines generated in {generated:.1f} s")
        connections.close_all()  # the baseline's connection must not wait for ours

        bare = baselines(db, shop.group_buy_id, args.repeat)
        say("closing the group buy (close_due_group_buys, as `linli cutoff`)")
        seconds, cpu_seconds, statements, run = close(shop)
        say(f"closed in {seconds:.2f} s")
        checks = check(shop, orders, run)
        closed = (seconds, cpu_seconds, statements)
        return report(args, db, shop, orders, households, lines, bare, closed, checks)


def report(args, db, shop, orders, households, lines, bare, closed, checks) -> int:
    seconds, cpu_seconds, statements = closed
    baseline = bare[0]
    ratio = seconds / baseline.seconds if baseline.seconds else float("nan")
    driver = "sqlite3" if db.vendor == "sqlite" else "psycopg"
    out.print()
    out.print(
        table(
            f"Closing one group buy on {db.label}: {orders:,} orders ({lines:,} lines) of "
            f"{households:,} households in {args.buildings:,} buildings, {args.items} items "
            f"from {shop.suppliers} suppliers",
            ["", "seconds", "× GROUP BY item", "CPU s", "result rows", "statements"],
            [
                [
                    "close (close_due_group_buys, as `linli cutoff`)",
                    f"{seconds:.3f}",
                    f"{ratio:.1f}×",
                    f"{cpu_seconds:.3f}",
                    "",
                    len(statements),
                ],
                *(
                    [
                        f"bare {query.label} ({driver}, median of {len(query.runs)})",
                        f"{query.seconds:.3f}",
                        f"{query.seconds / baseline.seconds:.1f}×",
                        f"{query.cpu_seconds:.3f}",
                        query.rows,
                        1,
                    ]
                    for query in bare
                ),
            ],
        )
    )
    slowest = sorted(statements, key=lambda s: s.seconds, reverse=True)
    in_statements = sum(s.seconds for s in statements)
    out.print(
        table(
            f"The close's SQL: {len(statements)} statements, {in_statements:.3f} s in the "
            f"database driver, {seconds - in_statements:.3f} s in Python (the slowest five)",
            ["statement", "seconds", "rows"],
            [
                [" ".join(s.sql.split())[:90], f"{s.seconds:.3f}", s.rows if s.rows > 0 else ""]
                for s in slowest[:5]
            ],
        )
    )
    out.print(
        table(
            "Checks after the close",
            ["", "expected", "found", "ok"],
            [
                [what, expected, found, "yes" if ok else "NO"]
                for what, expected, found, ok in checks
            ],
        )
    )
    out.print(
        table(
            "Data generation (not measured)",
            ["step", "seconds"],
            [[name, f"{spent:.1f}"] for name, spent in shop.generated],
        )
    )
    under = seconds < 5.0
    within = ratio <= 10.0
    out.print(
        f"Target: under 5 s on SQLite and at most 10× the bare GROUP BY — here on {db.label}: "
        f"{seconds:.2f} s ({'under' if under else 'over'} 5 s), {ratio:.1f}× "
        f"({'within' if within else 'over'} 10×); {len(statements)} SQL statements for "
        f"{orders:,} orders."
    )
    emit(
        {
            "bench": "cutoff",
            "db": db.vendor,
            "orders": orders,
            "seconds": rounded(seconds, 3),
            "baseline_seconds": rounded(baseline.seconds, 4),
            "ratio": rounded(ratio, 2),
            "baseline_by_building_seconds": rounded(bare[1].seconds, 4),
            "cpu_seconds": rounded(cpu_seconds, 3),
            "baseline_cpu_seconds": rounded(baseline.cpu_seconds, 4),
            "lines": lines,
            "buildings": args.buildings,
            "items": args.items,
            "suppliers": shop.suppliers,
            "statements": len(statements),
            "checks_ok": all(ok for *_rest, ok in checks),
            "analyzed": not args.no_analyze,
        }
    )
    return 0 if all(ok for *_rest, ok in checks) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; the throwaway database was removed", file=sys.stderr)
        sys.exit(130)
