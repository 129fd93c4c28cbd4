from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt

from linli.core.schemas import Id, In, text

from .limits import MAX_AMOUNT_FEN, MAX_MEMO, MAX_REFERENCE

Amount = Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT_FEN)]


class MoneyIn(In):
    household_id: Id
    amount_fen: Amount
    method: text(20, min_length=1)
    reference: text(MAX_REFERENCE, default="")


class PayoutIn(In):
    kind: text(12, min_length=1)
    owner_id: Id
    amount_fen: Amount
    method: text(20, min_length=1)
    reference: text(MAX_REFERENCE, default="")


class ReverseIn(In):
    memo: text(MAX_MEMO, default="")


class EntryOut(Schema):
    id: int
    kind: str
    group_buy_id: int | None
    method: str
    reference: str
    reverses_id: int | None
    at: datetime


class LineOut(Schema):
    charged: int
    paid: int
    credited: int
    refunded: int
    balance: int
    owes: int
    refund_due: int


class HouseholdLineOut(LineOut):
    household_id: int
    label: str


class GroupBuyLedgerOut(Schema):
    group_buy_id: int
    title: str
    status: str
    households: list[HouseholdLineOut]
    total: LineOut
    commission_fen: int
    commission_settled: bool
    commission_bp: int


class GroupBuyLineOut(LineOut):
    group_buy_id: int
    title: str
    status: str
    commission_fen: int
    owing_households: int
    overpaid_households: int


class LeaderLedgerOut(Schema):
    leader_id: int
    group_buys: list[GroupBuyLineOut]
    total: GroupBuyLineOut
    commission_paid_fen: int


class SupplierGroupBuyOut(Schema):
    group_buy_id: int
    title: str
    payable_fen: int


class SupplierLedgerOut(Schema):
    supplier_id: int
    name: str
    payable_fen: int
    paid_fen: int
    outstanding_fen: int
    group_buys: list[SupplierGroupBuyOut]


class StatementLineOut(Schema):
    entry_id: int
    at: datetime
    kind: str
    kind_label: str
    group_buy_id: int | None
    group_buy_title: str
    method: str
    method_label: str
    reference: str
    amount_fen: int


class StatementOut(Schema):
    household_id: int
    balance_fen: int
    lines: list[StatementLineOut]


class MethodOut(Schema):
    code: str
    label: str
    recorded_by_hand: bool
