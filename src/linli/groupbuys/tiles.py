"""The group buys' tiles on the home page (see ``linli.pages.registry``): today's group buys, my
orders, my communities, purchase orders."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Roles
from linli.core.formatting import time_left
from linli.pages.registry import Entry, Tile, register

from .selectors import open_now


def todays_group_buys(request, who: Roles) -> list[Entry]:
    """Open group buys of the member's community, soonest cutoff first. One query."""
    return [
        Entry(
            label=group_buy.title,
            url=reverse("group-buy", args=[group_buy.pk]),
            note=str(_("closes in %(left)s")) % {"left": time_left(group_buy.cutoff_at)},
        )
        for group_buy in open_now(who)
    ]


def _member(who: Roles) -> bool:
    return who.household_id is not None


register(
    Tile(
        key="today",
        title=_("Today's group buys"),
        description=_("In your community; order before the cutoff."),
        url_name="",
        order=10,
        shown_to=_member,
        entries=todays_group_buys,
    )
)
register(
    Tile(
        key="orders",
        title=_("My orders"),
        description=_("Change or cancel, pickup codes, what was collected."),
        url_name="orders",
        order=20,
        shown_to=_member,
    )
)
register(
    Tile(
        key="lead",
        title=_("My communities"),
        description=_("Open group buys, the tally, hand-out at the gate."),
        url_name="lead",
        order=30,
        shown_to=lambda who: bool(who.led_community_ids),
    )
)
register(
    Tile(
        key="supply",
        title=_("Purchase orders"),
        description=_("Products, quantities to deliver, deliveries."),
        url_name="supply",
        order=40,
        shown_to=lambda who: bool(who.supplier_ids),
    )
)
