"""Accounts by what they are, and one journal entry written with its postings: what every
movement of money on the ledger is made of."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from linli.accounts.models import User

from ..models import Account, Entry, Posting, Unit

Kind = Account.Kind


@dataclass(frozen=True)
class Acct:
    """An account by what it is, before it has a row: ``Acct(Kind.HOUSEHOLD, 12)``."""

    kind: str
    owner_id: int = 0
    method: str = ""
    unit: str = Unit.CNY


OPERATOR = Acct(Kind.OPERATOR)


def accounts(specs: Iterable[Acct], known: Mapping[Acct, int] | None = None) -> dict[Acct, int]:
    """The ids of these accounts (``known``: some already read), creating those that do not
    exist yet (concurrently safe: an insert that meets an existing row does nothing)."""
    wanted = set(specs)
    found = {spec: known[spec] for spec in wanted if known and spec in known}
    found |= _find(wanted - set(found)) if len(found) < len(wanted) else {}
    missing = wanted - set(found)
    if missing:
        with connection.cursor() as cursor:
            # Written out: the ORM's bulk_create builds a model instance per row first (a
            # group buy's first points touch an account per household).
            cursor.executemany(
                _INSERT_ACCOUNT,
                sorted((a.kind, a.owner_id, a.method, a.unit) for a in missing),
            )
        found |= _find(missing)
    return found


def _find(specs: set[Acct]) -> dict[Acct, int]:
    """Look the accounts up by (kind, method, unit) and owners, a few thousand at a time (a
    failed group buy touches every household that ordered)."""
    owners: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for spec in specs:
        owners[spec.kind, spec.method, spec.unit].append(spec.owner_id)
    found = {}
    with connection.cursor() as cursor:
        for (kind, method, unit), ids in owners.items():
            for start in range(0, len(ids), 5000):
                chunk = ids[start : start + 5000]
                cursor.execute(
                    f"SELECT id, owner_id FROM {_ACCOUNT} WHERE kind = %s AND method = %s"
                    f" AND unit = %s AND owner_id IN ({', '.join(['%s'] * len(chunk))})",
                    [kind, method, unit, *chunk],
                )
                found.update(
                    {Acct(kind, owner, method, unit): pk for pk, owner in cursor.fetchall()}
                )
    return found


def post(
    kind: str,
    amounts: Iterable[tuple[Acct, int]],
    *,
    key: str | None = None,
    actor: User | None = None,
    actor_id: int | None = None,
    at: datetime | None = None,
    known: Mapping[Acct, int] | None = None,
    **fields,
) -> Entry | None:
    """Write one entry with its postings (amounts to the same account are added up, zeros
    dropped). Nothing is written when nothing is left. Refuses an entry that does not balance
    per unit. With a ``key`` already used, returns that entry and writes nothing."""
    totals: dict[Acct, int] = defaultdict(int)
    for account, amount in amounts:
        totals[account] += amount
    totals = {account: amount for account, amount in totals.items() if amount}
    if not totals:
        return None
    per_unit: dict[str, int] = defaultdict(int)
    for account, amount in totals.items():
        per_unit[account.unit] += amount
    if any(per_unit.values()) or len(totals) < 2:
        raise ValueError(f"unbalanced entry {kind}: {dict(per_unit)}")
    ids = accounts(totals, known)
    if actor is not None and actor.is_authenticated:
        actor_id = actor.pk
    entry = Entry(
        kind=kind,
        key=key,
        actor_id=actor_id,
        at=at or timezone.now(),
        **fields,
    )
    if key is None:
        entry.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            return Entry.objects.get(key=key)
    rows = sorted((entry.pk, ids[account], amount) for account, amount in totals.items())
    with connection.cursor() as cursor:
        # One statement for any number of postings (a failed group buy has one per household);
        # the ORM's bulk_create builds a model instance per row first.
        cursor.executemany(_INSERT_POSTING, rows)
    entry._fresh = True  # type: ignore[attr-defined]
    return entry


def household_postings(group_buy_id: int, *kinds: str):
    return Posting.objects.filter(
        entry__group_buy_id=group_buy_id,
        entry__kind__in=kinds,
        account__kind=Kind.HOUSEHOLD,
        account__unit=Unit.CNY,
    )


def lock_account(spec: Acct) -> None:
    account_id = accounts([spec])[spec]
    Account.objects.select_for_update().filter(pk=account_id).first()


_POSTING = Posting._meta.db_table
_ACCOUNT = Account._meta.db_table
_INSERT_ACCOUNT = (
    f"INSERT INTO {_ACCOUNT} (kind, owner_id, method, unit) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT DO NOTHING"
)
_INSERT_POSTING = f"INSERT INTO {_POSTING} (entry_id, account_id, amount) VALUES (%s, %s, %s)"
# Written out (as the hot queries of decision 0008): composing it with the ORM cost ten times
# what the database takes to answer it from the (account, amount) index.
_BALANCE = (
    f"SELECT COALESCE(SUM(p.amount), 0) FROM {_POSTING} p"
    f" JOIN {_ACCOUNT} a ON a.id = p.account_id"
    " WHERE a.kind = %s AND a.owner_id = %s AND a.method = %s AND a.unit = %s"
)


def balance(spec: Acct) -> int:
    """The sum of the account's postings (0 for an account that has none or does not exist)."""
    with connection.cursor() as cursor:
        cursor.execute(_BALANCE, [spec.kind, spec.owner_id, spec.method, spec.unit])
        return int(cursor.fetchone()[0])


def balance_query(spec: Acct) -> tuple[str, list]:
    """The account's balance as a scalar subquery, with its parameters: for a written-out read
    that wants a balance beside its own columns, in the same statement."""
    return f"({_BALANCE})", [spec.kind, spec.owner_id, spec.method, spec.unit]
