"""The forecasts' provider of suggested stock for the group buys' open form
(:mod:`linli.groupbuys.suggestions`), registered at start-up."""

from django.conf import settings
from django.utils.translation import gettext as _

from linli.groupbuys.suggestions import StockSuggestion

from . import selectors


def cap() -> int:
    return int(settings.LINLI_FORECASTS["SUGGESTION_CAP"])


def suggested_stock(who, community_id: int, products: list) -> dict[int, StockSuggestion]:
    found = selectors.suggest_stock(who, community_id, products, cap())
    units = {product.pk: product.unit for product in products}
    return {pk: StockSuggestion(units=s.units, why=why(s, units[pk])) for pk, s in found.items()}


def why(suggestion: selectors.Suggestion, unit: str) -> str:
    figures = {
        "low": suggestion.low,
        "high": suggestion.high,
        "unit": unit,
        "offers": suggestion.offers,
    }
    if suggestion.from_city:
        return (
            _(
                "New here: %(low)s–%(high)s %(unit)s in the city's last %(offers)s group buys, "
                "scaled to this community's households."
            )
            % figures
        )
    return (
        _("Usually %(low)s–%(high)s %(unit)s in this community's last %(offers)s group buys.")
        % figures
    )
