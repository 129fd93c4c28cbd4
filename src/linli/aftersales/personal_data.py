"""What after-sales holds about a household: its reports and their photos
(``linli.core.personal_data``). When it leaves, the reports stay (the credits on the ledger
and the suppliers' bills rest on them) without their words or photos."""

from django.db import transaction

from linli.core.personal_data import STORED_FILE, Rows, plain_rows

from . import photos
from .models import Photo, Report

COVERS = ("aftersales.report", "aftersales.photo")


def export(household_id: int) -> dict[str, Rows]:
    reports = Report.objects.filter(household_id=household_id).order_by("reported_at", "pk")
    return {
        "after_sales_reports": plain_rows(
            reports,
            "id",
            "order_id",
            "product__name",
            "kind",
            "quantity",
            "note",
            "status",
            "reported_by_id",
            "reported_at",
            "decided_at",
            "approved_quantity",
            "credit_fen",
            "reason",
        ),
        "after_sales_photos": [
            {**row, STORED_FILE: row.pop("name")}
            for row in plain_rows(
                Photo.objects.filter(report__household_id=household_id).order_by(
                    "report_id", "position"
                ),
                "report_id",
                "position",
                "content_type",
                "width",
                "height",
                "name",
            )
        ],
    }


def erase(household_id: int) -> None:
    Report.objects.filter(household_id=household_id).update(note="", reason="")
    stored = Photo.objects.filter(report__household_id=household_id)
    names = list(stored.values_list("name", flat=True))
    stored.delete()
    if names:
        # The files go once the erasure is committed: a rollback keeps rows and files.
        transaction.on_commit(lambda: photos.delete(names))
