"""After-sales decisions, pure: when a problem may be reported, how much of it, what a
decision credits the household and takes off the supplier's payable (docs/decisions/0025).
A rule that refuses returns the error; the services raise it, the pages ask the boolean."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from linli.core.errors import LinliError, Message
from linli.core.formatting import LocalTime, yuan

from . import errors
from .limits import decide_window, report_window
from .models import Report

OPEN = (Report.Status.PENDING, Report.Status.ESCALATED)


def window_starts(
    *, collected_at: datetime | None, completed_at: datetime | None
) -> datetime | None:
    """When the time to report starts: when the order was collected in full, or, for an order
    collected only in part, when its group buy completed (nothing more is handed out then).
    ``None``: not yet (reports may be made meanwhile, for what was collected)."""
    return collected_at or completed_at


def report_deadline(
    *, collected_at: datetime | None, completed_at: datetime | None
) -> datetime | None:
    start = window_starts(collected_at=collected_at, completed_at=completed_at)
    return None if start is None else start + report_window()


def refusal_to_report(
    *,
    picked_up: int,
    quantity: int | None,
    collected_at: datetime | None,
    completed_at: datetime | None,
    now: datetime,
    product: str,
    unit: str,
) -> LinliError | None:
    """Why a problem with a line may not be reported now (``quantity`` given: that many), or
    ``None``."""
    if picked_up <= 0:
        return errors.NotCollected(product=product)
    deadline = report_deadline(collected_at=collected_at, completed_at=completed_at)
    if deadline is not None and now > deadline:
        return errors.ReportWindowClosed(
            product=product,
            until=LocalTime(deadline),
            hours=int(report_window().total_seconds() // 3600),
        )
    if quantity is not None and not 1 <= quantity <= picked_up:
        return errors.TooMany(collected=picked_up, unit=unit, product=product)
    return None


def may_report(**facts) -> bool:
    return refusal_to_report(quantity=None, **facts) is None


def decide_by(reported_at: datetime) -> datetime:
    return reported_at + decide_window()


def overdue(report: Report, now: datetime) -> bool:
    """Past the leader's window and still undecided by anyone."""
    return report.status == Report.Status.PENDING and now > report.decide_by


def refusal_to_decide(
    report: Report, *, leads: bool, operator: bool, now: datetime, community: str
) -> LinliError | None:
    """Why this caller may not decide ``report`` now, or ``None``. The leader decides while
    the report waits for the leader (within the window); an operator decides at any time."""
    if report.status not in OPEN:
        return errors.AlreadyDecided(
            status=report.get_status_display(), at=LocalTime(report.decided_at or now)
        )
    if operator:
        return None
    if not leads:
        return errors.NotYoursToDecide(community=community)
    if report.status == Report.Status.ESCALATED or now > report.decide_by:
        return errors.HandedToOperator(at=LocalTime(report.decide_by))
    return None


def may_decide(report: Report, *, leads: bool, operator: bool, now: datetime) -> bool:
    return refusal_to_decide(report, leads=leads, operator=operator, now=now, community="") is None


def cost_share_fen(
    *, quantity: int, unit_cost_fen: int, unit_price_fen: int, credit_fen: int
) -> int:
    """What the supplier gives back for a credit: the cost of the approved ``quantity``, in
    the proportion the credit bears to their price (all of it for a full credit), rounded
    half up to the fen."""
    full_price = quantity * unit_price_fen
    if full_price == 0 or credit_fen == 0:
        return 0
    return (quantity * unit_cost_fen * credit_fen * 2 + full_price) // (2 * full_price)


@dataclass(frozen=True)
class Decision:
    status: str
    quantity: int
    credit_fen: int
    cost_fen: int
    reason: str


APPROVE, PARTLY, REJECT = "approve", "partly_approve", "reject"
CHOICES = (APPROVE, PARTLY, REJECT)


def _invalid(field: str, template, **params) -> errors.DecisionInvalid:
    detail = {"field": field, "message": Message(template, **params)}
    return errors.DecisionInvalid(template, details=[detail], **params)


def decision(
    report: Report,
    *,
    choice: str,
    quantity: int | None = None,
    credit_fen: int | None = None,
    reason: str = "",
) -> Decision:
    """What deciding ``choice`` on ``report`` means: approve (all that was asked), approve in
    part (``quantity`` ≤ asked, ``credit_fen`` ≤ its price; less than asked in one of them) or
    reject (no money moves); a part or a rejection says why. Raises DecisionInvalid."""
    reason = reason.strip()
    if choice == APPROVE:
        credit = report.quantity * report.unit_price_fen
        return Decision(
            Report.Status.APPROVED,
            report.quantity,
            credit,
            cost_share_fen(
                quantity=report.quantity,
                unit_cost_fen=report.unit_cost_fen,
                unit_price_fen=report.unit_price_fen,
                credit_fen=credit,
            ),
            reason,
        )
    if choice not in (PARTLY, REJECT):
        raise _invalid("decision", _("Choose approve, approve in part or reject."))
    if not reason:
        raise _invalid("reason", _("Say why, in a few words: the household reads it."))
    if choice == REJECT:
        return Decision(Report.Status.REJECTED, 0, 0, 0, reason)
    quantity = report.quantity if quantity is None else quantity
    if not 1 <= quantity <= report.quantity:
        raise _invalid(
            "quantity",
            _("Approve from 1 to %(asked)s %(unit)s, the quantity reported."),
            asked=report.quantity,
            unit=report.product.unit,
        )
    most = quantity * report.unit_price_fen
    credit = most if credit_fen is None else credit_fen
    if not 1 <= credit <= most:
        raise _invalid(
            "amount",
            _("Credit from ¥0.01 to %(most)s, the price of %(quantity)s %(unit)s."),
            most=yuan(most),
            quantity=quantity,
            unit=report.product.unit,
        )
    if quantity == report.quantity and credit == most:
        raise _invalid(
            "quantity",
            _("A part is less than was asked: a smaller quantity or amount (or approve it all)."),
        )
    cost = cost_share_fen(
        quantity=quantity,
        unit_cost_fen=report.unit_cost_fen,
        unit_price_fen=report.unit_price_fen,
        credit_fen=credit,
    )
    return Decision(Report.Status.PARTLY_APPROVED, quantity, credit, cost, reason)
