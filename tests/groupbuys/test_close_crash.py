"""A close killed half-way (SIGKILL, no chance to clean up) leaves each group buy either
untouched or completely closed, never in between; closing again then gives exactly what a
clean close gives.

Group buys of many orders, built in bulk and committed, are closed by real separate processes
on the same database (the test database, passed as ``DATABASE_URL``) that are killed:

1. at every statement of the close in turn, and just before and just after its COMMIT: a
   small harness runs ``close_group_buy`` with an execute wrapper that stops before
   statement *k* and says so, and the test kills it there;
2. after random delays while the ``cutoff`` command works through several due group buys.

Each of these runs in a child forked from one harness process that started Django once, and
is killed with SIGKILL. After each kill every group buy is compared with what it was before
(untouched) and with what a close must leave (done). At the end the real ``linli cutoff``
runs to completion, twice, and each group buy equals a reference of the same shape closed
cleanly.
"""

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from linli.core.models import AuditEvent
from linli.groupbuys.models import (
    GroupBuy,
    GroupBuyItem,
    Order,
    OrderLine,
    PurchaseOrder,
    PurchaseOrderLine,
)

from ..servers import LINLI, environment

# libpq names the connections of the processes this test starts (PGAPPNAME) with this.
APPLICATION = "linli-close-crash"

ORDERS = 250  # per group buy
CUTOFF_VICTIMS = 12  # closed by `linli cutoff`, killed at random: 3,000 orders
KILL_ROUNDS = 6

# Runs closes in separate processes, each stopping, for the test to kill it, before statement
# number ``pause`` ("statement:3"), before the COMMIT ("commit"), right after it
# ("committed"), or never ("none": reports how many statements the close took, and how long).
# Django starts once, in this parent, which holds no connection; for each "<group buy id>
# <pause>" line read from stdin it forks a child that closes with its own connection and says
# where it stopped, with its pid, for the test to kill it there. (A fresh interpreter per kill
# cost about a second each: a hundred kills made this the slowest test of the suite.)
HARNESS = r"""
import json, os, signal, sys, time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
django.setup()
from django.db import connections

from linli.groupbuys import services

signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed children are reaped by the system


def say(**message):
    print(json.dumps({"pid": os.getpid(), **message}), flush=True)


def close(group_buy_id, pause):
    statements = []

    def hold(where):
        say(paused=where, statements=len(statements))
        time.sleep(600)
        os._exit(3)  # not killed

    def wrapper(execute, sql, params, many, context):
        if pause == f"statement:{len(statements) + 1}":
            hold(sql[:100])
        statements.append(sql[:100])
        return execute(sql, params, many, context)

    database = connections["default"]
    commit = type(database).commit

    def paused_commit(self):
        if pause == "commit":
            hold("COMMIT")
        commit(self)
        if pause == "committed":
            hold("after COMMIT")

    type(database).commit = paused_commit
    started = time.monotonic()
    with database.execute_wrapper(wrapper):
        group_buy = services.close_group_buy(actor=None, group_buy_id=group_buy_id)
    say(done=group_buy.status, statements=statements, seconds=time.monotonic() - started)


def cutoff():
    import io

    from django.core.management import call_command

    say(started="cutoff")
    call_command("cutoff", stdout=io.StringIO())


say(ready=True)
for line in sys.stdin:
    group_buy_id, pause = line.split()
    if os.fork() == 0:
        try:
            cutoff() if pause == "cutoff" else close(int(group_buy_id), pause)
        finally:
            os._exit(0)
"""


def build(hood, *, min_to_form: int) -> GroupBuy:
    """A group buy of three products from two suppliers with ``ORDERS`` orders, built in bulk
    (one in ten cancelled, placed three to a second so that ties are broken by id), committed,
    and with its cutoff an hour ago. The same shape every time: only the ids differ."""
    now = timezone.now()
    group_buy = hood.open(stock=(100_000, 100_000, 100_000), min_to_form=min_to_form)
    items = list(group_buy.items.order_by("position"))
    start = now - timedelta(hours=3)
    orders, lines = [], []
    for index in range(ORDERS):
        wanted = {items[0]: 1 + index % 3}
        if index % 2:
            wanted[items[1]] = 1
        if index % 5 == 0:
            wanted[items[2]] = 2
        cancelled = index % 10 == 7
        placed_at = start + timedelta(seconds=index // 3)
        orders.append(
            Order(
                group_buy=group_buy,
                household=hood.households[index % len(hood.households)],
                placed_by=hood.members[index % len(hood.members)],
                status=Order.Status.CANCELLED if cancelled else Order.Status.PLACED,
                pickup_code=f"{index * 7919 % 10**12:012d}",
                total_fen=sum(item.price_fen * quantity for item, quantity in wanted.items()),
                placed_at=placed_at,
                updated_at=placed_at,
                cancelled_at=placed_at if cancelled else None,
            )
        )
        lines.append(wanted)
    Order.objects.bulk_create(orders, batch_size=500)
    OrderLine.objects.bulk_create(
        (
            OrderLine(order=order, item=item, quantity=quantity, unit_price_fen=item.price_fen)
            for order, wanted in zip(orders, lines, strict=True)
            for item, quantity in wanted.items()
        ),
        batch_size=1000,
    )
    held = Counter()
    for order, wanted in zip(orders, lines, strict=True):
        if order.status == Order.Status.PLACED:
            for item, quantity in wanted.items():
                held[item.pk] += quantity
    for item in items:
        GroupBuyItem.objects.filter(pk=item.pk).update(
            stock_left=item.stock_initial - held[item.pk]
        )
    GroupBuy.objects.filter(pk=group_buy.pk).update(
        opens_at=now - timedelta(hours=4), cutoff_at=now - timedelta(hours=1)
    )
    return GroupBuy.objects.get(pk=group_buy.pk)


def state(group_buy_id: int) -> dict:
    """Every row a close may touch, for comparing before and after."""
    return {
        "group_buy": GroupBuy.objects.filter(pk=group_buy_id)
        .values_list("status", "closed_at", "close_reason", "completed_at")
        .get(),
        "orders": list(
            Order.objects.filter(group_buy_id=group_buy_id)
            .order_by("pk")
            .values_list("pk", "status", "seq", "pickup_code", "updated_at", "cancelled_at")
        ),
        "lines": list(
            OrderLine.objects.filter(order__group_buy_id=group_buy_id)
            .order_by("pk")
            .values_list("pk", "item_id", "quantity", "picked_up")
        ),
        "stock": list(
            GroupBuyItem.objects.filter(group_buy_id=group_buy_id)
            .order_by("pk")
            .values_list("pk", "stock_initial", "stock_left")
        ),
        "purchase_orders": list(
            PurchaseOrder.objects.filter(group_buy_id=group_buy_id)
            .order_by("pk")
            .values_list("pk", "supplier_id", "created_at")
        ),
        "purchase_order_lines": list(
            PurchaseOrderLine.objects.filter(purchase_order__group_buy_id=group_buy_id)
            .order_by("pk")
            .values_list("purchase_order__supplier_id", "item_id", "product_id", "quantity")
        ),
        "events": list(
            AuditEvent.objects.filter(target_type="groupbuys.groupbuy", target_id=str(group_buy_id))
            .order_by("pk")
            .values_list("action", flat=True)
        ),
    }


def assert_done(group_buy_id: int, before: dict) -> None:
    """Completely closed: every placed order confirmed and numbered 1…N in the order placed
    (or failed, with no number), purchase orders the sums of the confirmed lines, one event."""
    after = state(group_buy_id)
    status, closed_at, reason, _completed = after["group_buy"]
    assert status in (GroupBuy.Status.FORMED, GroupBuy.Status.FAILED)
    assert closed_at is not None and reason == GroupBuy.CloseReason.CUTOFF
    formed = status == GroupBuy.Status.FORMED
    was = {row[0]: row for row in before["orders"]}
    by_time = sorted(
        (row for row in before["orders"] if row[1] == Order.Status.PLACED),
        key=lambda row: (row[4], row[0]),  # placed_at == updated_at before the close
    )
    seq = {row[0]: number for number, row in enumerate(by_time, start=1)}
    for pk, order_status, number, code, updated_at, cancelled_at in after["orders"]:
        assert code == was[pk][3], "a close changed a pickup code"
        assert cancelled_at == was[pk][5]
        if was[pk][1] == Order.Status.CANCELLED:
            assert (order_status, number, updated_at) == (*was[pk][1:3], was[pk][4])
        elif formed:
            assert (order_status, number, updated_at) == (
                Order.Status.CONFIRMED,
                seq[pk],
                closed_at,
            )
        else:
            assert (order_status, number, updated_at) == (Order.Status.FAILED, None, closed_at)
    assert after["lines"] == before["lines"]
    assert after["stock"] == before["stock"], "a close moved stock"
    sold = Counter()
    placed = {pk for pk in was if was[pk][1] == Order.Status.PLACED}
    for _pk, item_id, quantity, _picked in OrderLine.objects.filter(
        order_id__in=placed
    ).values_list("pk", "item_id", "quantity", "picked_up"):
        sold[item_id] += quantity
    bought = {item_id: quantity for _s, item_id, _p, quantity in after["purchase_order_lines"]}
    assert bought == (dict(sold) if formed else {})
    suppliers = sorted(supplier for _pk, supplier, _at in after["purchase_orders"])
    assert suppliers == sorted({s for s, *_rest in after["purchase_order_lines"]})
    assert after["events"] == [*before["events"], f"group_buy.{status}"]


def outcome(group_buy_id: int) -> dict:
    """What a close decided, in terms two group buys of the same shape share."""
    now = state(group_buy_id)
    return {
        "status": now["group_buy"][0],
        "reason": now["group_buy"][2],
        "orders": [(status, seq, code) for _pk, status, seq, code, *_rest in now["orders"]],
        "purchased": sorted(
            (product, quantity) for _s, _i, product, quantity in now["purchase_order_lines"]
        ),
        "suppliers": len(now["purchase_orders"]),
        "events": now["events"],
    }


def check(victims: dict[int, dict]) -> dict[int, str]:
    """Each group buy is untouched or done; returns which."""
    found = {}
    for group_buy_id, before in victims.items():
        if state(group_buy_id) == before:
            found[group_buy_id] = "untouched"
        else:
            assert_done(group_buy_id, before)
            found[group_buy_id] = "done"
    return found


def wait_for_the_killed_connection_to_end(timeout: float = 60) -> None:
    """On PostgreSQL a killed client's backend may still be finishing a statement (and
    holding its locks); wait until it has gone. SQLite releases the file lock at once."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            # Only the processes this test started (they carry its application name): other
            # tests' servers may still hold idle connections to the same database.
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = %s",
                [APPLICATION],
            )
            if not cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the killed process's backend never went away"
            time.sleep(0.05)


class Harness:
    """One process that forks a close per request (see ``HARNESS``)."""

    def __init__(self, env) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HARNESS],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert "ready" in self._said()

    def _said(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise AssertionError(f"the harness died: {self.process.communicate()[1][-3000:]}")
        return json.loads(line)

    def __call__(self, group_buy_id: int, pause: str) -> dict:
        """Close in a fresh child; return what it said when it paused (it is then killed)
        or when it finished."""
        self.process.stdin.write(f"{group_buy_id} {pause}\n")
        self.process.stdin.flush()
        said = self._said()
        kill(said["pid"])
        wait_for_the_killed_connection_to_end()
        return said

    def cutoff(self) -> int:
        """Start ``linli cutoff``'s work in a fresh child; return its pid (to kill or wait for)."""
        self.process.stdin.write("0 cutoff\n")
        self.process.stdin.flush()
        return self._said()["pid"]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


def linli_cutoff(env) -> str:
    done = subprocess.run(
        [str(LINLI), "cutoff"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def kill(pid: int) -> None:
    # SIGKILL: no atexit, no rollback, no goodbye to the database. Gone already: it had
    # finished, and the system reaped it.
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def wait_for_exit(pid: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while alive(pid):
        assert time.monotonic() < deadline, "the cutoff never finished"
        time.sleep(0.01)


def done_count(group_buy_ids) -> int:
    return (
        GroupBuy.objects.filter(pk__in=group_buy_ids).exclude(status=GroupBuy.Status.OPEN).count()
    )


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_close_killed_at_any_moment_is_untouched_or_done(live_hood, tmp_path):
    env = {**environment(tmp_path), "PGAPPNAME": APPLICATION}
    harness = Harness(env)
    started = time.monotonic()
    wait_for_exit(harness.cutoff())  # nothing is due yet: how long it takes to start and stop
    startup = time.monotonic() - started

    # References of both shapes, closed cleanly by the harness, which also counts the
    # statements of each kind of close and times it.
    references = {
        "forms": build(live_hood, min_to_form=1),
        "fails": build(live_hood, min_to_form=10**6),
    }
    clean, statements, seconds = {}, {}, []
    for name, reference in references.items():
        said = harness(reference.pk, "none")
        assert said["done"] == ("formed" if name == "forms" else "failed"), said
        clean[name] = outcome(reference.pk)
        statements[name] = len(said["statements"])
        seconds.append(said["seconds"])
    assert clean["forms"]["purchased"] and clean["forms"]["suppliers"] == 2
    close_takes = max(seconds)

    shapes: dict[int, str] = {}
    victims: dict[int, dict] = {}
    for index in range(2 + CUTOFF_VICTIMS):
        name = "fails" if index % 4 == 1 else "forms"
        group_buy = build(live_hood, min_to_form=1 if name == "forms" else 10**6)
        shapes[group_buy.pk] = name
        victims[group_buy.pk] = state(group_buy.pk)
    first_forms, first_fails, *rest = victims

    # 1. Killed before each statement of the close, and before its COMMIT: untouched.
    for group_buy_id in (first_forms, first_fails):
        count = statements[shapes[group_buy_id]]
        for pause in [*(f"statement:{k}" for k in range(1, count + 1)), "commit"]:
            said = harness(group_buy_id, pause)
            assert "paused" in said, said
            assert check(victims)[group_buy_id] == "untouched", said
    # … and right after the COMMIT: done.
    said = harness(first_forms, "committed")
    assert said["paused"] == "after COMMIT", said
    assert check(victims)[first_forms] == "done"

    # 2. `linli cutoff` killed at random moments while it closes the rest one by one: once
    # it has closed k of them (watched from here), within about one close's time.
    dice = random.Random()
    seed = dice.randrange(2**32)
    dice.seed(seed)
    rounds = []
    for _round in range(KILL_ROUNDS):
        left = [pk for pk in rest if check({pk: victims[pk]})[pk] == "untouched"]
        if not left:
            break
        before = len(rest) - len(left)
        # The first round always waits for a close or more, so that some kill lands while the
        # job is under way: killed "during start-up", a fast start could close them all.
        wait_for = dice.randint(1 if _round == 0 else 0, max(1, len(left) // 2))
        pid = harness.cutoff()
        if wait_for == 0:
            time.sleep(dice.uniform(0.5, 1.0) * startup)
        else:
            deadline = time.monotonic() + 60
            while done_count(rest) < before + wait_for and alive(pid):
                assert time.monotonic() < deadline
                time.sleep(0.001)
            # The first round kills as soon as its closes are seen (on a loaded machine a
            # pause after them could let the job finish the rest); later ones, a while after.
            time.sleep(dice.uniform(0, 1.5) * close_takes if _round else 0)
        kill(pid)
        wait_for_the_killed_connection_to_end()
        found = check(victims)  # the heart of it: each one untouched or done
        rounds.append(Counter(found[pk] for pk in rest))

    # The kills did land while the job was under way, not only before or after it.
    under_way = [r for r in rounds if r["done"] and r["untouched"]]
    assert under_way, f"no kill landed while the job was closing (seed {seed}): {rounds}"

    harness.stop()
    # Then the real `linli cutoff` runs to the end, and once more: every group buy as a
    # clean close.
    linli_cutoff(env)
    after_once = {group_buy_id: state(group_buy_id) for group_buy_id in victims}
    linli_cutoff(env)
    for group_buy_id, before in victims.items():
        assert_done(group_buy_id, before)
        assert state(group_buy_id) == after_once[group_buy_id], "closing twice changed it"
        assert outcome(group_buy_id) == clean[shapes[group_buy_id]], (
            f"group buy {group_buy_id} differs from a clean close (seed {seed}, {rounds})"
        )
