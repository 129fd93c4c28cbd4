"""Delete: a member closes the household's account (``docs/decisions/0039``).

First what can still be undone is undone: orders in group buys still open are cancelled (their
charges reversed on the ledger, stock given back). Orders already with a supplier or waiting
for pickup must be collected first (the household is owed goods, or owes them). Then every
personal-data holder erases or anonymises its rows, in this one transaction; the ledger keeps
its postings, which now point at an anonymous household, and still balances. The audit trail
keeps what was done, without the person's words.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.communities.models import Household, Leader, Member
from linli.core import audit
from linli.core.models import AuditEvent
from linli.core.personal_data import holders
from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy, Order
from linli.groupbuys.services.holding import hold_group_buy
from linli.jielong.models import NicknameBook
from linli.ledger.models import Account, Posting, Unit

from .. import rules
from ..errors import LeaderCannotLeave, NoHousehold, NotConfirmed, OrdersWaiting


@dataclass
class Preview:
    """What closing the account would do, shown before the member confirms."""

    household: Household
    cancellable: list[Order]
    waiting: int
    balance_fen: int  # now: positive, the household owes; negative, it is owed
    after_fen: int  # once the cancellable orders are cancelled
    blocked_by_role: bool
    members: list[str] = field(default_factory=list)

    @property
    def may_close(self) -> bool:
        return not self.blocked_by_role and self.waiting == 0

    @property
    def owes_fen(self) -> int:
        return max(self.after_fen, 0)

    @property
    def owed_fen(self) -> int:
        return max(-self.after_fen, 0)


def _cancellable(household_id: int, now: datetime):
    return Order.objects.filter(
        household_id=household_id,
        status=Order.Status.PLACED,
        group_buy__status=GroupBuy.Status.OPEN,
        group_buy__cutoff_at__gt=now,
    )


def _waiting(household_id: int, now: datetime) -> int:
    """Orders past the point of cancelling and not yet done with."""
    live = Q(status=Order.Status.PLACED) | Q(status=Order.Status.CONFIRMED)
    return (
        Order.objects.filter(live, household_id=household_id)
        .exclude(group_buy__status__in=[GroupBuy.Status.COMPLETED, GroupBuy.Status.FAILED])
        .exclude(pickup=Order.Pickup.FULL)
        .exclude(pk__in=_cancellable(household_id, now).values("pk"))
        .count()
    )


def _balance(household_id: int) -> int:
    return (
        Posting.objects.filter(
            account__kind=Account.Kind.HOUSEHOLD,
            account__owner_id=household_id,
            account__unit=Unit.CNY,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def _serves_others(user_ids: list[int]) -> bool:
    who = [roles(user) for user in User.objects.filter(pk__in=user_ids)]
    return Leader.objects.filter(user_id__in=user_ids).exists() or any(
        role.operator or role.supplier_ids for role in who
    )


def closing_preview(*, actor: User, now: datetime | None = None) -> Preview:
    now = now or timezone.now()
    household_id = roles(actor).household_id
    if household_id is None:
        raise NoHousehold()
    household = Household.objects.select_related("building__community").get(pk=household_id)
    cancellable = list(_cancellable(household_id, now).select_related("group_buy"))
    users = list(Member.objects.filter(household_id=household_id).values_list("user_id", flat=True))
    balance = _balance(household_id)
    return Preview(
        household=household,
        cancellable=cancellable,
        waiting=_waiting(household_id, now),
        balance_fen=balance,
        after_fen=balance - sum(order.total_fen for order in cancellable),
        blocked_by_role=_serves_others(users),
        members=[str(user) for user in User.objects.filter(pk__in=users)],
    )


@dataclass(frozen=True)
class Closed:
    household_id: int
    cancelled_orders: int
    balance_fen: int


def close_household(*, actor: User, word: str, now: datetime | None = None) -> Closed:
    """Close the actor's household's account: cancel its open orders, then erase (see the
    module text). Final: nothing is kept to undo it."""
    now = now or timezone.now()
    if word.strip() != rules.CLOSING_WORD:
        raise NotConfirmed(word=rules.CLOSING_WORD)
    household_id = roles(actor).household_id
    if household_id is None:
        raise NoHousehold()
    with transaction.atomic():
        # The locks in the order the ordering service takes them (its module text): the
        # group buys of the orders to cancel, shared, before the household's row; else a
        # group buy closing at this moment and this closing would wait for each other.
        open_in = _cancellable(household_id, now).values_list("group_buy_id", flat=True)
        for group_buy_id in sorted(set(open_in)):
            hold_group_buy(group_buy_id, exclusive=False)
        household = Household.objects.select_for_update(of=("self",)).get(pk=household_id)
        users = list(
            Member.objects.filter(household_id=household_id).values_list("user_id", flat=True)
        )
        if _serves_others(users):
            raise LeaderCannotLeave()
        if (waiting := _waiting(household_id, now)) > 0:
            raise OrdersWaiting(count=waiting)
        cancelled = 0
        for order_id in _cancellable(household_id, now).order_by("pk").values_list("pk", flat=True):
            groupbuys.cancel_order(actor=actor, order_id=order_id, now=now)
            cancelled += 1
        words = _personal_words(household, users)
        audit.record(
            actor=actor,
            action="household.closed",
            target=household,
            data={"household": household_id, "count": cancelled},
        )
        for holder in holders():
            holder.erase(household_id)
        _scrub_audit(words, users)
    return Closed(
        household_id=household_id, cancelled_orders=cancelled, balance_fen=_balance(household_id)
    )


def _personal_words(household: Household, user_ids: list[int]) -> set[str]:
    """The household's words that may have found their way into the audit trail's data
    (rooms are too short to find safely; the events about the household lose theirs)."""
    words = {household.contact_name, household.phone}
    words |= set(
        NicknameBook.objects.filter(household=household).values_list("nickname", flat=True)
    )
    for user in User.objects.filter(pk__in=user_ids):
        words |= {user.username, user.display_name, user.email, user.phone}
    return {word for word in words if word and len(word) >= 2}


def _scrub_audit(words: set[str], user_ids: list[int]) -> None:
    """Take ``words`` out of every audit event's data, and the closed accounts' names out of
    the events they made."""
    if user_ids:
        for user_id in user_ids:
            AuditEvent.objects.filter(actor_id=user_id).update(actor_label=f"erased-{user_id}")
    if not words:
        return
    found = Q(pk__in=[])
    for word in words:
        found |= Q(text__contains=word) | Q(text__contains=json.dumps(word)[1:-1])
    for event in (
        AuditEvent.objects.annotate(text=Cast("data", TextField())).filter(found).only("pk", "data")
    ):
        AuditEvent.objects.filter(pk=event.pk).update(data=_without(event.data, words))


def _without(value, words: set[str]):
    if isinstance(value, str):
        for word in words:
            value = value.replace(word, "×")
        return value
    if isinstance(value, list):
        return [_without(item, words) for item in value]
    if isinstance(value, dict):
        return {key: _without(item, words) for key, item in value.items()}
    return value
