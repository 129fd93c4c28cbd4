"""Money a leader records by hand: a household's payment, and a refund paid back."""

import hashlib
from datetime import datetime

from django.db import transaction
from django.db.models import Sum

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.communities.models import Household
from linli.core import audit
from linli.core.formatting import yuan
from linli.groupbuys import selectors as groupbuys
from linli.groupbuys.errors import HouseholdOutsideCommunity
from linli.groupbuys.models import GroupBuy

from ..errors import (
    BadAmount,
    ReferenceUsed,
    RefundTooLarge,
)
from ..limits import MAX_AMOUNT_FEN, MAX_REFERENCE
from ..methods import method_for
from ..models import Entry, Posting, Unit
from .posting import Acct, Kind, lock_account, post


def checked_money(amount_fen: int, method: str, reference: str) -> tuple[int, str]:
    """A sum of money moved by hand: a whole number of fen within bounds, a known method
    recorded by hand, and the reference as that method keeps it."""
    if type(amount_fen) is not int or not 0 < amount_fen <= MAX_AMOUNT_FEN:
        raise BadAmount(most=MAX_AMOUNT_FEN)
    return amount_fen, method_for(method).clean_reference(reference)[:MAX_REFERENCE]


def _household_in(group_buy: GroupBuy, household_id: int) -> int:
    if not Household.objects.filter(
        pk=household_id, building__community_id=group_buy.community_id
    ).exists():
        raise HouseholdOutsideCommunity(community=group_buy.community.name)
    return household_id


def household_balance_in(group_buy_id: int, household_id: int) -> int:
    """What the household owes in this group buy (negative: what is due to it)."""
    return (
        Posting.objects.filter(
            entry__group_buy_id=group_buy_id,
            account__kind=Kind.HOUSEHOLD,
            account__owner_id=household_id,
            account__unit=Unit.CNY,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def record_payment(
    *,
    actor: User,
    group_buy_id: int,
    household_id: int,
    amount_fen: int,
    method: str,
    reference: str = "",
    at: datetime | None = None,
) -> Entry:
    """A leader (or an operator) records money a household paid for a group buy: "received
    ¥36.00 by WeChat transfer, ref …". The same reference recorded again for the same
    household and amount is the same payment and posts nothing."""
    group_buy = groupbuys.managed_group_buy(roles(actor), group_buy_id)
    _household_in(group_buy, household_id)
    amount_fen, reference = checked_money(amount_fen, method, reference)
    key = reference_key("payment", method, reference)
    with transaction.atomic():
        entry = post(
            Entry.Kind.PAYMENT,
            [
                (Acct(Kind.CLEARING, method=method), amount_fen),
                (Acct(Kind.HOUSEHOLD, household_id), -amount_fen),
            ],
            key=key,
            actor=actor,
            at=at,
            group_buy_id=group_buy.pk,
            method=method,
            reference=reference,
        )
        assert entry is not None
        if recorded_before(
            entry, reference, Kind.HOUSEHOLD, household_id, -amount_fen, group_buy.pk
        ):
            return entry
        audit.record(
            actor=actor,
            action="ledger.payment_recorded",
            target=entry,
            data={"household": household_id, "amount_fen": amount_fen, "method": method},
        )
    return entry


#: What a reference's key may take of ``Entry.key`` (120), leaving room for ``#n``.
_KEY_ROOM = 112


def reference_key(kind: str, method: str, reference: str) -> str | None:
    """The key money recorded with this reference posts under, so that the same money sent
    twice posts once: the reference's own, or, once the entry recorded under it has been
    corrected (reversed by an operator), the next one (``…#2``, ``…#3``): a corrected
    reference may be recorded again, right this time."""
    if not reference:
        return None
    base = f"{kind}:{method}:{reference}"
    if len(base) > _KEY_ROOM:  # a long reference: its digest, which is as unique
        base = f"{kind}:{method}:sha256:{hashlib.sha256(reference.encode()).hexdigest()[:40]}"
    corrected = set(
        Entry.objects.filter(key__startswith=base, reversed_by__isnull=False).values_list(
            "key", flat=True
        )
    )
    key, n = base, 1
    while key in corrected:
        n += 1
        key = f"{base}#{n}"
    return key


def recorded_before(
    entry: Entry,
    reference: str,
    kind: str,
    owner_id: int,
    amount: int,
    group_buy_id: int | None = None,
) -> bool:
    """Whether :func:`post` found ``entry`` under its key (its reference) rather than writing
    it: the same money sent again if it moved ``amount`` for this owner of ``kind`` in this
    group buy; a reference already used for another owner, amount or group buy is refused,
    whether it was recorded long ago or at the same moment."""
    if getattr(entry, "_fresh", False):
        return False
    rows = list(
        entry.postings.filter(account__kind=kind).values_list("account__owner_id", "amount")
    )
    if rows != [(owner_id, amount)] or entry.group_buy_id != group_buy_id:
        raise ReferenceUsed(reference=reference)
    return True


def record_refund(
    *,
    actor: User,
    group_buy_id: int,
    household_id: int,
    amount_fen: int,
    method: str,
    reference: str = "",
    at: datetime | None = None,
) -> Entry:
    """A leader records money paid back to a household (what a failed group buy or a short
    delivery left to its credit). Never more than is due to it in this group buy."""
    group_buy = groupbuys.managed_group_buy(roles(actor), group_buy_id)
    _household_in(group_buy, household_id)
    amount_fen, reference = checked_money(amount_fen, method, reference)
    with transaction.atomic():
        # One refund at a time per household and group buy: the balance read below stays true.
        lock_account(Acct(Kind.HOUSEHOLD, household_id))
        due = -household_balance_in(group_buy.pk, household_id)
        if amount_fen > due:
            raise RefundTooLarge(due=yuan(max(due, 0)))
        entry = post(
            Entry.Kind.REFUND_PAID,
            [
                (Acct(Kind.HOUSEHOLD, household_id), amount_fen),
                (Acct(Kind.CLEARING, method=method), -amount_fen),
            ],
            actor=actor,
            at=at,
            group_buy_id=group_buy.pk,
            method=method,
            reference=reference,
        )
        assert entry is not None
        audit.record(
            actor=actor,
            action="ledger.refund_paid",
            target=entry,
            data={"household": household_id, "amount_fen": amount_fen, "method": method},
        )
    return entry
