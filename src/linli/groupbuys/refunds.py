"""Where a shared-out shortage meets the money: the one hook the ledger fills in.

:func:`linli.groupbuys.services.allocation.apply_allocation` calls :func:`on_shortfall` inside
its transaction, after storing the shares, with what each household is owed for short
deliveries of the group buy shared out so far (every item, not only the one just applied), as
:func:`linli.groupbuys.selectors.shortfall_by_household` sums it. The whole group buy each
time, so that the receiver can post the difference from what it posted before. Line by line
(ordered − allocated, at the price paid) the same is read with
:func:`linli.groupbuys.selectors.shortfalls`.
"""

from collections.abc import Mapping
from datetime import datetime

from linli.accounts.models import User

from .models import GroupBuy


def on_shortfall(
    *, group_buy: GroupBuy, owed_fen: Mapping[int, int], actor: User, at: datetime
) -> None:
    """Refund each household (``{household_id: fen}``) what it paid for and did not get."""
    # The ledger posts the refunds here (ledger.services.refund_shortfalls takes this mapping).
    return None
