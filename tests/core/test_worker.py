"""The worker as it runs in production: separate `linli worker` processes on the test
database, killed with SIGKILL and started again, two at once, and the clock with no command."""

import os
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from linli.core import events
from linli.core.models import AuditEvent, Delivery
from linli.groupbuys import services
from linli.groupbuys.models import GroupBuy
from tests.counting import events as counting

from ..servers import LINLI, environment

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 1000


def start_worker(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {
        **environment(tmp_path),
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        # This checkout's code, not whichever the virtualenv's `linli` was installed from.
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    return subprocess.Popen(
        [str(LINLI), "worker", "--interval", "0.05", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.stdout.read()


def wait_for(condition, *, seconds: float, what: str, workers=()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for worker in workers:
            if worker.poll() is not None:
                raise AssertionError(f"the worker exited:\n{worker.stdout.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s")
        time.sleep(0.05)


@pytest.fixture
def counted():
    """1,000 committed ``test.count`` events, each to be counted by ``tests.counting``."""
    events.subscriber("test.count", name=counting.NAME)(counting.count)
    with transaction.atomic():
        for n in range(EVENTS):
            events.publish("test.count", {"n": n, "sleep": 0.002})
    yield
    events.unsubscribe(counting.NAME)


def counts() -> Counter:
    return Counter(
        AuditEvent.objects.filter(action="test.counted").values_list("target_id", flat=True)
    )


def done() -> int:
    return Delivery.objects.filter(status=Delivery.Status.DONE).count()


def test_a_worker_killed_mid_way_loses_nothing_and_repeats_nothing(tmp_path, counted):
    worker = start_worker(tmp_path)
    try:
        wait_for(lambda: done() >= 150, seconds=60, what="150 delivered", workers=[worker])
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    assert done() < EVENTS, "the kill came too late to test anything"
    again = start_worker(tmp_path)
    try:
        wait_for(lambda: done() == EVENTS, seconds=120, what="all delivered", workers=[again])
    finally:
        stop(again)
    tally = counts()
    assert len(tally) == EVENTS
    assert set(tally.values()) == {1}


def test_two_workers_share_the_queue_none_twice_none_lost(tmp_path, counted):
    workers = [start_worker(tmp_path), start_worker(tmp_path)]
    try:
        wait_for(lambda: done() == EVENTS, seconds=120, what="all delivered", workers=workers)
    finally:
        logs = [stop(worker) for worker in workers]
    tally = counts()
    assert len(tally) == EVENTS, logs
    assert set(tally.values()) == {1}


def test_the_running_worker_closes_a_group_buy_at_its_cutoff(tmp_path, live_hood):
    now = timezone.now()
    group_buy = live_hood.open(min_to_form=2, cutoff_in=timedelta(seconds=3), now=now)
    cabbage = group_buy.items.order_by("position").first()
    services.place_order(
        actor=live_hood.members[1], group_buy_id=group_buy.pk, lines={cabbage.pk: 2}
    )
    worker = start_worker(tmp_path, "--every", "1")
    try:
        wait_for(
            lambda: GroupBuy.objects.get(pk=group_buy.pk).status != "open",
            seconds=30,
            what="the group buy closed by the worker",
            workers=[worker],
        )
    finally:
        stop(worker)
    group_buy.refresh_from_db()
    assert (group_buy.status, group_buy.close_reason) == ("formed", "cutoff")
    assert group_buy.closed_at >= group_buy.cutoff_at
