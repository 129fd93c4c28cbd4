"""Who gets which notice, and by which channels: pure decisions, no database.

- **Kinds** (:class:`Kind`): goods arrived for pickup, a cutoff within the hour for a group buy
  the household usually orders from, a group buy that failed (money due back), a short
  delivery credited back, an after-sales decision.
- **Channels by default** (:data:`DEFAULT_CHANNELS`): every kind in the inbox; e-mail only for
  goods arrived, the one notice that asks someone to go somewhere by a time. A person's own
  choice (a ``Preference`` row) overrides the default for one kind on one channel.
- **Usual orderers**: a household "usually orders" from a leader in a community when it
  ordered (and did not cancel) in at least :data:`USUAL_AT_LEAST` of that leader's last
  :data:`USUAL_WINDOW` group buys there that have closed (formed, failed or completed).
"""

from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Kind(TextChoices):
    GOODS_ARRIVED = "goods_arrived", _("Your goods are here")
    CUTOFF_SOON = "cutoff_soon", _("Closing within the hour")
    GROUP_BUY_FAILED = "group_buy_failed", _("A group buy did not form")
    SHORTFALL_REFUNDED = "shortfall_refunded", _("A short delivery credited back")
    AFTER_SALES_DECIDED = "after_sales_decided", _("An after-sales decision")
    # Privacy (issue 20): a household's copy of its data is ready; its room change decided.
    DATA_COPY_READY = "data_copy_ready", _("Your copy of your data is ready")
    ROOM_CHANGE_DECIDED = "room_change_decided", _("Your room change was decided")
    # Consumer connect (issue 17): what came of what a host household told a visitor.
    CONNECT_OUTCOME = "connect_outcome", _("What came of what you told us")


#: The in-app inbox and e-mail (see ``channels.py`` for what sends by them).
INBOX = "inbox"
EMAIL = "email"

#: The channels a kind goes out by until the person chooses otherwise.
DEFAULT_CHANNELS: dict[str, frozenset[str]] = {
    Kind.GOODS_ARRIVED: frozenset({INBOX, EMAIL}),
    Kind.CUTOFF_SOON: frozenset({INBOX}),
    Kind.GROUP_BUY_FAILED: frozenset({INBOX}),
    Kind.SHORTFALL_REFUNDED: frozenset({INBOX}),
    Kind.AFTER_SALES_DECIDED: frozenset({INBOX}),
    Kind.DATA_COPY_READY: frozenset({INBOX}),
    Kind.ROOM_CHANGE_DECIDED: frozenset({INBOX}),
    Kind.CONNECT_OUTCOME: frozenset({INBOX}),
}

#: A household that ordered in this many …
USUAL_AT_LEAST = 2
#: … of the leader's last this many closed group buys in the community usually orders.
USUAL_WINDOW = 4
#: The cutoff reminder goes out when the cutoff is at most this far away.
REMIND_BEFORE = timedelta(hours=1)


def wants(kind: str, channel: str, chosen: Mapping[tuple[str, str], bool]) -> bool:
    """Whether a person gets ``kind`` by ``channel``: their choice (``chosen``, by (kind,
    channel)), else the default."""
    choice = chosen.get((kind, channel))
    if choice is not None:
        return choice
    return channel in DEFAULT_CHANNELS.get(kind, frozenset())


def usually_orders(ordered_in: int) -> bool:
    """``ordered_in``: in how many of the leader's last :data:`USUAL_WINDOW` closed group buys
    in the community the household ordered."""
    return ordered_in >= USUAL_AT_LEAST


def arrived_products(delivered: Mapping[str, int]) -> set[int]:
    """The products a ``delivery.recorded`` event says arrived: those with at least one unit
    (a line recorded as 0 delivered did not arrive)."""
    return {int(product) for product, units in delivered.items() if units > 0}


def amounts(refunds: Mapping[str, int]) -> dict[int, int]:
    """``shortfall.refunded``'s ``refunds`` by household: only those credited something."""
    return {int(household): fen for household, fen in refunds.items() if fen > 0}


def kinds_listed(kinds: Iterable[str]) -> str:
    return ", ".join(sorted(kinds))
