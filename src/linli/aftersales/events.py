"""What after-sales publishes (:func:`linli.core.events.publish`), for the apps above it: the
ledger credits the household and takes the cost off the supplier's payable on
``after_sales.decided``; the notices tell people. Payloads are stable: fields may be added,
never renamed or taken away."""

from linli.core.events import publish

from .models import Report

#: Every event after-sales publishes: name → what it means.
EVENTS = {
    "after_sales.reported": "a household reported a problem with goods it collected",
    "after_sales.decided": "a leader or an operator approved (in full or in part) or rejected it",
    "after_sales.escalated": "the leader did not decide in time; an operator takes it",
}


def reported(report: Report) -> None:
    publish(
        "after_sales.reported",
        {
            "report_id": report.pk,
            "order_id": report.order_id,
            "household_id": report.household_id,
            "group_buy_id": report.group_buy_id,
            "community_id": report.community_id,
            "supplier_id": report.supplier_id,
            "product_id": report.product_id,
            "quantity": report.quantity,
        },
        at=report.reported_at,
    )


#: The decision as the event names it, by the report's status.
DECISIONS = {
    Report.Status.APPROVED: "approved",
    Report.Status.PARTLY_APPROVED: "partly_approved",
    Report.Status.REJECTED: "rejected",
}


def decided(report: Report) -> None:
    publish(
        "after_sales.decided",
        {
            "report_id": report.pk,
            "order_id": report.order_id,
            "order_line_id": report.order_line_id,
            "household_id": report.household_id,
            "group_buy_id": report.group_buy_id,
            "community_id": report.community_id,
            "supplier_id": report.supplier_id,
            "product_id": report.product_id,
            "decision": DECISIONS[Report.Status(report.status)],
            "quantity": report.approved_quantity,
            "credit_fen": report.credit_fen,
            "cost_fen": report.cost_fen,
            "reason": report.reason,
            "actor_id": report.decided_by_id,
        },
        at=report.decided_at,
    )


def escalated(report: Report) -> None:
    publish(
        "after_sales.escalated",
        {
            "report_id": report.pk,
            "group_buy_id": report.group_buy_id,
            "community_id": report.community_id,
        },
        at=report.escalated_at,
    )
