"""Server time of the busiest pages over the demo city, beside a minimal Django view.

    .venv/bin/python bench/pages.py [--size large] [--requests 300] [--warmup 30]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/pages.py

On a throwaway database (see ``_common``) this generates the demo city of ``--size`` (``large``
by default: 400 communities, about 200,000 households and 180 days of history; the time it
takes is shown but not measured) and runs ``ANALYZE`` (``VACUUM ANALYZE`` on PostgreSQL, as
autovacuum would on a live server; ``--no-analyze`` skips it), then signs in the demo's printed member and leader and asks,
in this process, through Django's whole request handling (middleware, session, templates; no
network), for:

- the member's **home page** (tiles, with today's group buys of their community);
- the **group buy page** of the member's open group buy with the most orders;
- the leader's **tally**: the leader's page of their open group buy with the most orders, and
  the tally alone as htmx asks for it every few seconds;
- beside them, a **minimal Django view** (``/healthz``: one ``SELECT 1``, a JSON answer) through
  the same stack, the target's reference;
- and, to show where the time goes, the **signed-in frame**: a view added here that answers a
  signed-in member with the site's frame alone (the base template: header, language switch,
  sign-out) and reads nothing but who is asking — the least any page of ours costs.

Requests go round-robin, one of each page in turn, ``--requests`` times after ``--warmup``
uncounted rounds, so that a slow moment of the machine hits every page alike. Each page's
queries are counted too (the test ``tests/groupbuys/test_pages_queries.py`` asserts that they do
not grow with the number of orders). Target: each page's p95 within 3× the minimal view's.
Ratios to the signed-in frame are shown too: what our own reads and templates add.
"""

import argparse
import time

from _common import emit, out, percentile, rounded, say, setup_django, table, throwaway_database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="large", help="demo city size (large)")
    parser.add_argument("--requests", type=int, default=300, help="counted rounds (300)")
    parser.add_argument("--warmup", type=int, default=30, help="uncounted rounds first (30)")
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE before timing")
    return parser.parse_args()


def busiest_open_group_buy(community_ids):
    from django.db.models import Count

    from linli.groupbuys.models import GroupBuy

    return (
        GroupBuy.objects.filter(community_id__in=community_ids, status=GroupBuy.Status.OPEN)
        .annotate(orders_count=Count("orders"))
        .order_by("-orders_count", "id")
        .first()
    )


FRAME = "signed-in frame"


def add_frame_view() -> None:
    """``/_bench/frame``: the base template for a signed-in caller, nothing else read."""
    from django.shortcuts import render
    from django.urls import path

    import linli.urls
    from linli.pages.helpers import page

    @page
    def frame(request, who):
        return render(request, "web/base.html", {"roles": who})

    # First, so that finding it costs no more than finding a page does.
    linli.urls.urlpatterns.insert(0, path("_bench/frame", frame))


def main() -> None:
    args = parse_args()
    with throwaway_database("pages") as db:
        setup_django()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from linli.accounts.roles import roles
        from linli.demo.build import build, logins
        from linli.demo.scale import SIZES
        from linli.groupbuys.models import Order

        call_command("collectstatic", interactive=False, verbosity=0)  # as `linli serve` does
        add_frame_view()
        say(f"generating the {args.size} demo city")
        started = time.perf_counter()
        demo = build(scale=SIZES[args.size])
        say(f"demo city in {time.perf_counter() - started:.0f} s: {demo.figures}")
        if not args.no_analyze:
            # What autovacuum does on a live server after a bulk load: without statistics,
            # PostgreSQL plans the tally's join over millions of order lines as a scan.
            analyze = "ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE"
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(analyze)
            say(f"{analyze} in {time.perf_counter() - began:.0f} s")
        users = logins(demo)
        member, leader = users["member"], users["leader"]
        assert member is not None and leader is not None
        member_roles, leader_roles = roles(member), roles(leader)
        member_buy = busiest_open_group_buy([member_roles.community_id])
        leader_buy = busiest_open_group_buy(sorted(leader_roles.led_community_ids))
        assert member_buy is not None and leader_buy is not None, "the demo has no open buys"

        def client(user) -> Client:
            browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
            if user is not None:
                browser.force_login(user)
            return browser

        as_member, as_leader, anonymous = client(member), client(leader), client(None)
        pages = {
            "minimal view (/healthz)": (anonymous, "/healthz", {}),
            FRAME: (as_member, "/_bench/frame", {}),
            "member home": (as_member, "/", {}),
            "group buy page": (as_member, f"/group-buys/{member_buy.pk}/", {}),
            "leader tally page": (as_leader, f"/lead/group-buys/{leader_buy.pk}/", {}),
            "tally (htmx)": (
                as_leader,
                f"/lead/group-buys/{leader_buy.pk}/tally",
                {"HTTP_HX_REQUEST": "true"},
            ),
        }
        orders = {
            "group buy page": Order.objects.filter(group_buy=member_buy).count(),
            "leader tally page": Order.objects.filter(group_buy=leader_buy).count(),
        }
        orders["tally (htmx)"] = orders["leader tally page"]

        queries = {}
        for name, (browser, url, headers) in pages.items():
            response = browser.get(url, **headers)
            assert response.status_code == 200, (name, response.status_code)
            with CaptureQueriesContext(connection) as captured:
                browser.get(url, **headers)
            queries[name] = len(captured)

        timings: dict[str, list[float]] = {name: [] for name in pages}
        say(f"{args.warmup} warm-up rounds, then {args.requests} counted")
        for round_number in range(args.warmup + args.requests):
            for name, (browser, url, headers) in pages.items():
                began = time.perf_counter()
                response = browser.get(url, **headers)
                elapsed = time.perf_counter() - began
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {response.status_code}")
                if round_number >= args.warmup:
                    timings[name].append(elapsed * 1000)

        base_p95 = percentile(timings["minimal view (/healthz)"], 95)
        frame_p95 = percentile(timings[FRAME], 95)
        rows, figures = [], {}
        for name, values in timings.items():
            p50, p95 = percentile(values, 50), percentile(values, 95)
            ratio, over_frame = p95 / base_p95, p95 / frame_p95
            page_row = not name.startswith("minimal") and name != FRAME
            rows.append(
                [
                    name,
                    orders.get(name, "–"),
                    queries[name],
                    f"{p50:.2f}",
                    f"{p95:.2f}",
                    f"{ratio:.1f}×",
                    f"{over_frame:.1f}×" if not name.startswith("minimal") else "",
                    ("yes" if ratio <= 3 else "NO") if page_row else "",
                ]
            )
            figures[name] = {
                "p50_ms": rounded(p50, 2),
                "p95_ms": rounded(p95, 2),
                "p95_ratio": rounded(ratio, 2),
                "p95_over_frame": rounded(over_frame, 2),
                "queries": queries[name],
                "orders": orders.get(name),
            }
        out.print(
            table(
                f"Server time per page, {db.label}, demo city {args.size} "
                f"({demo.figures.get('households', '?')} households, "
                f"{demo.figures.get('orders', '?')} orders), {args.requests} requests each",
                [
                    "page",
                    "orders in it",
                    "queries",
                    "p50 ms",
                    "p95 ms",
                    "p95 vs minimal",
                    "p95 vs frame",
                    "≤ 3×",
                ],
                rows,
            )
        )
        emit(
            {
                "bench": "pages",
                "db": db.vendor,
                "size": args.size,
                "requests": args.requests,
                "demo_seconds": demo.figures.get("seconds"),
                "analyzed": not args.no_analyze,
                "pages": figures,
                "within_3x": all(
                    value["p95_ratio"] <= 3
                    for name, value in figures.items()
                    if not name.startswith("minimal") and name != FRAME
                ),
            }
        )


if __name__ == "__main__":
    main()
