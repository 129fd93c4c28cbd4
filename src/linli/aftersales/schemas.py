from datetime import datetime
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import Field, StrictInt

from linli.core.schemas import Id, In, text

from .limits import MAX_NOTE, MAX_REASON
from .models import Report

Kind = Literal["spoiled", "missing", "wrong", "other"]


class ReportIn(In):
    """Sent as a multipart form, with up to three files under ``photos``."""

    order_line_id: Annotated[int, Field(ge=1, le=2**62)]
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    kind: Kind
    note: Annotated[str, Field(max_length=MAX_NOTE)] = ""


class DecisionIn(In):
    decision: Literal["approve", "partly_approve", "reject"]
    # A part: the quantity approved (default: all that was asked) and the credit in fen
    # (default: that quantity's price).
    quantity: Annotated[StrictInt, Field(ge=1, le=100_000)] | None = None
    credit_fen: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = None
    reason: text(MAX_REASON, default="")


def photo_urls(report_id: int, positions) -> list[str]:
    return [reverse("api:after_sales_photo", args=[report_id, p]) for p in positions]


class ReportOut(Schema):
    """A report as its household, its community's leaders and operators see it."""

    id: int
    status: str
    status_label: str
    kind: str
    kind_label: str
    quantity: int
    note: str
    product_id: int
    product: str
    unit: str
    unit_price_fen: int
    asked_fen: int
    order_id: int
    order_line_id: int
    group_buy_id: int
    group_buy_title: str
    community_id: int
    household_id: int
    household: str
    reported_at: datetime
    decide_by: datetime
    escalated_at: datetime | None
    decided_at: datetime | None
    approved_quantity: int
    credit_fen: int
    cost_fen: int
    reason: str
    photos: list[str]

    @staticmethod
    def resolve_status_label(report: Report) -> str:
        return str(report.get_status_display())

    @staticmethod
    def resolve_kind_label(report: Report) -> str:
        return str(report.get_kind_display())

    @staticmethod
    def resolve_product(report: Report) -> str:
        return report.product.name

    @staticmethod
    def resolve_unit(report: Report) -> str:
        return report.product.unit

    @staticmethod
    def resolve_group_buy_title(report: Report) -> str:
        return report.group_buy.title

    @staticmethod
    def resolve_household(report: Report) -> str:
        household = report.household
        return f"{household.building.name} {household.room}"

    @staticmethod
    def resolve_photos(report: Report) -> list[str]:
        return photo_urls(report.pk, [photo.position for photo in report.photos.all()])


class SupplierReportOut(Schema):
    """A report as the supplier of its goods sees it: no household, room, phone or order."""

    id: int
    status: str
    status_label: str
    kind: str
    kind_label: str
    quantity: int
    note: str
    product_id: int
    product: str
    unit: str
    group_buy_id: int
    group_buy_title: str
    reported_at: datetime
    decided_at: datetime | None
    approved_quantity: int
    credit_fen: int
    cost_fen: int
    reason: str
    photos: list[str]

    @staticmethod
    def resolve_photos(report) -> list[str]:
        return photo_urls(report.id, report.photos)


class RateOut(Schema):
    supplier_id: int
    supplier: str
    delivered_units: int
    approved_reports: int
    approved_units: int
    rate: float | None = Field(description="approved units ÷ delivered units, 0 to 1")
    since: datetime


__all__ = ["DecisionIn", "Id", "RateOut", "ReportIn", "ReportOut", "SupplierReportOut"]
