"""The import page: paste a chain, see how each line reads, say whose the lines without an
address are (the nickname book), confirm. Thin: every rule lives in the selectors and the
services.

Every step is a POST that carries the chain's text, so the preview can be shown again after
each: a search for a nickname's household too, though it only reads (a chain is too long for
a query string). The preview's lines sit in one form that carries the text once, whatever
the number of lines asking whose they are; a search answers every line whose box was filled,
and with htmx it swaps only its own line's answer."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from linli.core.errors import Invalid, LinliError
from linli.groupbuys import selectors as groupbuys
from linli.pages.helpers import Roles, page

from . import selectors, services

PICK = _("Pick one from the list.")


def _numbers(value: str, field: str, count: int) -> list[int]:
    """``count`` positive numbers from a button's value ("3" or "3:41")."""
    parts = value.split(":")
    if len(parts) != count or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
        raise Invalid(details=[{"field": field, "message": PICK}])
    return [int(p) for p in parts]


def _nickname_of_line(who: Roles, group_buy_id: int, text: str, index: int) -> str:
    """The nickname of the chain's line ``index`` (1-based), as the preview read it."""
    _group_buy, readings = selectors.read_for(who, group_buy_id, text)
    nickname = next((r.nickname for r in readings if r.index == index), "")
    if not nickname:
        raise Invalid(details=[{"field": "match", "message": PICK}])
    return nickname


@require_http_methods(["GET", "POST"])
@page
def import_page(request, who: Roles, group_buy_id: int):
    group_buy = groupbuys.managed_group_buy(who, group_buy_id)
    community_id = group_buy.community_id
    post = request.POST
    text = post.get("text", "") if request.method == "POST" else ""
    context: dict = {"group_buy": group_buy, "text": text, "searches": {}}
    status = 200
    step = post.get("step")
    if "match" in post:
        step = "match"
    elif "forget" in post:
        step = "forget"
    # A refusal is shown above the form, with the text kept to correct.
    try:
        if step == "search":
            for name, query in post.items():
                if name.startswith("q-") and name[2:].isdigit() and query.strip():
                    context["searches"][int(name[2:])] = {
                        "q": query,
                        "found": selectors.households_for_nickname(
                            who=who, community_id=community_id, query=query
                        ),
                    }
        elif step == "match":
            index, household_id = _numbers(post.get("match", ""), "match", 2)
            entry = services.remember_nickname(
                actor=request.user,
                community_id=community_id,
                nickname=_nickname_of_line(who, group_buy_id, text, index),
                household_id=household_id,
            )
            context["matched"] = selectors.entry_of(entry)
        elif step == "forget":
            (entry_id,) = _numbers(post.get("forget", ""), "forget", 1)
            context["forgotten"] = services.forget_nickname(
                actor=request.user, community_id=community_id, entry_id=entry_id
            )
        elif step == "confirm":
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
