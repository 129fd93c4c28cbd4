"""The ledger at a million postings: one account's balance, ``linli ledger check``, and the
bulk refund of a failed group buy with 10,000 orders.

On a throwaway database (see ``_common``) this builds, set-based, 30,000 household accounts
and 1,000,000 postings: the charges of a group buy of 10,000 orders (through its real group
buy row) and, around them, payments of households into a clearing account. Then, after
``ANALYZE``:

- the balance of one household account, 2,000 times over random households, through
  :func:`linli.ledger.services.balance` (a written-out ``SELECT SUM``, a cursor of its own
  each call), beside the same ``SELECT SUM`` on one cursor kept open; p50 and p95;
- ``linli ledger check`` over all postings (the command, as an operator runs it);
- :func:`linli.ledger.services.reverse_failed` on the 10,000-order group buy, as its close
  runs it: postings written per second, beside a bare ``executemany`` ``INSERT`` of as many
  postings in the same run.

Targets (issue 4): balance p95 under 5 ms on PostgreSQL; the check under 10 s.
"""

import argparse
import io
import random
import sys
import time
from datetime import timedelta

from _common import (
    emit,
    out,
    percentile,
    rounded,
    say,
    setup_django,
    table,
    throwaway_database,
)

ACCOUNT = "ledger_account"
ENTRY = "ledger_entry"
POSTING = "ledger_posting"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=2_000)
    return parser.parse_args()


def series(vendor: str, n: int) -> str:
    """A row source of x = 1 … n."""
    if vendor == "postgresql":
        return f"(SELECT generate_series(1, {n}) AS x) AS s"
    return (
        f"(WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n}) "
        "SELECT x FROM s) AS s"
    )


def build(args, vendor: str):
    from django.db import connection, transaction
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.catalog.models import Product, Supplier
    from linli.communities.models import Building, Community, Leader
    from linli.groupbuys import services

    now = timezone.now().replace(microsecond=0)
    community = Community.objects.create(
        name="账本基准社区", city="上海", district="徐汇区", default_pickup_place="南门"
    )
    Building.objects.create(community=community, name="1号楼")
    leader_user = User.objects.create(username="bench-leader", password="!")
    leader = Leader.objects.create(user=leader_user)
    leader.communities.add(community)
    supplier = Supplier.objects.create(name="基准农场", kind=Supplier.Kind.FARM)
    product = Product.objects.create(
        supplier=supplier,
        name="青菜",
        unit="斤",
        category="vegetable",
        cost_fen=300,
        suggested_price_fen=450,
    )
    cutoff_at = now + timedelta(hours=6)
    group_buy = services.open_group_buy(
        actor=leader_user,
        community_id=community.pk,
        title="万单失败团",
        items=[services.ItemSpec(product_id=product.pk, price_fen=450, stock=10**6)],
        min_to_form=1,
        opens_at=now - timedelta(minutes=1),
        cutoff_at=cutoff_at,
        pickup_starts_at=cutoff_at + timedelta(hours=14),
        pickup_ends_at=cutoff_at + timedelta(hours=20),
        now=now,
    )
    h, orders = args.households, args.orders
    charges = orders  # one charge entry per order: 2 postings each
    payments = (args.postings - 2 * charges) // 2
    stamp = connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ACCOUNT} (kind, owner_id, method, unit) "
            f"SELECT 'household', x, '', 'CNY' FROM {series(vendor, h)}"
        )
        cursor.execute(
            f"INSERT INTO {ACCOUNT} (kind, owner_id, method, unit) VALUES "
            "('sales', %s, '', 'CNY'), ('clearing', 0, 'cash', 'CNY')",
            [group_buy.pk],
        )
        cursor.execute(f"SELECT MIN(id) FROM {ACCOUNT} WHERE kind = 'household'")
        first = cursor.fetchone()[0]
        cursor.execute(f"SELECT id FROM {ACCOUNT} WHERE kind = 'sales'")
        sales = cursor.fetchone()[0]
        cursor.execute(f"SELECT id FROM {ACCOUNT} WHERE kind = 'clearing'")
        clearing = cursor.fetchone()[0]
        # The group buy's charges: order x is household x's, ¥4.50 × (1 + x mod 5).
        say(f"{charges:,} charges")
        cursor.execute(
            f"INSERT INTO {ENTRY} (kind, memo, method, reference, at, group_buy_id) "
            f"SELECT 'charge', '', '', '', %s, %s FROM {series(vendor, charges)}",
            [stamp, group_buy.pk],
        )
        cursor.execute(f"SELECT MIN(id) FROM {ENTRY}")
        base = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {POSTING} (entry_id, account_id, amount) "
            f"SELECT id, {first} + (id - {base}) % {h}, 450 * (1 + (id - {base}) % 5) "
            f"FROM {ENTRY} WHERE kind = 'charge'"
        )
        cursor.execute(
            f"INSERT INTO {POSTING} (entry_id, account_id, amount) "
            f"SELECT id, {sales}, -450 * (1 + (id - {base}) % 5) FROM {ENTRY} WHERE kind = 'charge'"
        )
        # Everything else: payments by every household, ¥1.00 … ¥99.99.
        say(f"{payments:,} payments")
        cursor.execute(
            f"INSERT INTO {ENTRY} (kind, memo, method, reference, at) "
            f"SELECT 'payment', '', 'cash', '', %s FROM {series(vendor, payments)}",
            [stamp],
        )
        cursor.execute(
            f"INSERT INTO {POSTING} (entry_id, account_id, amount) "
            f"SELECT id, {first} + id % {h}, -(100 + id % 9900) FROM {ENTRY} WHERE kind = 'payment'"
        )
        cursor.execute(
            f"INSERT INTO {POSTING} (entry_id, account_id, amount) "
            f"SELECT id, {clearing}, 100 + id % 9900 FROM {ENTRY} WHERE kind = 'payment'"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if vendor == "sqlite" else f"VACUUM ANALYZE {POSTING}")
        cursor.execute(f"SELECT COUNT(*) FROM {POSTING}")
        total = cursor.fetchone()[0]
    return group_buy, total


def balances(args) -> tuple[list[float], list[float]]:
    from django.db import connection

    from linli.ledger.services import Acct, Kind, balance

    rng = random.Random(4)
    app, bare = [], []
    sql = (
        f"SELECT COALESCE(SUM(p.amount), 0) FROM {POSTING} p JOIN {ACCOUNT} a ON a.id = p.account_id"
        " WHERE a.kind = 'household' AND a.owner_id = %s AND a.method = '' AND a.unit = 'CNY'"
    )
    with connection.cursor() as cursor:
        for _ in range(args.samples):
            owner = rng.randint(1, args.households)
            started = time.perf_counter()
            balance(Acct(Kind.HOUSEHOLD, owner))
            app.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            cursor.execute(sql, [owner])
            cursor.fetchone()
            bare.append((time.perf_counter() - started) * 1000)
    return app, bare


def check_command() -> tuple[float, str]:
    from django.core.management import call_command

    output = io.StringIO()
    started = time.perf_counter()
    call_command("ledger", "check", stdout=output)
    return time.perf_counter() - started, output.getvalue()


def bulk_refund(group_buy) -> tuple[float, int]:
    from django.db import transaction
    from django.utils import timezone

    from linli.ledger.models import Posting
    from linli.ledger.services import reverse_failed

    with transaction.atomic():
        started = time.perf_counter()
        entry = reverse_failed(group_buy, at=timezone.now())
        seconds = time.perf_counter() - started
    return seconds, Posting.objects.filter(entry=entry).count()


def bare_insert(n: int) -> float:
    """As many postings with one ``executemany``, in a transaction rolled back afterwards."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {ACCOUNT}")
        low, high = cursor.fetchone()
        cursor.execute(f"SELECT MAX(id) FROM {ENTRY}")
        entry = cursor.fetchone()[0]
    rows = [(entry, low + index % (high - low + 1), 1 if index else -(n - 1)) for index in range(n)]
    with transaction.atomic():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {POSTING} (entry_id, account_id, amount) VALUES (%s, %s, %s)", rows
            )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def main() -> int:
    args = parse_args()
    with throwaway_database("ledger") as db:
        setup_django()
        started = time.perf_counter()
        group_buy, total = build(args, db.vendor)
        say(f"built {total:,} postings in {time.perf_counter() - started:.1f} s")
        app, bare = balances(args)
        say("balances read")
        check_seconds, check_output = check_command()
        sound = "the ledger is sound" in check_output
        say(f"ledger check: {check_seconds:.2f} s")
        refund_seconds, refund_postings = bulk_refund(group_buy)
        bare_seconds = bare_insert(refund_postings)
        say("bulk refund done")

        rows = [
            (
                "balance of one household (services.balance)",
                f"{percentile(app, 50):.2f} ms",
                f"{percentile(app, 95):.2f} ms",
                "p95 < 5 ms (PostgreSQL)",
            ),
            (
                "balance, the same SELECT SUM on an open cursor",
                f"{percentile(bare, 50):.2f} ms",
                f"{percentile(bare, 95):.2f} ms",
                "",
            ),
        ]
        out.print(
            table(
                f"Balances over {total:,} postings ({db.label}, {args.samples:,} reads)",
                ["read", "p50", "p95", "target"],
                rows,
            )
        )
        refund_rate = refund_postings / refund_seconds
        bare_rate = refund_postings / bare_seconds
        out.print(
            table(
                f"Writing ({db.label})",
                ["work", "seconds", "postings/s", "vs bare INSERT"],
                [
                    (
                        "linli ledger check (all postings)",
                        f"{check_seconds:.2f}",
                        "",
                        "target < 10 s",
                    ),
                    (
                        f"refund of a failed group buy ({args.orders:,} orders)",
                        f"{refund_seconds:.3f}",
                        f"{refund_rate:,.0f}",
                        f"{refund_rate / bare_rate:.0%}",
                    ),
                    (
                        f"bare executemany INSERT ({refund_postings:,} rows)",
                        f"{bare_seconds:.3f}",
                        f"{bare_rate:,.0f}",
                        "100%",
                    ),
                ],
            )
        )
        emit(
            {
                "bench": "ledger",
                "database": db.vendor,
                "postings": total,
                "balance_p50_ms": rounded(percentile(app, 50), 3),
                "balance_p95_ms": rounded(percentile(app, 95), 3),
                "bare_balance_p95_ms": rounded(percentile(bare, 95), 3),
                "check_s": rounded(check_seconds, 3),
                "check_sound": sound,
                "refund_postings": refund_postings,
                "refund_s": rounded(refund_seconds, 4),
                "refund_postings_per_s": round(refund_rate),
                "bare_insert_postings_per_s": round(bare_rate),
                "refund_vs_bare": rounded(refund_rate / bare_rate, 3),
            }
        )
        return 0 if sound else 1


if __name__ == "__main__":
    sys.exit(main())
