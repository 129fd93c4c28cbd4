"""On the front door: the farms a household follows, with their latest updates and offers;
on a member's order page, a link to the stories of the farms behind it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.pages.registry import Entry, OrderLink, Tile, register, register_order_link

from . import selectors


def _news(request, who) -> list[Entry]:
    return [
        Entry(
            label=f"{line.supplier}: {line.text[:40]}",
            url=reverse("group-buy", args=[line.group_buy_id])
            if line.group_buy_id
            else reverse("storefronts:storefront", args=[line.supplier_id]),
            note=str(_("on offer")) if line.group_buy_id else str(_("update")),
        )
        for line in selectors.news(who, limit=4)
    ]


register(
    Tile(
        key="storefronts",
        title=_("Farms I follow"),
        description=_("Their stories, updates from the fields, and what they offer now."),
        url_name="storefronts:index",
        order=45,
        shown_to=lambda who: not who.anonymous,
        entries=_news,
    )
)


def _trade(request, who) -> list[Entry]:
    entries = []
    for supplier_id in sorted(who.supplier_ids):
        entries.append(
            Entry(
                label=str(_("My storefront")),
                url=reverse("storefronts:edit", args=[supplier_id]),
            )
        )
    entries.append(Entry(label=str(_("Presales")), url=reverse("storefronts:presales")))
    entries.append(Entry(label=str(_("Help-sell")), url=reverse("storefronts:help_sell")))
    return entries


register(
    Tile(
        key="farm_trade",
        title=_("Presales and help-sell"),
        description=_("Sell before the harvest; pass offers on to other leaders."),
        url_name="",
        order=46,
        shown_to=lambda who: bool(who.supplier_ids) or who.leader_id is not None,
        entries=_trade,
    )
)

register_order_link(
    OrderLink(
        key="storefronts", title=_("The farmers' stories"), url_name="storefronts:order", order=70
    )
)
