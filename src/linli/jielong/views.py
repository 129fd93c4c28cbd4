"""The import page: paste a chain, see how each line reads, confirm. Thin: every rule lives in
the selectors and the service."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from linli.access import roles
from linli.core.errors import LinliError
from linli.groupbuys import selectors as groupbuy_selectors
from linli.groupbuys import services as groupbuy_services

from . import selectors, services


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, group_buy_id: int):
    who = roles(request.user)
    context: dict = {}
    status = 200
    try:
        group_buy = groupbuy_selectors.managed_group_buy(who, group_buy_id)
        groupbuy_services.settle(group_buy_id)
        context["group_buy"] = group_buy
        text = request.POST.get("text", "") if request.method == "POST" else ""
        context["text"] = text
        step = request.POST.get("step")
        if step == "confirm":
            context["result"] = services.import_chain(
                actor=request.user, group_buy_id=group_buy_id, text=text
            )
        elif step == "preview":
            context["preview"] = selectors.preview_import(
                who=who, group_buy_id=group_buy_id, text=text
            )
        context["export"] = selectors.chain_text(who=who, group_buy_id=group_buy_id)
    except LinliError as error:
        context["error"] = error
        status = error.status
    return render(request, "jielong/import.html", context, status=status)
