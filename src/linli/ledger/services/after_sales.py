"""An approved after-sales report, on the ledger (docs/decisions/0025): run by the ledger's
subscriber to ``after_sales.decided`` inside the transaction of the decision.

One entry per report, under the key ``after_sales:<report>``: the household is credited what
was approved, the supplier's payable is reduced by its share (the cost of the approved
quantity), and the operator bears the rest (the margin the sale had left). The sales account
of the group buy is not touched, so the entry is the same before and after the group buy is
settled, and a settlement that comes later neither counts it nor undoes it.
"""

from datetime import datetime

from linli.accounts.models import User
from linli.core import audit

from ..models import Entry
from .posting import OPERATOR, Acct, Kind, post


def credit_after_sales(
    *,
    report_id: int,
    household_id: int,
    supplier_id: int,
    group_buy_id: int,
    order_id: int,
    credit_fen: int,
    cost_fen: int,
    actor_id: int | None,
    at: datetime,
) -> Entry | None:
    """Credit ``credit_fen`` to the household and take ``cost_fen`` off the supplier's
    payable, once per report (a second delivery of the decision posts nothing)."""
    if credit_fen <= 0:
        return None
    if not 0 <= cost_fen <= credit_fen:
        raise ValueError(f"after-sales cost {cost_fen} outside 0..{credit_fen}")
    entry = post(
        Entry.Kind.AFTER_SALES,
        [
            (Acct(Kind.HOUSEHOLD, household_id), -credit_fen),
            (Acct(Kind.SUPPLIER, supplier_id), cost_fen),
            (OPERATOR, credit_fen - cost_fen),
        ],
        key=f"after_sales:{report_id}",
        actor_id=actor_id,
        group_buy_id=group_buy_id,
        order_id=order_id,
        memo=f"#{report_id}",
        at=at,
    )
    if entry is not None and getattr(entry, "_fresh", False):
        audit.record(
            actor=User.objects.filter(pk=actor_id).first() if actor_id else None,
            action="ledger.after_sales_credited",
            target=entry,
            data={
                "report": report_id,
                "household": household_id,
                "supplier": supplier_id,
                "credit_fen": credit_fen,
                "cost_fen": cost_fen,
            },
        )
    return entry
