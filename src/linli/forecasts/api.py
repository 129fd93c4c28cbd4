"""Forecasts for programs: a community's forecast per product and the stock it would open
with, a supplier's next week, a household's usual items (its own, with its consent), and the
operators' accuracy report. Thin: check who asks, call the selectors, answer."""

from typing import Annotated

from ninja import Query, Router

from linli.accounts.roles import roles
from linli.catalog.models import Product
from linli.communities.selectors import community_for
from linli.core.schemas import QueryId

from . import selectors, suggestions
from .errors import ForecastNotFound
from .schemas import (
    AccuracyOut,
    ProductForecastOut,
    SuggestionOut,
    SupplierWeekOut,
    UsualItemOut,
)

router = Router(tags=["forecasts"])

#: At most this many products in one suggested-stock question (an open form's worth).
MAX_PRODUCTS = 300


def _visible(who, community_id: int) -> None:
    """A community the caller cannot see is not there (404); the selectors then refuse
    anyone but its leaders and operators (403)."""
    community_for(who, community_id)


@router.get(
    "/communities/{community_id}/forecasts",
    response=list[ProductForecastOut],
    summary="Units expected per product in the next weeks, with the last weeks (leader)",
)
def community_forecasts(request, community_id: int):
    who = roles(request.auth)
    _visible(who, community_id)
    return selectors.community_forecasts(who, community_id)


@router.get(
    "/communities/{community_id}/suggested-stock",
    response=list[SuggestionOut],
    summary="The stock the open form suggests for these products, and why (leader)",
)
def suggested_stock(
    request,
    community_id: int,
    product: Annotated[list[QueryId], Query(min_length=1, max_length=MAX_PRODUCTS)],
):
    who = roles(request.auth)
    _visible(who, community_id)
    products = list(Product.objects.filter(pk__in=set(product)).order_by("pk"))
    found = selectors.suggest_stock(who, community_id, products, suggestions.cap())
    units = {p.pk: p.unit for p in products}
    return [
        SuggestionOut(
            product_id=pk,
            units=s.units,
            low=s.low,
            high=s.high,
            offers=s.offers,
            from_city=s.from_city,
            weekday=s.weekday,
            why=suggestions.why(s, units[pk]),
        )
        for pk, s in sorted(found.items())
    ]


@router.get(
    "/suppliers/{supplier_id}/forecast",
    response=list[SupplierWeekOut],
    summary="Units expected next week per product across communities, no households "
    "(supplier, operator)",
)
def supplier_forecast(request, supplier_id: int):
    who = roles(request.auth)
    if not (who.operator or supplier_id in who.supplier_ids):
        raise ForecastNotFound()
    return selectors.supplier_next_week(who, supplier_id)


@router.get(
    "/households/{household_id}/usual-items",
    response=list[UsualItemOut],
    summary="The household's usual items and which are due: only its own, only with its "
    "consent to suggestions (member)",
)
def usual_items(request, household_id: int):
    who = roles(request.auth)
    if who.household_id != household_id:
        raise ForecastNotFound()
    return selectors.usual_items(who, household_id)


@router.get(
    "/forecasts/accuracy",
    response=AccuracyOut,
    summary="Suggested against chosen stock, and stored forecasts' WAPE, per week (operator)",
)
def accuracy(request):
    who = roles(request.auth)
    if not who.operator:
        raise ForecastNotFound()
    return AccuracyOut(
        suggestions=selectors.suggestions_against_chosen(who),
        forecasts=selectors.forecast_accuracy(who),
    )
