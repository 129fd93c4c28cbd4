"""Import a 接龙 chain: the leader confirms what the preview showed, and the orders are placed
through the group buys' own order service (stock, limits and all)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.communities.models import Household
from linli.core import audit
from linli.core.errors import Invalid, LinliError, Message, render
from linli.groupbuys import rules
from linli.groupbuys.limits import MAX_NOTE
from linli.groupbuys.models import GroupBuy
from linli.groupbuys.services import cancel_order, change_order, place_order

from .models import MAX_KEY, MAX_NICKNAME, ImportedLine, NicknameBook
from .rules import nickname_key
from .selectors import (
    ORDERING,
    Action,
    NicknameEntry,
    NicknameNotFound,
    Preview,
    PreviewLine,
    entry_of,
    managed_community,
    preview_import,
)


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
                "needs_owner": [o.line.number for o in outcomes if o.line.needs_owner],
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


# ---------------------------------------------------------------------------------------------
# The nickname book


def remember_nickname(
    *,
    actor: User,
    community_id: int,
    nickname: str,
    household_id: int,
    now: datetime | None = None,
) -> NicknameBook:
    """The leader says whose a nickname is: the community's nickname book keeps it, and every
    later chain of the community finds the household's entries by it. A nickname the book
    already knows (compared by :func:`rules.nickname_key`) is matched anew: that corrects it.

    Leaders of the community and operators only (404 for a community the caller does not
    see, 403 for a member). Refuses, changing nothing, an empty nickname, one over
    :data:`MAX_NICKNAME` characters, and a household that is not one of the community's.
    Two leaders matching the same nickname at once end with one entry: the later match wins.
    Audited."""
    now = now or timezone.now()
    community = managed_community(roles(actor), community_id)
    # Control characters (a NUL, a stray tab) are no part of a nickname.
    nickname = " ".join("".join(c for c in str(nickname) if c.isprintable() or c.isspace()).split())
    key = nickname_key(nickname)
    if not key:
        raise Invalid(details=[{"field": "nickname", "message": _("Say which nickname.")}])
    # A few characters fold into several (NFKC: "㍿" is "株式会社"): the key has its own bound.
    if len(nickname) > MAX_NICKNAME or len(key) > MAX_KEY:
        raise Invalid(
            details=[
                {
                    "field": "nickname",
                    "message": Message(
                        _("A nickname has at most %(max)s characters."), max=MAX_NICKNAME
                    ),
                }
            ]
        )
    household = (
        Household.objects.filter(pk=household_id, building__community=community)
        .select_related("building")
        .first()
        if 0 < household_id < 2**63
        else None
    )
    if household is None:
        raise Invalid(
            details=[
                {
                    "field": "household_id",
                    "message": Message(
                        _("%(community)s has no household %(id)s."),
                        community=community.name,
                        id=household_id,
                    ),
                }
            ]
        )
    with transaction.atomic():
        entry, was = _write_entry(community.pk, key, nickname, household, actor, now)
        audit.record(
            actor=actor,
            action="jielong.nickname_matched",
            target=entry,
            data={
                "community": community.pk,
                "nickname": nickname,
                "household": household.pk,
                "was": was,
            },
        )
    return entry


def _write_entry(
    community_id: int,
    key: str,
    nickname: str,
    household: Household,
    actor: User,
    now: datetime,
) -> tuple[NicknameBook, int | None]:
    """Match the key anew, or add it; returns the entry and the household it named before.
    The entry is locked while it changes; if another leader adds the same key meanwhile, the
    insert fails on the unique key, and the entry they added is matched anew instead."""
    fields = {"nickname": nickname, "household": household, "matched_by": actor, "matched_at": now}
    for _attempt in range(2):
        entry = (
            NicknameBook.objects.select_for_update()
            .filter(community_id=community_id, key=key)
            .first()
        )
        if entry is not None:
            was = entry.household_id
            for name, value in fields.items():
                setattr(entry, name, value)
            entry.save(update_fields=[*fields])
            return entry, was
        try:
            with transaction.atomic():
                return NicknameBook.objects.create(
                    community_id=community_id, key=key, **fields
                ), None
        except IntegrityError:
            continue
    raise AssertionError("unreachable: the entry that conflicted is found on the second try")


def forget_nickname(*, actor: User, community_id: int, entry_id: int) -> NicknameEntry:
    """Take an entry out of the community's nickname book (a wrong match, or a household that
    asked): the nickname's lines are "whose is this?" again. Orders already placed stay.
    Returns the entry as it was. Leaders of the community and operators only; audited."""
    community = managed_community(roles(actor), community_id)
    with transaction.atomic():
        entry = (
            NicknameBook.objects.select_for_update(of=("self",))
            .select_related("household__building", "matched_by")
            .filter(pk=entry_id, community=community)
            .first()
            if 0 < entry_id < 2**63
            else None
        )
        if entry is None:
            raise NicknameNotFound()
        audit.record(
            actor=actor,
            action="jielong.nickname_forgotten",
            target=entry,
            data={
                "community": community.pk,
                "nickname": entry.nickname,
                "household": entry.household_id,
            },
        )
        shown = entry_of(entry)
        entry.delete()
    return shown
