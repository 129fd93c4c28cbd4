"""Rewards on the front door: a member's points and perks, a member's tree; the forest for
leaders; the rules and perks for operators."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Roles
from linli.core.formatting import time_left
from linli.pages.registry import Entry, OrderNote, Tile, register, register_order_note

from . import selectors
from .early_access import opening_early_for

register(
    Tile(
        key="rewards_points",
        title=_("My points and perks"),
        description=_("Points for collecting at the pickup point, a tier, perks to redeem."),
        url_name="rewards:points",
        order=45,
        shown_to=lambda who: who.household_id is not None,
    )
)
register(
    Tile(
        key="rewards_tree",
        title=_("My tree"),
        description=_("Green energy from each pickup grows a tree that is planted for real."),
        url_name="rewards:energy",
        order=46,
        shown_to=lambda who: who.household_id is not None,
    )
)


def _early(request, who: Roles) -> list[Entry]:
    """Group buys the household's early-access perk opens to it before everyone else."""
    if who.household_id is None or who.community_id is None:
        return []
    return [
        Entry(
            label=group_buy.title,
            url=reverse("group-buy", args=[group_buy.pk]),
            note=gettext("opens to everyone in %(left)s; you may order now")
            % {"left": time_left(group_buy.opens_at)},
        )
        for group_buy in opening_early_for(who.household_id, who.community_id, timezone.now())
    ]


register(
    Tile(
        key="rewards_early",
        title=_("Early access for you"),
        description=_("Group buys your perk opens to you before everyone else."),
        url_name="",
        order=11,
        shown_to=lambda who: who.household_id is not None,
        entries=_early,
        hidden_when_empty=True,
    )
)
register(
    Tile(
        key="rewards_forest",
        title=_("Community forest"),
        description=_("Trees grown and planted and CO₂ avoided, per community and building."),
        url_name="rewards:forest",
        order=47,
        shown_to=lambda who: bool(who.led_community_ids),
    )
)
register(
    Tile(
        key="rewards_manage",
        title=_("Rewards: rules, perks, trees"),
        description=_("Earning rules, the perks catalogue, tree species and plantings."),
        url_name="rewards:manage",
        order=61,
        shown_to=lambda who: who.operator,
    )
)


def _avoided(order) -> tuple[str, str] | None:
    grams = selectors.pickup_avoided_g(order_id=order.pk, household_id=order.household_id)
    if grams is None:
        return None
    text = gettext("This pickup avoided %(grams)s g CO₂ (how it is computed).") % {"grams": grams}
    return text, reverse("rewards:model")


# On a member's order page, once the pickup is confirmed: the CO₂ it avoided (decision 0030).
register_order_note(OrderNote(key="rewards_co2", note=_avoided, order=50))
