"""The forecasts on the front door: a household's usual items that are due (if it agreed to
suggestions from its orders), a supplier's next week."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.roles import Roles
from linli.pages.registry import Entry, Tile, register

from . import selectors


def due(request, who: Roles) -> list[Entry]:
    """The due usual items on offer now (none without the household's consent). Three
    queries: the consent, the household's lines, the offers."""
    if who.household_id is None:
        return []
    url = reverse("forecasts:usual")
    return [
        Entry(
            label=item.product,
            url=url,
            note=_("about every %(days)s days; due now") % {"days": item.every_days},
        )
        for item in selectors.usual_items(who, who.household_id)
        if item.due and item.item_id
    ][:3]


register(
    Tile(
        key="usual",
        title=gettext_lazy("My usual items"),
        description=gettext_lazy("What your household usually buys, when it is due."),
        url_name="forecasts:usual",
        order=25,
        shown_to=lambda who: who.household_id is not None,
        entries=due,
    )
)
register(
    Tile(
        key="supplier-forecast",
        title=gettext_lazy("Next week's quantities"),
        description=gettext_lazy("What your products are expected to sell, before the orders."),
        url_name="forecasts:supplier",
        order=46,
        shown_to=lambda who: bool(who.supplier_ids),
    )
)


def communities(request, who: Roles) -> list[Entry]:
    """One line per community the leader runs (the first five), to its forecast. One query."""
    from linli.communities.selectors import visible_communities

    places = visible_communities(who).filter(pk__in=who.led_community_ids).order_by("pk")[:5]
    return [
        Entry(label=place.name, url=reverse("forecasts:community", args=[place.pk]))
        for place in places
    ]


register(
    Tile(
        key="community-forecast",
        title=gettext_lazy("Demand forecasts"),
        description=gettext_lazy("Units expected per product in the next weeks, with the range."),
        url_name="",
        order=22,
        shown_to=lambda who: bool(who.led_community_ids),
        entries=communities,
    )
)
register(
    Tile(
        key="forecast-accuracy",
        title=gettext_lazy("Forecast accuracy"),
        description=gettext_lazy("Suggested stock against the leaders' own, week by week."),
        url_name="forecasts:accuracy",
        order=48,
        shown_to=lambda who: who.operator,
    )
)
