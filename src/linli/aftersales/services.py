"""Every after-sales write, one transaction each: a member reports a problem, a leader or an
operator decides it, the clock hands overdue reports to an operator. Each is audited and
published (``events.py``); the ledger posts the money in the same transaction when it hears
``after_sales.decided``."""

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit
from linli.core.errors import Invalid
from linli.groupbuys.models import Order, OrderLine, PurchaseOrderLine

from . import errors, events, photos, rules
from .limits import MAX_NOTE
from .models import Photo, Report

KINDS = frozenset(Report.Kind.values)


def _check_kind_and_note(kind: str, note: str) -> None:
    if kind not in KINDS:
        raise Invalid(
            details=[{"field": "kind", "message": _("Choose spoiled, missing, wrong or other.")}]
        )
    if len(note) > MAX_NOTE:
        raise Invalid(details=[{"field": "note", "message": _("Write at most 500 characters.")}])


def report_problem(
    *,
    actor: User,
    order_line_id: int,
    quantity: int,
    kind: str,
    note: str = "",
    uploads: Sequence[photos.Upload] = (),
    now: datetime | None = None,
) -> Report:
    """Report a problem with ``quantity`` units of one line of the caller's household's order,
    collected at most the report window ago, with up to three photos (checked and re-encoded
    before anything is written). One report per line: a second, or a retry, is refused."""
    note = note.strip()
    _check_kind_and_note(kind, note)
    photos.check_count(len(uploads))
    cleaned = [photos.clean(upload) for upload in uploads]
    now = now or timezone.now()
    who = roles(actor)
    stored: list[str] = []
    try:
        with transaction.atomic():
            line = (
                OrderLine.objects.select_for_update(of=("self",))
                .select_related("order__group_buy", "item__product")
                .filter(pk=order_line_id)
                .first()
            )
            if line is None:
                raise errors.LineNotFound()
            order, group_buy = line.order, line.order.group_buy
            if not (
                who.operator
                or who.leads(group_buy.community_id)
                or (who.household_id is not None and who.household_id == order.household_id)
                or order.placed_by_id == actor.pk
            ):
                raise errors.LineNotFound()
            if order.household_id != who.household_id:
                raise errors.NotYourOrder()
            product = line.item.product
            earlier = Report.objects.filter(order_line=line).values_list("pk", flat=True).first()
            if earlier is not None:
                raise errors.AlreadyReported(product=product.name, id=earlier)
            refusal = rules.refusal_to_report(
                picked_up=line.picked_up if order.status == Order.Status.CONFIRMED else 0,
                quantity=quantity,
                collected_at=order.collected_at,
                completed_at=group_buy.completed_at,
                now=now,
                product=product.name,
                unit=product.unit,
            )
            if refusal is not None:
                raise refusal
            purchased = PurchaseOrderLine.objects.filter(item_id=line.item_id).first()
            report = Report(
                order_line=line,
                order=order,
                item_id=line.item_id,
                household_id=order.household_id,
                group_buy=group_buy,
                community_id=group_buy.community_id,
                supplier_id=product.supplier_id,
                product=product,
                kind=kind,
                quantity=quantity,
                note=note,
                unit_price_fen=line.unit_price_fen,
                unit_cost_fen=purchased.unit_cost_fen if purchased else product.cost_fen,
                reported_by=actor,
                reported_at=now,
                decide_by=rules.decide_by(now),
            )
            try:
                with transaction.atomic():
                    report.save(force_insert=True)
            except IntegrityError:  # the same line reported at the same moment
                raise errors.AlreadyReported(product=product.name, id="") from None
            for position, photo in enumerate(cleaned, start=1):
                name = photos.store(report.pk, photo)
                stored.append(name)
                Photo.objects.create(
                    report=report,
                    position=position,
                    name=name,
                    content_type=photo.content_type,
                    size=len(photo.data),
                    width=photo.width,
                    height=photo.height,
                )
            audit.record(
                actor=actor,
                action="after_sales.reported",
                target=report,
                data={
                    "order_line": line.pk,
                    "kind": kind,
                    "quantity": quantity,
                    "photos": len(cleaned),
                },
            )
            events.reported(report)
    except BaseException:
        photos.delete(stored)
        raise
    return report


def decide_report(
    *,
    actor: User,
    report_id: int,
    choice: str,
    quantity: int | None = None,
    credit_fen: int | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Report:
    """Approve (all that was asked), approve in part (a smaller quantity or amount) or reject
    (with a reason) a report: its community's leader within the leader's window, an operator
    at any time. Locks the report, so of two deciding at once one decides and the other is
    told it is decided; the ledger credits in this same transaction."""
    now = now or timezone.now()
    who = roles(actor)
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("product", "community")
            .filter(pk=report_id)
            .first()
        )
        if report is None or not (
            who.manages(report.community_id) or who.household_id == report.household_id
        ):
            raise errors.ReportNotFound()
        refusal = rules.refusal_to_decide(
            report,
            leads=who.leads(report.community_id),
            operator=who.operator,
            now=now,
            community=report.community.name,
        )
        if refusal is not None:
            raise refusal
        decision = rules.decision(
            report, choice=choice, quantity=quantity, credit_fen=credit_fen, reason=reason
        )
        report.status = decision.status
        report.approved_quantity = decision.quantity
        report.credit_fen = decision.credit_fen
        report.cost_fen = decision.cost_fen
        report.reason = decision.reason[: Report._meta.get_field("reason").max_length]
        report.decided_at = now
        report.decided_by = actor
        report.save(
            update_fields=[
                "status",
                "approved_quantity",
                "credit_fen",
                "cost_fen",
                "reason",
                "decided_at",
                "decided_by",
            ]
        )
        audit.record(
            actor=actor,
            action=f"after_sales.{events.DECISIONS[Report.Status(report.status)]}",
            target=report,
            data={
                "quantity": report.approved_quantity,
                "credit_fen": report.credit_fen,
                "cost_fen": report.cost_fen,
                "by": "operator"
                if who.operator and not who.leads(report.community_id)
                else "leader",
            },
        )
        events.decided(report)
    return report


def escalate_overdue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand every report the leader has not decided in time to an operator (status
    escalated; audited; ``after_sales.escalated``). Returns how many. Two workers at once
    take different reports (PostgreSQL skips the rows another holds)."""
    now = now or timezone.now()
    due = Report.objects.filter(status=Report.Status.PENDING, decide_by__lt=now).order_by("id")
    if not due.exists():
        return 0
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        reports = list(due[:limit])
        Report.objects.filter(pk__in=[report.pk for report in reports]).update(
            status=Report.Status.ESCALATED, escalated_at=now
        )
        for report in reports:
            report.status, report.escalated_at = Report.Status.ESCALATED, now
            audit.record(
                actor=None,
                action="after_sales.escalated",
                target=report,
                data={"decide_by": report.decide_by.isoformat()},
            )
            events.escalated(report)
    return len(reports)
