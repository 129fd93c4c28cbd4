"""Forecast pages: a household's usual items (if it agreed), a leader's and operator's forecast
per community × product with plots, a supplier's next week. Thin: the selectors decide."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.communities import services as communities
from linli.communities.models import Consent
from linli.communities.selectors import community_for, has_consent
from linli.core.errors import Forbidden, Invalid
from linli.groupbuys import services as groupbuys
from linli.pages.helpers import Roles, page, whole_number

from . import plots, selectors


def _labels() -> dict:
    return {
        "history": _("ordered"),
        "forecast": _("forecast"),
        "range": _("likely range (8 weeks in 10)"),
    }


@page
@require_http_methods(["GET", "POST"])
def usual(request, who: Roles):
    """The household's usual items, due ones offered now first, each one tap from an order;
    and the switch for suggestions from its order history (consent)."""
    if who.household_id is None:
        raise Forbidden()
    household = who.household_id
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "on":
            communities.give_consent(
                actor=request.user, household_id=household, purpose=Consent.Purpose.SUGGESTIONS
            )
        elif action == "off":
            communities.withdraw_consent(
                actor=request.user, household_id=household, purpose=Consent.Purpose.SUGGESTIONS
            )
        elif action == "add":
            offered = {u.item_id: u for u in selectors.usual_items(who, household) if u.item_id}
            try:
                item_id = whole_number(request.POST.get("item", ""))
            except ValueError:
                item_id = None
            if item_id not in offered:
                raise Invalid(
                    _("That item is not on offer in your community now."),
                    details=[{"field": "item", "message": _("Not on offer now.")}],
                )
            chosen = offered[item_id]
            placed = groupbuys.place_order(
                actor=request.user,
                group_buy_id=int(chosen.group_buy_id or 0),
                lines={item_id: chosen.quantity},
            )
            return redirect("order", placed.pk)
        return redirect("forecasts:usual")
    agreed = has_consent(household, Consent.Purpose.SUGGESTIONS)
    items = selectors.usual_items(who, household) if agreed else []
    return render(request, "forecasts/usual.html", {"agreed": agreed, "items": items})


@page
def community(request, who: Roles, community_id: int):
    """The community's forecast per product, next weeks, with the last weeks ordered."""
    place = community_for(who, community_id)
    if not (who.operator or who.leads(place.pk)):
        raise Forbidden()
    run = selectors.latest_run()
    shown = [
        {
            "forecast": forecast,
            "plot": plots.forecast_svg(
                forecast.history,
                forecast.ahead,
                title=forecast.product,
                description=_(
                    "%(product)s: units ordered per week, then the forecast and its 80%% range."
                )
                % {"product": forecast.product},
                labels=_labels(),
            ),
        }
        for forecast in selectors.community_forecasts(who, place.pk)
    ]
    return render(
        request, "forecasts/community.html", {"community": place, "run": run, "shown": shown}
    )


@page
def supplier(request, who: Roles):
    """Per supplier of the caller: units expected next week per product, across communities."""
    if not who.supplier_ids:
        raise Forbidden()
    run = selectors.latest_run()
    shown = [
        (supplier_id, selectors.supplier_next_week(who, supplier_id))
        for supplier_id in sorted(who.supplier_ids)
    ]
    return render(request, "forecasts/supplier.html", {"run": run, "shown": shown})


@page
def accuracy(request, who: Roles):
    """Operators: over time, whether the open form's suggestion or the leader's stock was
    nearer to what was wanted, and the stored forecasts' WAPE per week."""
    if not who.operator:
        raise Forbidden()
    weeks = selectors.suggestions_against_chosen(who)
    plot = plots.lines_svg(
        {
            _("suggested stock: units off"): [(w.week, w.suggested_error) for w in weeks],
            _("leader's stock: units off"): [(w.week, w.chosen_error) for w in weeks],
        },
        title=_("Units off what was wanted, per item, by week"),
        colours=("#2a6f97", "#d1495b"),
    )
    nearer = plots.lines_svg(
        {
            _("suggestion nearer: per cent of items"): [
                (w.week, 100 * w.suggestion_nearer / w.items) for w in weeks
            ],
            _("leader's stock nearer: per cent of items"): [
                (w.week, 100 * w.chosen_nearer / w.items) for w in weeks
            ],
        },
        title=_("How often each was nearer to what was wanted, by week"),
        colours=("#2a6f97", "#d1495b"),
    )
    return render(
        request,
        "forecasts/accuracy.html",
        {
            "weeks": weeks,
            "plot": plot,
            "nearer": nearer,
            "runs": selectors.forecast_accuracy(who),
            "latest": selectors.latest_run(),
        },
    )
