"""Reads shared by the API, the pages and the command line: each takes the caller's roles
and returns only what that caller may see. A supplier's reads are their own dataclasses that
hold no household, room, phone or order (docs/decisions/0025)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from linli.accounts.roles import Roles
from linli.catalog.models import Supplier
from linli.groupbuys.models import Order, PurchaseOrderLine

from . import rules
from .errors import NotYourOrder, ReportNotFound
from .limits import RATE_DAYS
from .models import Photo, Report

APPROVED = (Report.Status.APPROVED, Report.Status.PARTLY_APPROVED)


def _with_details(reports: QuerySet[Report]) -> QuerySet[Report]:
    return reports.select_related(
        "product", "household__building", "group_buy", "community", "decided_by"
    ).prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("position")))


def visible_reports(who: Roles) -> QuerySet[Report]:
    """Operators see every report; leaders their communities'; members their household's."""
    if who.operator:
        return _with_details(Report.objects.all())
    scope = Q(community_id__in=who.led_community_ids)
    if who.household_id is not None:
        scope |= Q(household_id=who.household_id)
    return _with_details(Report.objects.filter(scope))


def listed_reports(who: Roles, *, status: str = "") -> QuerySet[Report]:
    """The reports ``who`` may see, newest first; only those in ``status`` if one is given."""
    reports = visible_reports(who)
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("-reported_at", "-id")


def report_for(who: Roles, report_id: int) -> Report:
    report = visible_reports(who).filter(pk=report_id).first()
    if report is None:
        raise ReportNotFound()
    return report


def to_decide(who: Roles) -> QuerySet[Report]:
    """What waits for this caller: a leader's communities' reports waiting for the leader; for
    an operator, the escalated ones and every report still waiting."""
    if who.operator:
        return visible_reports(who).filter(status__in=rules.OPEN).order_by("decide_by", "id")
    return (
        visible_reports(who)
        .filter(community_id__in=who.led_community_ids, status=Report.Status.PENDING)
        .order_by("decide_by", "id")
    )


def decided_lately(who: Roles, limit: int = 30) -> list[Report]:
    reports = visible_reports(who).exclude(status__in=rules.OPEN)
    if not who.operator:
        reports = reports.filter(community_id__in=who.led_community_ids)
    return list(reports.order_by("-decided_at", "-id")[:limit])


@dataclass
class LineToReport:
    """One line of a household's order, as the after-sales page shows it."""

    line_id: int
    product: str
    unit: str
    collected: int
    report: Report | None
    may_report: bool


def lines_to_report(who: Roles, order: Order, now: datetime | None = None) -> list[LineToReport]:
    """The lines of the caller's household's ``order`` (read with its lines and group buy),
    each with its report or whether one may be made now."""
    if order.household_id != who.household_id:
        raise NotYourOrder()
    now = now or timezone.now()
    reports = {
        report.order_line_id: report
        for report in Report.objects.filter(order=order).prefetch_related("photos")
    }
    confirmed = order.status == Order.Status.CONFIRMED
    return [
        LineToReport(
            line_id=line.pk,
            product=line.item.product.name,
            unit=line.item.product.unit,
            collected=line.picked_up if confirmed else 0,
            report=reports.get(line.pk),
            may_report=line.pk not in reports
            and rules.may_report(
                picked_up=line.picked_up if confirmed else 0,
                collected_at=order.collected_at,
                completed_at=order.group_buy.completed_at,
                now=now,
                product="",
                unit="",
            ),
        )
        for line in order.lines.all()
    ]


def photo_for(who: Roles, report_id: int, position: int) -> Photo:
    """A report's photo for anyone who may see the report: its household, its community's
    leaders, the supplier of its goods, operators."""
    scope = Q(report__household_id=who.household_id) if who.household_id else Q(pk__in=[])
    if not who.operator:
        scope |= Q(report__community_id__in=who.led_community_ids)
        scope |= Q(report__supplier_id__in=who.supplier_ids)
        photos = Photo.objects.filter(scope)
    else:
        photos = Photo.objects.all()
    photo = photos.filter(report_id=report_id, position=position).first()
    if photo is None:
        raise ReportNotFound()
    return photo


# What a supplier sees -------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierReport:
    """A report as its supplier sees it: the goods, the problem, the decision; no household,
    room, phone or order."""

    id: int
    group_buy_id: int
    group_buy_title: str
    product_id: int
    product: str
    unit: str
    kind: str
    kind_label: str
    quantity: int
    note: str
    status: str
    status_label: str
    approved_quantity: int
    credit_fen: int
    cost_fen: int
    reason: str
    reported_at: datetime
    decided_at: datetime | None
    photos: list[int] = field(default_factory=list)


def _check_supplier(who: Roles, supplier_id: int) -> Supplier:
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None or not (who.operator or supplier_id in who.supplier_ids):
        raise ReportNotFound()
    return supplier


def supplier_reports(who: Roles, supplier_id: int, *, limit: int = 200) -> list[SupplierReport]:
    """The reports on a supplier's goods, newest first: for its staff and operators."""
    _check_supplier(who, supplier_id)
    kinds, statuses = dict(Report.Kind.choices), dict(Report.Status.choices)
    rows = (
        Report.objects.filter(supplier_id=supplier_id)
        .order_by("-reported_at", "-id")
        .values_list(
            "pk",
            "group_buy_id",
            "group_buy__title",
            "product_id",
            "product__name",
            "product__unit",
            "kind",
            "quantity",
            "note",
            "status",
            "approved_quantity",
            "credit_fen",
            "cost_fen",
            "reason",
            "reported_at",
            "decided_at",
        )[:limit]
    )
    reports = [
        SupplierReport(
            id=pk,
            group_buy_id=group_buy_id,
            group_buy_title=title,
            product_id=product_id,
            product=product,
            unit=unit,
            kind=kind,
            kind_label=str(kinds[kind]),
            quantity=quantity,
            note=note,
            status=status,
            status_label=str(statuses[status]),
            approved_quantity=approved,
            credit_fen=credit,
            cost_fen=cost,
            reason=reason,
            reported_at=reported_at,
            decided_at=decided_at,
        )
        for (
            pk,
            group_buy_id,
            title,
            product_id,
            product,
            unit,
            kind,
            quantity,
            note,
            status,
            approved,
            credit,
            cost,
            reason,
            reported_at,
            decided_at,
        ) in rows
    ]
    positions: dict[int, list[int]] = {}
    for report_id, position in (
        Photo.objects.filter(report_id__in=[report.id for report in reports])
        .values_list("report_id", "position")
        .order_by("report_id", "position")
    ):
        positions.setdefault(report_id, []).append(position)
    for report in reports:
        report.photos.extend(positions.get(report.id, []))
    return reports


# The complaint rate ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A supplier's complaint rate over the last :data:`RATE_DAYS` days (decision 0025): of the
    units it delivered on purchase orders whose delivery was recorded in that time, the share
    that approved after-sales reports (in full or in part) credited."""

    supplier_id: int
    supplier: str
    delivered_units: int
    approved_reports: int
    approved_units: int
    since: datetime

    @property
    def rate(self) -> float | None:
        if not self.delivered_units:
            return None
        return round(self.approved_units / self.delivered_units, 6)

    @property
    def percent(self) -> str:
        rate = self.rate
        return "–" if rate is None else f"{rate * 100:.2f}%"


def complaint_rates(
    *, supplier_ids: list[int] | None = None, now: datetime | None = None
) -> list[Rate]:
    """Every supplier's rate (or those in ``supplier_ids``), highest first: two GROUP BYs."""
    since = (now or timezone.now()) - timedelta(days=RATE_DAYS)
    deliveries = PurchaseOrderLine.objects.filter(
        purchase_order__delivery_recorded_at__gte=since, delivered__isnull=False
    )
    reports = Report.objects.filter(
        status__in=APPROVED, item__po_line__purchase_order__delivery_recorded_at__gte=since
    )
    suppliers = Supplier.objects.all()
    if supplier_ids is not None:
        deliveries = deliveries.filter(purchase_order__supplier_id__in=supplier_ids)
        reports = reports.filter(supplier_id__in=supplier_ids)
        suppliers = suppliers.filter(pk__in=supplier_ids)
    delivered = dict(
        deliveries.values_list("purchase_order__supplier_id")
        .annotate(units=Sum("delivered"))
        .order_by()
    )
    approved = {
        supplier_id: (count, units)
        for supplier_id, count, units in reports.values_list("supplier_id")
        .annotate(count=Count("id"), units=Sum("approved_quantity"))
        .order_by()
    }
    names = dict(
        suppliers.filter(Q(pk__in=delivered) | Q(pk__in=approved)).values_list("pk", "name")
    )
    if supplier_ids is not None:
        names |= dict(suppliers.values_list("pk", "name"))
    rates = [
        Rate(
            supplier_id=pk,
            supplier=name,
            delivered_units=delivered.get(pk, 0) or 0,
            approved_reports=approved.get(pk, (0, 0))[0],
            approved_units=approved.get(pk, (0, 0))[1] or 0,
            since=since,
        )
        for pk, name in names.items()
    ]
    return sorted(rates, key=lambda rate: (-(rate.rate or 0), rate.supplier, rate.supplier_id))


def supplier_rate(who: Roles, supplier_id: int, now: datetime | None = None) -> Rate:
    _check_supplier(who, supplier_id)
    return complaint_rates(supplier_ids=[supplier_id], now=now)[0]


def operator_rates(who: Roles, now: datetime | None = None) -> list[Rate]:
    if not who.operator:
        raise ReportNotFound()
    return complaint_rates(now=now)
