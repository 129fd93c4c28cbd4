"""After-sales on the front door (leaders and operators decide; suppliers see their goods'
reports) and on a member's order page (report a problem with what was collected)."""

from django.utils.translation import gettext_lazy as _

from linli.groupbuys.models import Order
from linli.pages.registry import OrderLink, Tile, register, register_order_link

register(
    Tile(
        key="after-sales",
        title=_("After-sales"),
        description=_("Problems households reported with their goods: approve or reject."),
        url_name="aftersales:desk",
        order=35,
        shown_to=lambda who: who.operator or bool(who.led_community_ids),
    )
)
register(
    Tile(
        key="after-sales-supplier",
        title=_("After-sales on my goods"),
        description=_("Reports on your products and your complaint rate."),
        url_name="aftersales:supplier",
        order=45,
        shown_to=lambda who: bool(who.supplier_ids),
    )
)
register_order_link(
    OrderLink(
        key="after-sales",
        title=_("Report a problem with an item (after-sales)"),
        url_name="aftersales:order",
        order=10,
        # Once something was collected: reports are for goods in hand.
        shown_for=lambda order: order.pickup != Order.Pickup.NONE,
    )
)
