"""The forecasts' provider of suggested stock for the group buys' open form
(:mod:`linli.groupbuys.suggestions`), registered at start-up."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.groupbuys.suggestions import StockSuggestion

from . import selectors


def cap() -> int:
    return int(settings.LINLI_FORECASTS["SUGGESTION_CAP"])


def suggested_stock(who, community_id: int, products: list) -> dict[int, StockSuggestion]:
    found = selectors.suggest_stock(who, community_id, products, cap())
    units = {product.pk: product.unit for product in products}
    return {pk: StockSuggestion(units=s.units, why=why(s, units[pk])) for pk, s in found.items()}


#: "usually 30–42 盒 on Thursdays": the weekday a community's group buys mostly open on.
ON_WEEKDAYS = (
    gettext_lazy("on Mondays"),
    gettext_lazy("on Tuesdays"),
    gettext_lazy("on Wednesdays"),
    gettext_lazy("on Thursdays"),
    gettext_lazy("on Fridays"),
    gettext_lazy("on Saturdays"),
    gettext_lazy("on Sundays"),
)


def why(suggestion: selectors.Suggestion, unit: str) -> str:
    """One line: the range the suggestion reads and where it comes from, with the weekday
    when the community's group buys of the product mostly open on one."""
    figures = {
        "low": suggestion.low,
        "high": suggestion.high,
        "unit": unit,
        "offers": suggestion.offers,
    }
    if suggestion.weekday is not None and not suggestion.from_city:
        return _(
            "Usually %(low)s–%(high)s %(unit)s %(weekday)s, in this community's last "
            "%(offers)s group buys."
        ) % {**figures, "weekday": ON_WEEKDAYS[suggestion.weekday]}
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
