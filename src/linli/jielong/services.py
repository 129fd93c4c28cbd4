"""Import a 接龙 chain: the leader confirms what the preview showed, and the orders are placed
through the group buys' own order service (stock, limits and all)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit
from linli.core.errors import LinliError, render
from linli.groupbuys import rules
from linli.groupbuys.limits import MAX_NOTE
from linli.groupbuys.models import GroupBuy
from linli.groupbuys.services import cancel_order, change_order, place_order

from .models import ImportedLine
from .selectors import ORDERING, Action, Preview, PreviewLine, preview_import


@dataclass(frozen=True)
class Outcome:
    """What confirming did with one chain line: the preview's line, and the order placed or
    changed, or why the order service refused it."""

    line: PreviewLine
    done: bool
    order_id: int | None
    error: str | None


@dataclass(frozen=True)
class ImportResult:
    group_buy_id: int
    outcomes: list[Outcome]

    def orders(self, action: Action) -> list[int | None]:
        """The orders that confirming placed, changed or cancelled (``action``)."""
        return [o.order_id for o in self.outcomes if o.done and o.line.action == action]

    @property
    def placed(self) -> int:
        return len(self.orders(Action.PLACE))

    @property
    def changed(self) -> int:
        return len(self.orders(Action.CHANGE))

    @property
    def cancelled(self) -> int:
        return len(self.orders(Action.CANCEL))

    @property
    def refused(self) -> int:
        return sum(o.error is not None for o in self.outcomes)


def import_chain(
    *, actor: User, group_buy_id: int, text: str, now: datetime | None = None
) -> ImportResult:
    """Do what the chain's preview shows — place, change or cancel each household's order, as
    the leader on behalf of the household, through the order service — and remember each line
    imported, so that importing the chain again, or a longer version of it, adds only what is
    new.

    One transaction, imports into one group buy one at a time; each order is its own
    savepoint, so a line the order service refuses (out of stock, over a limit) is reported
    with its reason and the others still go in. Refused lines are not remembered: importing
    again tries them again. Raises (and changes nothing) when the caller does not run the group
    buy or it no longer takes orders.
    """
    now = now or timezone.now()
    who = roles(actor)
    with transaction.atomic():
        _hold_imports(group_buy_id)
        preview: Preview = preview_import(who=who, group_buy_id=group_buy_id, text=text)
        if (
            refusal := rules.refusal_to_order(GroupBuy.objects.get(pk=group_buy_id), now)
        ) is not None:
            raise refusal
        outcomes = []
        moved_cancelled = []
        for line in preview.lines:
            outcome = _apply(actor, group_buy_id, line, now)
            if line.cancels_order_id is not None and outcome.error is None:
                moved_cancelled.append(line.cancels_order_id)
            outcomes.append(outcome)
        result = ImportResult(group_buy_id=group_buy_id, outcomes=outcomes)
        audit.record(
            actor=actor,
            action="jielong.imported",
            target_type="groupbuys.groupbuy",
            target_id=group_buy_id,
            data={
                "lines": len(preview.lines),
                "placed": result.orders(Action.PLACE),
                "changed": result.orders(Action.CHANGE),
                "cancelled": result.orders(Action.CANCEL),
                "refused": [o.line.number for o in outcomes if o.error is not None],
                "moved_away": moved_cancelled,
            },
        )
    return result


# The first key of the PostgreSQL advisory lock that runs imports into one group buy one at a
# time (the order service's own lock uses 0x4C4C).
IMPORT_LOCK = 0x4A4C


def _hold_imports(group_buy_id: int) -> None:
    """Two imports of the same chain at once must not both see a line as new: the second
    waits, then reads what the first stored. Orders placed meanwhile are not held up. SQLite
    runs write transactions one at a time and needs nothing here."""
    if connection.vendor != "postgresql":
        return
    key = (group_buy_id + 2**31) % 2**32 - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, key])


def _apply(actor: User, group_buy_id: int, line: PreviewLine, now: datetime) -> Outcome:
    """Carry out one line in a savepoint of its own. An order of an earlier text of the line,
    for a household it no longer names, is cancelled first: its stock and its place before
    the group buy's maximum are free for the line, and it stays if the line is refused."""
    lines = [(item.item_id, item.quantity) for item in line.items]
    note = line.remark[:MAX_NOTE]
    try:
        with transaction.atomic():
            if line.cancels_order_id is not None:
                cancel_order(actor=actor, order_id=line.cancels_order_id, now=now)
            if line.action not in ORDERING:
                return Outcome(line, False, line.order_id, None)
            assert line.household_id is not None and line.number is not None
            if line.action == Action.PLACE:
                order = place_order(
                    actor=actor,
                    group_buy_id=group_buy_id,
                    lines=lines,
                    household_id=line.household_id,
                    note=note,
                    now=now,
                )
            elif line.action == Action.CANCEL:
                assert line.order_id is not None
                order = cancel_order(actor=actor, order_id=line.order_id, now=now)
            else:
                assert line.order_id is not None
                order = change_order(
                    actor=actor, order_id=line.order_id, lines=lines, note=note, now=now
                )
            ImportedLine.objects.update_or_create(
                group_buy_id=group_buy_id,
                number=line.number,
                defaults={
                    "text": line.text,
                    "household_id": line.household_id,
                    "order": order,
                    "imported_by": actor,
                    "imported_at": now,
                },
            )
    except LinliError as error:
        details = [str(detail.get("message", "")) for detail in render(error.details)]
        return Outcome(line, False, line.order_id, " ".join([str(error.message), *details]))
    return Outcome(line, True, order.pk, None)
