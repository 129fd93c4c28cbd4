import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import DatabaseError, InterfaceError, close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from linli.core import events
from linli.core.clock import Clock

log = logging.getLogger("linli.worker")


class Command(BaseCommand):
    help = (
        "Run the background worker: the clock's periodic jobs (closing and completing group "
        "buys every minute), queued tasks, and delivery of published events. Run any number, "
        "on any number of machines, beside `linli serve`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="Seconds to wait when there is nothing to do (default 0.5).",
        )
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            help="Run each periodic job at least this often, in seconds (tests and demos).",
        )

    def handle(self, *args, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        worker_id = f"{socket.gethostname()}:{os.getpid()}"
        fastest = timedelta(seconds=options["every"]) if options["every"] else None
        interval = options["interval"]
        clock = Clock(fastest=fastest)
        threading.Thread(
            target=_clock_and_events, args=(clock, interval), name="clock", daemon=True
        ).start()
        self.stdout.write(f"Linli worker {worker_id}: clock, tasks and events (Ctrl-C stops)")
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()


def _clock_and_events(clock: Clock, interval: float) -> None:
    """The worker's second thread: check the clock, deliver events, rest when idle."""
    while True:
        close_old_connections()
        busy = False
        try:
            clock.tick()
            busy = events.deliver() > 0
        except (DatabaseError, InterfaceError):
            # The database is busy or gone for a moment (SQLite's lock, a restart, a dropped
            # connection): the thread must not die, or the clock would stop with the worker up.
            log.warning("database unavailable; retrying", exc_info=True)
        if not busy:
            time.sleep(interval)
