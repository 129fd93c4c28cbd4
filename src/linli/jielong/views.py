"""The import page: paste a chain, see how each line reads, say whose the lines without an
address are (the nickname book), confirm. Thin: every rule lives in the selectors and the
services.

Every step is a POST that carries the chain's text, so the preview can be shown again after
each: a search for a nickname's household too, though it only reads (a chain is too long for
a query string). With htmx, a search swaps only its line's answer."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.core.errors import Invalid, LinliError
from linli.groupbuys import selectors as groupbuys
from linli.pages.helpers import Roles, page

from . import selectors, services


def _number(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Invalid(details=[{"field": field, "message": _("Pick one from the list.")}]) from None


@require_http_methods(["GET", "POST"])
@page
def import_page(request, who: Roles, group_buy_id: int):
    group_buy = groupbuys.managed_group_buy(who, group_buy_id)
    community_id = group_buy.community_id
    text = request.POST.get("text", "") if request.method == "POST" else ""
    context: dict = {"group_buy": group_buy, "text": text}
    status = 200
    # A chain the service refuses is shown above the form, with the text kept to correct.
    step = request.POST.get("step")
    try:
        if step == "search":
            context["search"] = {
                "line": request.POST.get("line", ""),
                "nickname": request.POST.get("nickname", ""),
                "q": request.POST.get("q", ""),
                "found": selectors.households_for_nickname(
                    who=who, community_id=community_id, query=request.POST.get("q", "")
                ),
            }
        elif step == "match":
            entry = services.remember_nickname(
                actor=request.user,
                community_id=community_id,
                nickname=request.POST.get("nickname", ""),
                household_id=_number(request.POST.get("household_id"), "household_id"),
            )
            context["matched"] = selectors.entry_of(entry)
        elif step == "forget":
            services.forget_nickname(
                actor=request.user,
                community_id=community_id,
                entry_id=_number(request.POST.get("entry_id"), "entry_id"),
            )
            context["forgotten"] = request.POST.get("nickname", "")
        if step == "confirm":
            context["result"] = services.import_chain(
                actor=request.user, group_buy_id=group_buy_id, text=text
            )
    except LinliError as error:
        context["error"] = error
        status = error.status
    if step == "preview" or (step in ("search", "match", "forget") and text.strip()):
        try:
            context["preview"] = selectors.preview_import(
                who=who, group_buy_id=group_buy_id, text=text
            )
        except LinliError as error:
            context.setdefault("error", error)
            status = max(status, error.status)
    context["book"] = selectors.nickname_book(who=who, community_id=community_id)
    context["export"] = selectors.chain_text(who=who, group_buy_id=group_buy_id)
    return render(request, "jielong/import.html", context, status=status)
