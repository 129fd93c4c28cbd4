"""Every movement of money, each one service and one journal entry.

What happens in a group buy reaches the ledger as the group buys' published events: the
ledger's same-transaction subscribers (:mod:`linli.ledger.events`) call :func:`charge_order`,
:func:`reverse_failed`, :func:`refund_shortfalls` and :func:`settle_group_buy` inside the
transaction of the change (and :func:`credit_after_sales` when after-sales approves a report), so an order and its charge commit or roll back together. Leaders call :func:`record_payment` and :func:`record_refund`; operators
:func:`pay_out` and :func:`reverse_entry`.

Charges and refunds are written as the difference between what should stand and what the
ledger already holds (for an order, a household in a group buy), so calling one twice, or
after a retry, posts nothing the second time. Payments, settlements and corrections carry a
unique ``key`` instead: asked for twice, even at the same moment, they post once.
"""

from ..limits import MAX_AMOUNT_FEN, MAX_MEMO, MAX_REFERENCE
from .after_sales import credit_after_sales
from .corrections import BY_HAND, pay_out, reverse_entry
from .group_buys import charge_order, refund_shortfalls, reverse_failed, settle_group_buy
from .payments import household_balance_in, record_payment, record_refund
from .posting import OPERATOR, Acct, Kind, accounts, balance, balance_query, post

__all__ = [
    "BY_HAND",
    "MAX_AMOUNT_FEN",
    "MAX_MEMO",
    "MAX_REFERENCE",
    "OPERATOR",
    "Acct",
    "Kind",
    "accounts",
    "balance",
    "balance_query",
    "charge_order",
    "credit_after_sales",
    "household_balance_in",
    "pay_out",
    "post",
    "record_payment",
    "record_refund",
    "refund_shortfalls",
    "reverse_entry",
    "reverse_failed",
    "settle_group_buy",
]
