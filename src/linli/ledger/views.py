"""The ledger's pages: a household's account, a leader's money across group buys and, per
group buy, who paid, who owes and what is due back, with payments and refunds recorded on the
spot; a supplier's payable. Thin: the selectors and services decide."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.errors import Invalid, LinliError
from linli.pages.helpers import Roles, fen_from_yuan, field_errors, page

from . import selectors, services
from .errors import AccountNotFound
from .methods import METHODS


@page
def mine(request, who: Roles):
    """What the caller's household owes or is owed; a leader's and a supplier's money."""
    context = {
        "statement": selectors.household_statement(who, limit=30) if who.household_id else None,
        "leader": selectors.leader_ledger(who) if who.leader_id else None,
        "suppliers": [selectors.supplier_ledger(who, pk) for pk in sorted(who.supplier_ids)],
    }
    if not (context["statement"] or context["leader"] or context["suppliers"]):
        raise AccountNotFound()
    return render(request, "ledger/mine.html", context)


def _amount(text: str) -> int:
    """The amount typed, in fen; a clear error next to the field for anything else."""
    try:
        fen = fen_from_yuan(text)
    except ValueError:
        fen = None
    if not fen:
        raise Invalid(
            details=[{"field": "amount", "message": _("Write an amount in yuan, like 36.50.")}]
        )
    return fen


@page
def group_buy(request, who: Roles, group_buy_id: int):
    """The leader's money page of one group buy, brought up to date with the clock first as
    every group-buy page is (a group buy failed at its cutoff shows its refunds due); POST
    records a payment or a refund."""
    ledger = selectors.group_buy_ledger(who, group_buy_id)
    typed = {"household": "", "amount": "", "method": "wechat_transfer", "reference": ""}
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if request.method == "POST":
        typed = {key: request.POST.get(key, "").strip() for key in typed}
        what = "refund" if request.POST.get("what") == "refund" else "payment"
        record = services.record_refund if what == "refund" else services.record_payment
        try:
            record(
                actor=request.user,
                group_buy_id=group_buy_id,
                household_id=int(typed["household"]) if typed["household"].isdigit() else 0,
                amount_fen=_amount(typed["amount"]),
                method=typed["method"],
                reference=typed["reference"],
            )
        except LinliError as error:
            errors, general = field_errors(error)
        else:
            url = reverse("ledger:group-buy", args=[group_buy_id])
            return HttpResponseRedirect(f"{url}?recorded={what}")
    return render(
        request,
        "ledger/group_buy.html",
        {
            "ledger": ledger,
            "group_buy": ledger.group_buy,
            "methods": METHODS.values(),
            "typed": typed,
            "errors": errors,
            "general": general,
            "recorded": request.GET.get("recorded", ""),
        },
        status=422 if general else 200,
    )
