"""What operators do: pay a supplier or a leader, and correct an entry with a reversing one."""

from datetime import datetime

from django.db import transaction

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit
from linli.core.formatting import yuan

from ..errors import (
    AccountNotFound,
    AlreadyReversed,
    EntryNotFound,
    NotOperator,
    NotReversible,
    PayoutTooLarge,
)
from ..limits import MAX_MEMO
from ..models import Entry
from .payments import checked_money, recorded_before, reference_key
from .posting import Acct, Kind, balance, lock_account, post


def pay_out(
    *,
    actor: User,
    kind: str,
    owner_id: int,
    amount_fen: int,
    method: str,
    reference: str = "",
    at: datetime | None = None,
) -> Entry:
    """An operator records money paid to a supplier (its payable) or a leader (commission)."""
    if not roles(actor).operator:
        raise NotOperator()
    if kind not in (Kind.SUPPLIER, Kind.LEADER):
        raise AccountNotFound()
    amount_fen, reference = checked_money(amount_fen, method, reference)
    account = Acct(kind, owner_id)
    key = reference_key("payout", method, reference)
    with transaction.atomic():
        lock_account(account)
        owed = -balance(account)
        entry = post(
            Entry.Kind.PAYOUT,
            [(account, amount_fen), (Acct(Kind.CLEARING, method=method), -amount_fen)],
            key=key,
            actor=actor,
            at=at,
            method=method,
            reference=reference,
        )
        assert entry is not None
        # The same payout sent again is answered with the first one, even though nothing is
        # owed any more.
        if recorded_before(entry, reference, kind, owner_id, amount_fen):
            return entry
        if amount_fen > owed:
            raise PayoutTooLarge(due=yuan(max(owed, 0)))  # and the entry is rolled back
        audit.record(
            actor=actor,
            action="ledger.paid_out",
            target=entry,
            data={"account": str(account), "amount_fen": amount_fen, "method": method},
        )
    return entry


#: Entries typed in by people, and so the ones a correction is for. Charges, failures,
#: short-delivery refunds and settlements follow from the orders and are recomputed from them.
BY_HAND = (Entry.Kind.PAYMENT, Entry.Kind.REFUND_PAID, Entry.Kind.PAYOUT)


def reverse_entry(*, actor: User, entry_id: int, memo: str = "") -> Entry:
    """An operator corrects a payment, refund or payout recorded by mistake: a new entry with
    every posting negated, pointing at the one it corrects. Each is corrected at most once."""
    if not roles(actor).operator:
        raise NotOperator()
    with transaction.atomic():
        original = Entry.objects.select_for_update().filter(pk=entry_id).first()
        if original is None:
            raise EntryNotFound()
        if original.kind not in BY_HAND:
            raise NotReversible()
        done = Entry.objects.filter(reverses=original).values_list("pk", flat=True).first()
        if done is not None:
            raise AlreadyReversed(entry=original.pk, by=done)
        amounts = [
            (Acct(kind, owner, method, unit), -amount)
            for kind, owner, method, unit, amount in original.postings.values_list(
                "account__kind", "account__owner_id", "account__method", "account__unit", "amount"
            )
        ]
        entry = post(
            Entry.Kind.REVERSAL,
            amounts,
            key=f"reversal:{original.pk}",
            actor=actor,
            reverses=original,
            group_buy_id=original.group_buy_id,
            order_id=original.order_id,
            method=original.method,
            memo=" ".join(memo.split())[:MAX_MEMO],
        )
        assert entry is not None
        audit.record(
            actor=actor,
            action="ledger.entry_reversed",
            target=entry,
            data={"reverses": original.pk},
        )
    return entry
