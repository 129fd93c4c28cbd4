"""The ledger, for programs: reports, payments and refunds recorded by leaders, payouts and
corrections by operators. Thin: check the caller through the selectors and services."""

from django.utils.text import slugify
from ninja import Router

from linli.accounts.roles import roles
from linli.core.files import FILE, XLSX, attachment, documented
from linli.core.idempotency import idempotent

from . import excel, selectors, services
from .methods import METHODS
from .schemas import (
    EntryOut,
    GroupBuyLedgerOut,
    LeaderLedgerOut,
    MethodOut,
    MoneyIn,
    PayoutIn,
    ReverseIn,
    StatementOut,
    SupplierLedgerOut,
)

router = Router(tags=["ledger"])


@router.get("/ledger/methods", response=list[MethodOut], summary="Payment methods")
def list_methods(request):
    return [
        {"code": m.code, "label": str(m.label), "recorded_by_hand": m.recorded_by_hand}
        for m in METHODS.values()
    ]


@router.get("/ledger/me", response=StatementOut, summary="My household's account")
def my_statement(request):
    return selectors.household_statement(roles(request.auth))


@router.get("/households/{household_id}/ledger", response=StatementOut)
def household_statement(request, household_id: int):
    return selectors.household_statement(roles(request.auth), household_id)


@router.get(
    "/group-buys/{group_buy_id}/ledger",
    response=GroupBuyLedgerOut,
    summary="Who paid, who owes, refunds due and done, commission (leader)",
)
def group_buy_ledger(request, group_buy_id: int):
    return selectors.group_buy_ledger(roles(request.auth), group_buy_id)


@router.get(
    "/group-buys/{group_buy_id}/ledger.xlsx",
    response=FILE,
    summary="The same, as Excel",
    openapi_extra=documented(XLSX),
)
def group_buy_ledger_xlsx(request, group_buy_id: int):
    ledger = selectors.group_buy_ledger(roles(request.auth), group_buy_id)
    return attachment(
        excel.group_buy_workbook(ledger), XLSX, f"ledger-group-buy-{group_buy_id}.xlsx"
    )


@router.post(
    "/group-buys/{group_buy_id}/payments",
    response={201: EntryOut},
    summary="Record a payment a household made (leader)",
)
@idempotent
def record_payment(request, group_buy_id: int, payload: MoneyIn):
    entry = services.record_payment(actor=request.auth, group_buy_id=group_buy_id, **payload.dict())
    return 201, EntryOut.from_orm(entry)


@router.post(
    "/group-buys/{group_buy_id}/refunds",
    response={201: EntryOut},
    summary="Record money paid back to a household (leader)",
)
@idempotent
def record_refund(request, group_buy_id: int, payload: MoneyIn):
    entry = services.record_refund(actor=request.auth, group_buy_id=group_buy_id, **payload.dict())
    return 201, EntryOut.from_orm(entry)


@router.get("/leaders/me/ledger", response=LeaderLedgerOut, summary="My group buys' money")
def my_leader_ledger(request):
    return selectors.leader_ledger(roles(request.auth))


@router.get("/leaders/{leader_id}/ledger", response=LeaderLedgerOut)
def leader_ledger(request, leader_id: int):
    return selectors.leader_ledger(roles(request.auth), leader_id)


@router.get(
    "/leaders/{leader_id}/ledger.xlsx",
    response=FILE,
    summary="The same, as Excel",
    openapi_extra=documented(XLSX),
)
def leader_ledger_xlsx(request, leader_id: int):
    ledger = selectors.leader_ledger(roles(request.auth), leader_id)
    name = slugify(ledger.leader.user.get_username()) or str(leader_id)
    return attachment(excel.leader_workbook(ledger), XLSX, f"ledger-leader-{name}.xlsx")


@router.get("/suppliers/{supplier_id}/ledger", response=SupplierLedgerOut)
def supplier_ledger(request, supplier_id: int):
    return selectors.supplier_ledger(roles(request.auth), supplier_id)


@router.post(
    "/ledger/payouts", response={201: EntryOut}, summary="Pay a supplier or leader (operator)"
)
@idempotent
def pay_out(request, payload: PayoutIn):
    return 201, EntryOut.from_orm(services.pay_out(actor=request.auth, **payload.dict()))


@router.post(
    "/ledger/entries/{entry_id}/reverse",
    response={201: EntryOut},
    summary="Correct a payment, refund or payout recorded by mistake (operator)",
)
@idempotent
def reverse_entry(request, entry_id: int, payload: ReverseIn):
    entry = services.reverse_entry(actor=request.auth, entry_id=entry_id, memo=payload.memo)
    return 201, EntryOut.from_orm(entry)
