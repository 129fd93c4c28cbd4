"""The 接龙 import's link on a leader's group-buy page."""

from django.utils.translation import gettext_lazy as _

from linli.pages.registry import GroupBuyLink, register_group_buy_link

register_group_buy_link(
    GroupBuyLink(
        key="jielong",
        title=_("Import a WeChat 接龙 chain, or copy the orders as one"),
        url_name="jielong-import",
        order=20,
    )
)
