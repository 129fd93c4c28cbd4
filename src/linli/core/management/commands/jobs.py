from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from linli.core.events import retry_parked, to_fan_out
from linli.core.management.base import LinliCommand
from linli.core.models import Delivery


class Command(LinliCommand):
    help = (
        "What the background worker has to do: tasks queued, running, failed and done, and "
        "event deliveries pending (those of events not fanned out yet included) or parked. "
        "--retry puts parked deliveries back in the queue."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--retry", action="store_true", help="Retry every parked delivery.")
        parser.add_argument("--failed", action="store_true", help="List the failed and parked.")

    def handle(self, *args, **options):
        if options["retry"]:
            self.stdout.write(f"{retry_parked()} parked deliveries queued again")
        tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
        deliveries = dict(Delivery.objects.values_list("status").annotate(n=Count("id")).order_by())
        # Events the worker has not fanned out yet: their deliveries are pending too.
        deliveries["pending"] = deliveries.get("pending", 0) + to_fan_out()
        self.stdout.write(
            "tasks:      " + _counts(tasks, ["READY", "RUNNING", "FAILED", "SUCCESSFUL"])
        )
        self.stdout.write("deliveries: " + _counts(deliveries, ["pending", "parked", "done"]))
        if options["failed"]:
            for result in DBTaskResult.objects.filter(status="FAILED").order_by("-id")[:20]:
                self.stdout.write(
                    f"task {result.id} {result.task_path} {result.exception_class_path}"
                )
            parked = Delivery.objects.filter(status=Delivery.Status.PARKED).select_related("event")
            for delivery in parked.order_by("-id")[:20]:
                last = delivery.last_error.strip().splitlines()[-1:] or [""]
                self.stdout.write(
                    f"delivery {delivery.pk} {delivery.event.name}#{delivery.event_id}"
                    f" → {delivery.subscriber} after {delivery.attempts} tries: {last[0]}"
                )


def _counts(counts: dict, order: list[str]) -> str:
    return ", ".join(f"{counts.get(status, 0)} {status.lower()}" for status in order)
