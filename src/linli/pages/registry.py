"""The front door's tiles, and the links on a leader's group-buy page, declared by the apps.

An app adds a service to the home page by declaring a :class:`Tile` in a ``tiles.py`` module
of its own (found at start-up, as the admin finds ``admin.py``), not by editing a template::

    # linli/rewards/tiles.py
    from django.utils.translation import gettext_lazy as _
    from linli.pages.registry import Tile, register

    register(Tile(key="rewards", title=_("My points"), url_name="rewards:home", order=40,
                  shown_to=lambda who: who.household_id is not None))

Later pieces of the leader's group-buy page (sheets, 接龙 import, shortages, money) declare a
:class:`GroupBuyLink` the same way, links on a member's order page (after-sales) an
:class:`OrderLink`, and a line about the order itself (the CO₂ its pickup avoided) an
:class:`OrderNote`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from linli.accounts.roles import Roles


@dataclass(frozen=True)
class Entry:
    """One line under a tile: a label, where it goes, and a short note."""

    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Tile:
    key: str
    title: Any  # a lazy translation
    url_name: str  # where the tile leads; "" for a tile that is only its entries
    order: int = 100
    description: Any = ""
    shown_to: Callable[[Roles], bool] = field(default=lambda who: not who.anonymous)
    # Up to a few lines under the tile (today's group buys, say); one query at most.
    entries: Callable[[Any, Roles], Sequence[Entry]] | None = None
    # Left off the page when it has no entries (a tile that only matters sometimes).
    hidden_when_empty: bool = False

    def url(self) -> str:
        return reverse(self.url_name) if self.url_name else ""


@dataclass(frozen=True)
class GroupBuyLink:
    """A link on the leader's page of one group buy (``url_name`` takes its id)."""

    key: str
    title: Any
    url_name: str
    order: int = 100
    # Which group buys it applies to, by status ("formed", "open", …); empty means all.
    statuses: frozenset[str] = frozenset()

    def url(self, group_buy_id: int) -> str:
        return reverse(self.url_name, args=[group_buy_id])


@dataclass(frozen=True)
class OrderLink:
    """A link on a member's page of one order (``url_name`` takes the order's id), shown when
    ``shown_for(order)`` says so (it reads only the order and what the page has read with it:
    its lines and group buy)."""

    key: str
    title: Any
    url_name: str
    order: int = 100
    shown_for: Callable[[Any], bool] = field(default=lambda order: True)

    def url(self, order_id: int) -> str:
        return reverse(self.url_name, args=[order_id])


@dataclass(frozen=True)
class OrderNote:
    """A line about one order on a member's page of it, computed per order by ``note(order)``
    (one query at most; ``None``: nothing to say), as (text, url of a page that explains it,
    or "")."""

    key: str
    note: Callable[[Any], tuple[str, str] | None]
    order: int = 100


_tiles: dict[str, Tile] = {}
_group_buy_links: dict[str, GroupBuyLink] = {}
_order_links: dict[str, OrderLink] = {}
_order_notes: dict[str, OrderNote] = {}


def register(tile: Tile) -> Tile:
    """Add (or replace, by key) a tile on the home page."""
    _tiles[tile.key] = tile
    return tile


def unregister(key: str) -> None:
    _tiles.pop(key, None)


def register_group_buy_link(link: GroupBuyLink) -> GroupBuyLink:
    _group_buy_links[link.key] = link
    return link


def unregister_group_buy_link(key: str) -> None:
    _group_buy_links.pop(key, None)


def register_order_link(link: OrderLink) -> OrderLink:
    _order_links[link.key] = link
    return link


def unregister_order_link(key: str) -> None:
    _order_links.pop(key, None)


def register_order_note(note: OrderNote) -> OrderNote:
    _order_notes[note.key] = note
    return note


def unregister_order_note(key: str) -> None:
    _order_notes.pop(key, None)


@dataclass(frozen=True)
class ShownTile:
    tile: Tile
    url: str
    entries: Sequence[Entry]


def tiles_for(request: Any, who: Roles) -> list[ShownTile]:
    """The tiles this caller sees, in order, each with its entries."""
    shown = []
    for tile in sorted(_tiles.values(), key=lambda tile: (tile.order, tile.key)):
        if tile.shown_to(who):
            entries = tile.entries(request, who) if tile.entries else ()
            if tile.hidden_when_empty and not entries:
                continue
            shown.append(ShownTile(tile=tile, url=tile.url(), entries=entries))
    return shown


def group_buy_links(group_buy_id: int, status: str) -> list[tuple[Any, str]]:
    return [
        (link.title, link.url(group_buy_id))
        for link in sorted(_group_buy_links.values(), key=lambda link: (link.order, link.key))
        if not link.statuses or status in link.statuses
    ]


def order_links(order: Any) -> list[tuple[Any, str]]:
    """The links other apps declare for a member's ``order`` page, in order."""
    return [
        (link.title, link.url(order.pk))
        for link in sorted(_order_links.values(), key=lambda link: (link.order, link.key))
        if link.shown_for(order)
    ]


def order_notes(order: Any) -> list[tuple[str, str]]:
    """What other apps say about a member's ``order`` (its page), in order."""
    shown = []
    for note in sorted(_order_notes.values(), key=lambda note: (note.order, note.key)):
        if (said := note.note(order)) is not None:
            shown.append(said)
    return shown
