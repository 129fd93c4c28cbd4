"""Suggested stock on the leader's open form, from an app above the group buys.

The group buys cannot import the forecasts (they sit below them); the forecasts register a
provider here at start-up (``ForecastsConfig.ready``), as the pages' tiles and links are
registered. Without a provider the form simply suggests nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StockSuggestion:
    #: Whole units to open with (≥ 0, never above the provider's cap).
    units: int
    #: One line, in the reader's language, saying why ("usually 30–42 盒 a group buy here").
    why: str


#: (who, community id, catalog products) → product id → suggestion.
Provider = Callable[[Any, int, list[Any]], dict[int, StockSuggestion]]

_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    _providers[key] = provider


def unregister(key: str) -> None:
    _providers.pop(key, None)


def suggestions_for(who: Any, community_id: int, products: list[Any]) -> dict[int, StockSuggestion]:
    """Every registered provider's suggestions, by product id (a later key wins a tie)."""
    found: dict[int, StockSuggestion] = {}
    for key in sorted(_providers):
        found.update(_providers[key](who, community_id, products))
    return found
