"""Every write to group buys, one module per thing a user does (as Zulip's ``actions``).

Each public function is one transaction, takes keyword arguments, checks who is asking, and
raises a :mod:`linli.groupbuys.errors` error (nothing changed) when the request cannot be
carried out.
"""

from .allocation import apply_allocation, plan_allocation
from .closing import catch_up, close_due_group_buys, close_group_buy
from .delivery import record_delivery
from .help_sell import offer_help_sell, pass_on, stop_passing
from .opening import ItemSpec, open_group_buy
from .ordering import cancel_order, change_order, place_order
from .pickup import confirm_pickup
from .presale import Harvest, open_presale, record_harvest
from .sharing import AllocationPlan, LineShare

__all__ = [
    "AllocationPlan",
    "Harvest",
    "ItemSpec",
    "LineShare",
    "apply_allocation",
    "cancel_order",
    "catch_up",
    "change_order",
    "close_due_group_buys",
    "close_group_buy",
    "confirm_pickup",
    "offer_help_sell",
    "open_group_buy",
    "open_presale",
    "pass_on",
    "place_order",
    "plan_allocation",
    "record_delivery",
    "record_harvest",
    "stop_passing",
]
