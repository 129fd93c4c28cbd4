"""A household's copy and its closing, on the demo city.

On a throwaway database (see ``_common``) this builds the demo city (``--size``, default
``small``), then for the households that ordered most:

- the copy: every holder's export, the ZIP (JSON + Excel + photos) and its size;
- closing the account: open orders cancelled, every holder's erasure and the audit scrub, in
  one transaction; then ``linli ledger check`` over the whole ledger.

Prints a table, then one JSON line of figures.
"""

import argparse
import statistics
import time

from _common import emit, out, rounded, say, setup_django, table, throwaway_database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="small", choices=("small", "default", "large"))
    parser.add_argument("--households", type=int, default=5)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with throwaway_database("privacy") as db:
        setup_django()
        from django.db.models import Count
        from django.utils import timezone

        from linli.accounts.models import User
        from linli.communities.models import Household, Leader, Member
        from linli.core.errors import LinliError
        from linli.core.personal_data import holders
        from linli.demo.build import DEFAULT_SEED, build
        from linli.demo.scale import SIZES
        from linli.ledger import selectors as ledger
        from linli.privacy import copying, services

        say(f"building the {args.size} demo city on {db.label}")
        started = time.perf_counter()
        build(seed=DEFAULT_SEED, scale=SIZES[args.size])
        built = time.perf_counter() - started
        leaders = set(Leader.objects.values_list("user_id", flat=True))
        busiest = list(
            Household.objects.annotate(n=Count("orders"))
            .exclude(members__user_id__in=leaders)
            .filter(members__isnull=False)
            .order_by("-n", "pk")
            .values_list("pk", "n")[: args.households]
        )
        rows, gather, zipped, sizes, closing = [], [], [], [], []
        for household_id, orders in busiest:
            started = time.perf_counter()
            data = {holder.name: holder.export(household_id) for holder in holders()}
            gathered = time.perf_counter() - started
            started = time.perf_counter()
            content, counts = copying.build(household_id, at=timezone.now())
            built_zip = time.perf_counter() - started
            member = User.objects.get(
                pk=Member.objects.filter(household_id=household_id).values("user_id")[:1]
            )
            started = time.perf_counter()
            try:
                closed = services.close_household(actor=member, word="注销")
                cancelled: object = closed.cancelled_orders
            except LinliError as refused:  # orders waiting for pickup: shown, not timed
                cancelled = type(refused).__name__
            closed_in = time.perf_counter() - started
            rows.append(
                (
                    household_id,
                    orders,
                    sum(counts.values()),
                    f"{gathered * 1000:.0f}",
                    f"{built_zip * 1000:.0f}",
                    f"{len(content) / 1024:.0f}",
                    f"{closed_in * 1000:.0f}",
                    cancelled,
                )
            )
            gather.append(gathered)
            zipped.append(built_zip)
            sizes.append(len(content))
            if isinstance(cancelled, int):
                closing.append(closed_in)
            del data
        started = time.perf_counter()
        check = ledger.check()
        checked = time.perf_counter() - started
        out.print(
            table(
                f"A household's copy and closing ({args.size} demo city, {db.label})",
                [
                    "household",
                    "orders",
                    "rows",
                    "export ms",
                    "ZIP ms",
                    "ZIP KiB",
                    "close ms",
                    "cancelled",
                ],
                rows,
            )
        )
        out.print(
            f"ledger check after closing: {'sound' if check.ok else 'NOT SOUND'} ({checked:.2f} s)"
        )
        emit(
            {
                "bench": "privacy",
                "database": db.vendor,
                "size": args.size,
                "city_seconds": rounded(built, 1),
                "households": len(rows),
                "export_ms_median": rounded(statistics.median(gather) * 1000, 1),
                "zip_ms_median": rounded(statistics.median(zipped) * 1000, 1),
                "zip_kib_median": rounded(statistics.median(sizes) / 1024, 1),
                "close_ms_median": rounded(statistics.median(closing) * 1000, 1)
                if closing
                else None,
                "closed": len(closing),
                "ledger_sound": check.ok,
            }
        )


if __name__ == "__main__":
    main()
