"""The import page: paste a chain, see how each line reads, confirm. Thin: every rule lives in
the selectors and the service."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from linli.core.errors import LinliError
from linli.groupbuys import selectors as groupbuys
from linli.pages.helpers import Roles, page

from . import selectors, services


@require_http_methods(["GET", "POST"])
@page
def import_page(request, who: Roles, group_buy_id: int):
    group_buy = groupbuys.managed_group_buy(who, group_buy_id)
    text = request.POST.get("text", "") if request.method == "POST" else ""
    context: dict = {"group_buy": group_buy, "text": text}
    status = 200
    # A chain the service refuses is shown above the form, with the text kept to correct.
    try:
        step = request.POST.get("step")
        if step == "confirm":
            context["result"] = services.import_chain(
                actor=request.user, group_buy_id=group_buy_id, text=text
            )
        elif step == "preview":
            context["preview"] = selectors.preview_import(
                who=who, group_buy_id=group_buy_id, text=text
            )
    except LinliError as error:
        context["error"] = error
        status = error.status
    context["export"] = selectors.chain_text(who=who, group_buy_id=group_buy_id)
    return render(request, "jielong/import.html", context, status=status)
