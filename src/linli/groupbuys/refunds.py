"""Where a shared-out shortage meets the money: the one hook the ledger fills in.

:func:`linli.groupbuys.services.allocation.apply_allocation` calls :func:`on_shortfall` inside
its transaction with every order line of the item left short (ordered − allocated, and its
value at the price paid), as :func:`linli.groupbuys.selectors.shortfalls` reads them.
"""

from collections.abc import Sequence

from .selectors import Shortfall


def on_shortfall(*, group_buy_id: int, shortfalls: Sequence[Shortfall]) -> None:
    """Refund each household the value of what it ordered and did not get."""
    # The ledger posts the refunds here (one refund per shortfall, ``refund_fen`` each).
    return None
