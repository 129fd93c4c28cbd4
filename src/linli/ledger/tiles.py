"""The ledger's tile on the home page and its link on a leader's group-buy page."""

from django.utils.translation import gettext_lazy as _

from linli.pages.registry import GroupBuyLink, Tile, register, register_group_buy_link

register(
    Tile(
        key="money",
        title=_("Money"),
        description=_("What you owe or are owed; for leaders, who paid and who owes."),
        url_name="ledger:mine",
        order=50,
        shown_to=lambda who: bool(who.household_id or who.leader_id or who.supplier_ids),
    )
)
register_group_buy_link(
    GroupBuyLink(
        key="money",
        title=_("Money: who paid, who owes, refunds"),
        url_name="ledger:group-buy",
        order=30,
    )
)
