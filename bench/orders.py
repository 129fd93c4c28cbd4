"""Orders placed per second through the real HTTP API, beside a bare-database baseline.

    .venv/bin/python bench/orders.py [--duration 20] [--clients 16] [--workers N --threads M]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/orders.py

On a throwaway database (see ``_common``) with one community of 2,000 households, each with a
member holding an API token, this:

1. starts the server exactly as production does: ``linli serve --bind 127.0.0.1:<port>`` as a
   subprocess with the same environment, with ``linli serve``'s own number of workers and
   threads unless ``--workers``/``--threads`` are given, and waits for ``GET /healthz``;
2. **baseline**: ``--clients`` threads, each on its own plain driver connection (``sqlite3``
   or ``psycopg``), run the work an order needs at its barest, for ``--duration`` seconds:
   ``BEGIN`` (``IMMEDIATE`` on SQLite), one guarded ``UPDATE item SET stock_left = stock_left
   - q WHERE id = ? AND stock_left >= q`` per line, the order row and its line rows inserted,
   ``COMMIT``, on the same tables, in a group buy of the same shape;
3. **API**: ``--clients`` threads, each with one keep-alive HTTP connection (``http.client``)
   and its own households' tokens, ``POST /api/group-buys/{id}/orders`` with 1–2 lines for
   ``--duration`` seconds; latency is measured per request;
4. **hot item**: every client races for an item with stock 50 (plus one unit of a plentiful
   item in the same order) until each has been refused three times: exactly 50 must sell;
5. checks every item of the three group buys: ``stock_left`` + the units of placed order
   lines = ``stock_initial``, and no item sold more than it had ("oversold", in units).

Each phase starts with a short warm-up that is not counted. The clients run on the same
machine as the server and the database and compete with them for the CPU; the CPU table says
how the time was shared. The exit status is 1 when a check of the data fails (oversold,
unbalanced stock, orders lost or invented), 0 otherwise: the figures themselves are not a test.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from _common import (
    ITEM_TABLE,
    LINE_TABLE,
    LINLI,
    ORDER_TABLE,
    BenchDatabase,
    emit,
    out,
    percentile,
    rounded,
    say,
    setup_django,
    table,
    throwaway_database,
)

try:
    import psutil
except ImportError:  # pragma: no cover - psutil comes with the [dev] extra
    psutil = None

ITEMS = 4  # items per group buy
PLENTY = 1_000_000  # stock of an ordinary item: enough that orders do not run out
HOT_STOCK = 50


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase (20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="uncounted seconds first (3)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument(
        "--workers", type=int, help="linli serve --workers (default: linli serve's own default)"
    )
    parser.add_argument(
        "--threads", type=int, help="linli serve --threads (default: linli serve's own default)"
    )
    parser.add_argument("--households", type=int, default=2000, help="households (2000)")
    parser.add_argument(
        "--idempotency-keys",
        action="store_true",
        help="send an Idempotency-Key with every API order, as a careful client would",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.clients < 1 or args.households < args.clients:
        parser.error("need at least one client and one household per client")
    return args


# --- data ----------------------------------------------------------------------------------


@dataclass
class Shop:
    """What the clients need to know, read once before the server starts."""

    api: int  # group buy ids
    baseline: int
    hot: int
    items: dict[int, list[tuple[int, int]]]  # group buy → [(item id, price fen)]
    households: list[tuple[int, int, str]]  # (household id, member user id, token)


def build(households: int, seed: int) -> Shop:
    """A community, its members with tokens, a leader, a supplier and three group buys."""
    from django.db import transaction
    from django.utils import timezone

    from linli.accounts.models import ApiToken, User
    from linli.accounts.services import issue_token
    from linli.catalog.models import Product, Supplier
    from linli.communities.models import Building, Community, Household, Leader, Member
    from linli.groupbuys import services

    rng = random.Random(seed)
    now = timezone.now()
    buildings = max(1, households // 40)
    with transaction.atomic():
        community = Community.objects.create(
            name="基准花园", city="上海", district="浦东新区", default_pickup_place="南门快递柜旁"
        )
        blocks = Building.objects.bulk_create(
            Building(community=community, name=f"{index + 1}号楼", position=index)
            for index in range(buildings)
        )
        homes = Household.objects.bulk_create(
            Household(
                building=blocks[index % buildings],
                room=f"{index // buildings + 1:04d}",
                contact_name=f"住户{index}",
                phone=f"139{index:08d}",
            )
            for index in range(households)
        )
        members = User.objects.bulk_create(
            User(username=f"bench{index:05d}", display_name=f"邻居{index}", password="!")
            for index in range(households)
        )
        Member.objects.bulk_create(
            Member(user=user, household=home) for user, home in zip(members, homes, strict=True)
        )
        leader_user = User.objects.create(username="bench-leader", password="!")
        leader = Leader.objects.create(user=leader_user)
        leader.communities.add(community)
        supplier = Supplier.objects.create(name="崇明基准农场", kind=Supplier.Kind.FARM)
        products = Product.objects.bulk_create(
            Product(
                supplier=supplier,
                name=name,
                unit=unit,
                category=Product.Category.VEGETABLE,
                cost_fen=price * 2 // 3,
                suggested_price_fen=price,
            )
            for name, unit, price in [
                ("崇明青菜", "斤", 450),
                ("土鸡蛋", "盒", 2800),
                ("五常大米", "袋", 6900),
                ("鲜牛奶", "瓶", 1200),
            ]
        )
        tokens = [issue_token(actor=user, user=user, name="bench")[1] for user in members]
        # A token used within the hour is not written to again (LAST_USED_PRECISION): this is
        # the steady state of a busy morning, not the first call of each token.
        ApiToken.objects.update(last_used_at=now)

    def open_group_buy(title: str, stocks: list[int]) -> int:
        group_buy = services.open_group_buy(
            actor=leader_user,
            community_id=community.pk,
            title=title,
            items=[
                services.ItemSpec(
                    product_id=product.pk, price_fen=product.suggested_price_fen, stock=stock
                )
                for product, stock in zip(products, stocks, strict=False)
            ],
            min_to_form=1,
            opens_at=now - timedelta(minutes=1),
            cutoff_at=now + timedelta(hours=6),
            pickup_starts_at=now + timedelta(hours=20),
            pickup_ends_at=now + timedelta(hours=26),
            now=now,
        )
        return group_buy.pk

    api = open_group_buy("API 基准团", [PLENTY] * ITEMS)
    baseline = open_group_buy("裸数据库基准团", [PLENTY] * ITEMS)
    hot = open_group_buy("秒杀团", [HOT_STOCK, PLENTY])
    from linli.groupbuys.models import GroupBuyItem

    items: dict[int, list[tuple[int, int]]] = {}
    for group_buy_id, item_id, price in GroupBuyItem.objects.filter(
        group_buy_id__in=[api, baseline, hot]
    ).values_list("group_buy_id", "id", "price_fen"):
        items.setdefault(group_buy_id, []).append((item_id, price))
    for group_buy_items in items.values():
        group_buy_items.sort()
    people = [
        (home.pk, user.pk, token) for home, user, token in zip(homes, members, tokens, strict=True)
    ]
    rng.shuffle(people)
    return Shop(api=api, baseline=baseline, hot=hot, items=items, households=people)


def random_lines(rng: random.Random, items: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """1–2 distinct items, 1–3 of each: [(item id, quantity, price fen)] in item id order."""
    chosen = rng.sample(items, rng.choice((1, 2)))
    return sorted((item_id, rng.randint(1, 3), price) for item_id, price in chosen)


# --- clients -------------------------------------------------------------------------------


class Outcome:
    OK, REFUSED, OTHER = 201, 409, 0


@dataclass
class Tally:
    """What one client saw in one phase."""

    ok: int = 0
    refused: int = 0
    other: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    def add(self, status: int, seconds: float, body: bytes = b"") -> None:
        self.latencies.append(seconds)
        if status == Outcome.OK:
            self.ok += 1
        elif status == Outcome.REFUSED:
            self.refused += 1
        else:
            self.other[status] += 1
            self.examples.setdefault(status, body[:300])

    def merge(self, other: "Tally") -> None:
        self.ok += other.ok
        self.refused += other.refused
        self.other.update(other.other)
        for status, body in other.examples.items():
            self.examples.setdefault(status, body)
        self.latencies.extend(other.latencies)


@dataclass
class Result:
    tally: Tally
    seconds: float
    cpu: dict[str, float]

    @property
    def rate(self) -> float:
        return self.tally.ok / self.seconds if self.seconds else 0.0

    def latency_ms(self, q: float) -> float:
        return percentile(self.tally.latencies, q) * 1000


class ApiClient:
    """One customer app: one keep-alive connection, a few households' tokens."""

    def __init__(self, port: int, group_buy_id: int, items, people, rng, *, keys: bool):
        self.port, self.items, self.people, self.rng, self.keys = port, items, people, rng, keys
        self.path = f"/api/group-buys/{group_buy_id}/orders"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.turn = 0
        self.lines: Callable[[], list] = lambda: random_lines(self.rng, self.items)

    def order(self) -> tuple[int, bytes]:
        _household, _user, token = self.people[self.turn % len(self.people)]
        self.turn += 1
        body = json.dumps(
            {"lines": [{"item_id": i, "quantity": q} for i, q, _price in self.lines()]}
        ).encode()
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "zh-hans",
        }
        if self.keys:
            headers["Idempotency-Key"] = secrets.token_hex(16)
        try:
            self.connection.request("POST", self.path, body, headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError) as error:
            self.connection.close()
            return -1, repr(error).encode()
        if response.will_close:
            self.connection.close()
        return response.status, data

    def close(self) -> None:
        self.connection.close()


class Shortfall(Exception):
    pass


class BareClient:
    """The same order at its barest, on a plain driver connection: no framework at all."""

    def __init__(self, db: BenchDatabase, group_buy_id: int, items, people, rng):
        self.db, self.group_buy_id, self.items, self.people, self.rng = (
            db,
            group_buy_id,
            items,
            people,
            rng,
        )
        self.turn = 0
        if db.vendor == "sqlite":
            self.connection = sqlite3.connect(
                db.name, timeout=30, isolation_level=None, check_same_thread=False
            )
            # As linli.settings opens its SQLite connections.
            for pragma in (
                "journal_mode=WAL",
                "synchronous=NORMAL",
                "foreign_keys=ON",
                "cache_size=-65536",
                "temp_store=MEMORY",
            ):
                self.connection.execute(f"PRAGMA {pragma}")
            self.mark = "?"
        else:
            import psycopg

            self.connection = psycopg.connect(db.url, autocommit=True)
            self.mark = "%s"
        m = self.mark
        self.take_sql = (
            f"UPDATE {ITEM_TABLE} SET stock_left = stock_left - {m} "
            f"WHERE id = {m} AND stock_left >= {m}"
        )
        self.order_sql = (
            f"INSERT INTO {ORDER_TABLE} (group_buy_id, household_id, placed_by_id, status, "
            "pickup_code, pickup, note, total_fen, placed_at, updated_at) "
            f"VALUES ({m}, {m}, {m}, 'placed', {m}, 'none', '', {m}, {m}, {m}) RETURNING id"
        )

    def _now(self):
        now = datetime.now(UTC)
        # Django keeps SQLite datetimes as UTC text without an offset.
        return str(now.replace(tzinfo=None)) if self.db.vendor == "sqlite" else now

    def _work(self, execute, household: int, user: int, lines) -> None:
        for item_id, quantity, _price in lines:
            if execute(self.take_sql, (quantity, item_id, quantity)).rowcount != 1:
                raise Shortfall
        now = self._now()
        total = sum(quantity * price for _item, quantity, price in lines)
        code = f"{secrets.randbelow(10**12):012d}"
        order_id = execute(
            self.order_sql, (self.group_buy_id, household, user, code, total, now, now)
        ).fetchone()[0]
        m = self.mark
        values = ", ".join([f"({m}, {m}, {m}, {m}, 0)"] * len(lines))
        params = [p for i, q, price in lines for p in (order_id, i, q, price)]
        execute(
            f"INSERT INTO {LINE_TABLE} (order_id, item_id, quantity, unit_price_fen, picked_up) "
            f"VALUES {values}",
            params,
        )

    def order(self) -> tuple[int, bytes]:
        household, user, _token = self.people[self.turn % len(self.people)]
        self.turn += 1
        lines = random_lines(self.rng, self.items)
        try:
            if self.db.vendor == "sqlite":
                self.connection.execute("BEGIN IMMEDIATE")
                try:
                    self._work(self.connection.execute, household, user, lines)
                except BaseException:
                    self.connection.execute("ROLLBACK")
                    raise
                self.connection.execute("COMMIT")
            else:
                with self.connection.transaction():
                    self._work(self.connection.execute, household, user, lines)
        except Shortfall:
            return Outcome.REFUSED, b""
        except Exception as error:
            return -1, repr(error).encode()
        return Outcome.OK, b""

    def close(self) -> None:
        self.connection.close()


# --- running -------------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds used by this process (the clients), the server and PostgreSQL's backends
    for the benchmark database, so that one can see who had the machine."""

    def __init__(self, db: BenchDatabase, server_pid: int):
        self.db, self.server_pid = db, server_pid

    def _processes(self) -> dict[str, list]:
        found: dict[str, list] = {"clients (this process)": [psutil.Process()]}
        try:
            server = psutil.Process(self.server_pid)
            found["linli serve"] = [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            found["linli serve"] = []
        if self.db.vendor == "postgresql":
            found["PostgreSQL backends"] = [
                process
                for process in psutil.process_iter(["cmdline"])
                if any(self.db.name in part for part in (process.info["cmdline"] or []))
            ]
        return found

    def snapshot(self) -> dict[tuple[str, int], float]:
        if psutil is None:
            return {}
        seen = {}
        for group, processes in self._processes().items():
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.Error:
                    continue
                seen[group, process.pid] = times.user + times.system
        return seen

    @staticmethod
    def used(before: dict, after: dict) -> dict[str, float]:
        used: Counter = Counter()
        for key, seconds in after.items():
            used[key[0]] += seconds - before.get(key, 0.0)
        return dict(used)


def run_phase(
    clients: list, seconds: float, *, meter: CpuMeter | None, until: Callable | None = None
) -> Result:
    """Every client places orders in its own thread until ``seconds`` have passed (or, with
    ``until``, until ``until(tally)`` is true for each client)."""
    stop = threading.Event()
    ready = threading.Barrier(len(clients) + 1)
    tallies = [Tally() for _ in clients]

    def loop(client, tally: Tally) -> None:
        ready.wait()
        clock = time.perf_counter
        while not stop.is_set():
            started = clock()
            status, body = client.order()
            tally.add(status, clock() - started, body)
            if until is not None and until(tally):
                return

    threads = [
        threading.Thread(target=loop, args=(client, tally), daemon=True)
        for client, tally in zip(clients, tallies, strict=True)
    ]
    for thread in threads:
        thread.start()
    before = meter.snapshot() if meter else {}
    ready.wait()
    started = time.perf_counter()
    deadline = started + seconds
    try:
        for thread in threads:
            thread.join(max(0.0, deadline - time.perf_counter()))
    finally:
        stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = CpuMeter.used(before, meter.snapshot()) if meter else {}
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return Result(total, elapsed, cpu)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``linli serve`` as production starts it, on a free port, with the bench's database."""

    def __init__(self, db: BenchDatabase, workers: int | None, threads: int | None):
        self.port = free_port()
        self.log_path = db.var_dir / "serve.log"
        self.log = self.log_path.open("w")
        self.command = [str(LINLI), "serve", "--bind", f"127.0.0.1:{self.port}"]
        if workers is not None:
            self.command += ["--workers", str(workers)]
        if threads is not None:
            self.command += ["--threads", str(threads)]
        # What it chose, read from its first line: "Linli on http://… (5 workers × 4 threads)".
        self.workers: int | None = workers
        self.threads: int | None = threads
        # Its own session: Ctrl-C reaches only us, and we stop it in order. Unbuffered, so
        # that its first line is in the log at once.
        self.process = subprocess.Popen(
            self.command,
            env={**db.environment(), "PYTHONUNBUFFERED": "1"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"linli serve exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/healthz", timeout=5
                ) as response:
                    if response.status == 200:
                        self._read_shape()
                        return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"linli serve did not answer /healthz within {timeout:.0f} s")

    def _read_shape(self) -> None:
        found = re.search(r"\((\d+) workers × (\d+) threads\)", self.log_path.read_text())
        if found:
            self.workers, self.threads = int(found[1]), int(found[2])

    @property
    def shape(self) -> str:
        """ "5×4": workers × threads, "?" for what could not be read."""
        return f"{self.workers or '?'}×{self.threads or '?'}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def errors(self) -> list[str]:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [line for line in text.splitlines() if "Error" in line or "Traceback" in line]


# --- checking ------------------------------------------------------------------------------


@dataclass
class ItemCheck:
    group_buy: str
    item_id: int
    initial: int
    left: int
    sold: int  # units in the lines of placed orders

    @property
    def oversold(self) -> int:
        return max(0, self.sold - self.initial)

    @property
    def balanced(self) -> bool:
        return self.left + self.sold == self.initial and self.left >= 0


def check_stock(shop: Shop) -> tuple[list[ItemCheck], dict[str, int]]:
    from django.db.models import Count, Q, Sum

    from linli.groupbuys.models import GroupBuyItem, Order

    names = {shop.api: "API", shop.baseline: "bare database", shop.hot: "hot item (API)"}
    placed = Q(lines__order__status=Order.Status.PLACED)
    checks = [
        ItemCheck(
            names[row["group_buy_id"]],
            row["id"],
            row["stock_initial"],
            row["stock_left"],
            row["sold"],
        )
        for row in GroupBuyItem.objects.filter(group_buy_id__in=names)
        .annotate(sold=Sum("lines__quantity", filter=placed, default=0))
        .values("group_buy_id", "id", "stock_initial", "stock_left", "sold")
        .order_by("group_buy_id", "id")
    ]
    orders = dict(
        Order.objects.filter(group_buy_id__in=names, status=Order.Status.PLACED)
        .values_list("group_buy_id")
        .annotate(n=Count("id"))
        .values_list("group_buy_id", "n")
    )
    return checks, {names[key]: orders.get(key, 0) for key in names}


# --- main ----------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:.1f}"


def main() -> int:
    args = parse_args()
    with throwaway_database("orders") as db:
        setup_django()
        started = time.perf_counter()
        shop = build(args.households, args.seed)
        say(
            f"{args.households} households with tokens and 3 group buys built in "
            f"{time.perf_counter() - started:.1f} s"
        )
        from django.db import connections

        connections.close_all()

        server = Server(db, args.workers, args.threads)
        try:
            server.wait_until_up()
            say(f"{' '.join(server.command[1:])} is up (log: {server.log_path})")
            meter = CpuMeter(db, server.process.pid) if psutil else None
            people = [shop.households[i :: args.clients] for i in range(args.clients)]

            def bare_clients() -> list[BareClient]:
                return [
                    BareClient(db, shop.baseline, shop.items[shop.baseline], mine, random.Random(i))
                    for i, mine in enumerate(people)
                ]

            def api_clients(group_buy_id: int, seed: int) -> list[ApiClient]:
                return [
                    ApiClient(
                        server.port,
                        group_buy_id,
                        shop.items[group_buy_id],
                        mine,
                        random.Random(seed + i),
                        keys=args.idempotency_keys,
                    )
                    for i, mine in enumerate(people)
                ]

            phase_runs: dict[str, tuple[Result, Result]] = {}
            for name, make in (
                ("bare database", bare_clients),
                ("API", lambda: api_clients(shop.api, 1000)),
            ):
                clients = make()
                try:
                    say(f"{name}: warming up for {args.warmup:.0f} s")
                    warm = run_phase(clients, args.warmup, meter=None)
                    say(f"{name}: {args.clients} clients for {args.duration:.0f} s")
                    measured = run_phase(clients, args.duration, meter=meter)
                finally:
                    for client in clients:
                        client.close()
                phase_runs[name] = (warm, measured)
                say(f"{name}: {measured.rate:.1f} orders/s")

            say("hot item: every client races for the last 50 units")
            hot_clients = api_clients(shop.hot, 5000)
            hot_items = shop.items[shop.hot]
            for client in hot_clients:
                # One unit of the hot item and one of the plentiful one, in every order.
                client.lines = lambda: [(item, 1, price) for item, price in hot_items]
            try:
                hot = run_phase(
                    hot_clients, 120, meter=None, until=lambda tally: tally.refused >= 3
                )
            finally:
                for client in hot_clients:
                    client.close()
        finally:
            server.stop()
        server_errors = server.errors()

        checks, placed = check_stock(shop)
        return report(args, db, server, phase_runs, hot, checks, placed, server_errors)


def report(args, db, server, phase_runs, hot, checks, placed, server_errors) -> int:
    bare_warm, bare = phase_runs["bare database"]
    api_warm, api = phase_runs["API"]
    ratio = api.rate / bare.rate if bare.rate else float("nan")
    cpus = os.cpu_count() or 1

    driver = "sqlite3" if db.vendor == "sqlite" else "psycopg"
    rows = []
    for label, result in (
        (f"bare database ({driver}, {args.clients} threads)", bare),
        (f"API (linli serve {server.shape}, {args.clients} clients)", api),
    ):
        other = sum(result.tally.other.values())
        rows.append(
            [
                label,
                f"{result.rate:,.1f}",
                result.tally.ok,
                result.tally.refused,
                other,
                ms(result.latency_ms(50)),
                ms(result.latency_ms(99)),
                ms(result.latency_ms(100)),
            ]
        )
    rows.append(["API ÷ bare database", f"{ratio:.1%}", "", "", "", "", "", ""])
    out.print()
    out.print(
        table(
            f"Orders placed per second on {db.label}, {args.duration:.0f} s per phase "
            f"({args.warmup:.0f} s warm-up not counted)",
            ["", "orders/s", "201", "409", "other", "p50 ms", "p99 ms", "max ms"],
            rows,
        )
    )
    for label, result in (("bare database", bare), ("API", api), ("hot item", hot)):
        for status, count in sorted(result.tally.other.items()):
            example = result.tally.examples.get(status, b"").decode(errors="replace")
            out.print(f"[red]{label}: {count} × status {status}[/red] e.g. {example[:200]}")
    for line in server_errors[:5]:
        out.print(f"[red]server log:[/red] {line[:200]}")

    if bare.cpu or api.cpu:
        groups = sorted(set(bare.cpu) | set(api.cpu))
        cpu_rows = [
            [group]
            + [
                f"{result.cpu.get(group, 0.0):.1f} s ({result.cpu.get(group, 0.0) / result.seconds / cpus:.0%})"
                for result in (bare, api)
            ]
            for group in groups
        ]
        cpu_rows.append(
            ["available (CPUs × seconds)"]
            + [f"{cpus * result.seconds:.1f} s" for result in (bare, api)]
        )
        out.print(
            table(
                f"CPU time while measuring ({cpus} CPUs; the clients share them with the server "
                "and the database, and so do other users of this machine)",
                ["", "bare database", "API"],
                cpu_rows,
            )
        )

    oversold = sum(check.oversold for check in checks)
    unbalanced = [check for check in checks if not check.balanced]
    by_group: dict[str, list[ItemCheck]] = {}
    for check in checks:
        by_group.setdefault(check.group_buy, []).append(check)
    expected = {
        "API": api_warm.tally.ok + api.tally.ok,
        "bare database": bare_warm.tally.ok + bare.tally.ok,
        "hot item (API)": hot.tally.ok,
    }
    check_rows = []
    for group, items in by_group.items():
        check_rows.append(
            [
                group,
                expected[group],
                placed[group],
                sum(item.initial for item in items),
                sum(item.sold for item in items),
                sum(item.left for item in items),
                sum(item.oversold for item in items),
                "yes" if all(item.balanced for item in items) else "NO",
            ]
        )
    out.print(
        table(
            "Stock after the run (every item: left + sold in placed orders = initial)",
            [
                "group buy",
                "orders acked",
                "orders stored",
                "initial",
                "sold",
                "left",
                "oversold",
                "balanced",
            ],
            check_rows,
        )
    )
    hot_item = next(
        check
        for check in checks
        if check.group_buy == "hot item (API)" and check.initial == HOT_STOCK
    )
    hot_ok = hot.tally.ok == HOT_STOCK and hot_item.sold == HOT_STOCK and hot_item.left == 0
    out.print(
        f"Hot item: {hot.tally.ok} orders accepted, {hot.tally.refused} refused (409), "
        f"{sum(hot.tally.other.values())} other, in {hot.seconds:.1f} s by {args.clients} "
        f"clients; {hot_item.sold} of {HOT_STOCK} units sold: "
        + ("[green]exactly right[/green]" if hot_ok else "[red]WRONG[/red]")
    )
    lost = [group for group in expected if expected[group] != placed[group]]
    target = "met" if ratio >= 0.25 else "not met"
    out.print(
        f"Target (PostgreSQL): API ≥ 25% of the bare-database rate — here on {db.label}: "
        f"{ratio:.1%}, {target}; oversold: {oversold} units"
        + (f"; [red]unbalanced items: {len(unbalanced)}[/red]" if unbalanced else "")
        + (f"; [red]acked ≠ stored: {', '.join(lost)}[/red]" if lost else "")
    )
    out.print(
        f"Server: {' '.join(['linli', *server.command[1:]])}: {server.workers} workers × "
        f"{server.threads} threads (gthread); clients: {args.clients} threads in this process, one keep-alive "
        f"connection each; Idempotency-Key: {'yes' if args.idempotency_keys else 'no'}."
    )
    emit(
        {
            "bench": "orders",
            "db": db.vendor,
            "api_per_s": rounded(api.rate, 1),
            "baseline_per_s": rounded(bare.rate, 1),
            "ratio": rounded(ratio, 3),
            "p50_ms": rounded(api.latency_ms(50), 2),
            "p99_ms": rounded(api.latency_ms(99), 2),
            "oversold": oversold,
            "baseline_p50_ms": rounded(bare.latency_ms(50), 2),
            "baseline_p99_ms": rounded(bare.latency_ms(99), 2),
            "api_other": sum(api.tally.other.values()),
            "hot_sold": hot_item.sold,
            "clients": args.clients,
            "seconds": args.duration,
            "workers": server.workers,
            "threads": server.threads,
            "idempotency_keys": args.idempotency_keys,
            "cpus": cpus,
        }
    )
    failed = oversold or unbalanced or lost or not hot_ok
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; the throwaway database was removed", file=sys.stderr)
        sys.exit(130)
