"""Reads: what importing a chain would do (the preview), and a group buy's orders written
out as a chain to paste back into WeChat. Both only for a leader of the community or an
operator."""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Roles
from linli.communities import selectors as community_selectors
from linli.communities.models import Community, Household
from linli.core.errors import Invalid, Message, NotFound
from linli.core.formatting import yuan
from linli.groupbuys import rules
from linli.groupbuys import selectors as groupbuy_selectors
from linli.groupbuys.errors import NotLeader
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, OrderLine

from .models import ImportedLine, NicknameBook
from .parser import (
    MAX_LINE,
    Address,
    CatalogueItem,
    Problem,
    Reading,
    Row,
    building_key,
    clean,
    read_address,
    read_chain,
    room_key,
    write_chain,
)
from .rules import nickname_key

# The most text one import takes: a chain of some 15,000 lines. A 10,000-line chain stays
# inside the 2.5 MB request body Django accepts even with its Chinese escaped (\uXXXX, 6 bytes
# a character); a body over that is refused as too large before it gets here.
MAX_CHAIN = 500_000


class Action(StrEnum):
    """What confirming does with a chain line."""

    PLACE = "place"  # a new order for the household
    CHANGE = "change"  # the household's imported order gets this line's items
    CANCEL = "cancel"  # the line says 取消: the household's imported order is cancelled
    SAME = "same"  # already imported as it is: nothing to do
    REPLACED = "replaced"  # a later line of the same household counts instead
    SKIP = "skip"  # not an order: a notice, form text, a remark
    UNREADABLE = "unreadable"
    UNMATCHED = "unmatched"  # read, but no household of the community lives there, or the
    # nickname of a line without an address is not in the community's nickname book


# The actions that confirming carries out through the order service.
ORDERING = (Action.PLACE, Action.CHANGE, Action.CANCEL)

PROBLEMS = {
    Problem.NOTICE: _("A notice to the group, not an order."),
    Problem.FORM: _("Form text left in the chain, not an order."),
    Problem.REMARK: _("No number in front: a remark, not an order."),
    Problem.EMPTY: _("Nothing after the number."),
    Problem.TOO_LONG: _("Too long to be an order (more than %(max)s characters)."),
    Problem.NO_ADDRESS: _("No building and room found (write it like 3-1201 or 3号楼1201)."),
    Problem.NO_ITEMS: _("No item of this group buy named; say which, e.g. %(example)s."),
    Problem.UNKNOWN_ITEM: _("“%(detail)s” is not an item of this group buy."),
    Problem.BAD_QUANTITY: _("“%(detail)s” is not a quantity from 1 to 999."),
}
NOT_ORDERS = {Problem.NOTICE, Problem.FORM, Problem.REMARK}


@dataclass(frozen=True)
class PreviewItem:
    item_id: int
    name: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class PreviewLine:
    index: int
    number: int | None
    text: str
    nickname: str
    address: str | None
    household_id: int | None
    household: str | None
    items: list[PreviewItem]
    remark: str
    action: str
    reason: str | None
    order_id: int | None = None
    # The order an earlier text of this line placed for a household it no longer names (the
    # member corrected the address): confirming cancels it.
    cancels_order_id: int | None = None
    # Why the order service will refuse this line when confirmed (stock, a limit), if it will.
    warning: str | None = None
    # How the household was found: "address", or "nickname" (through the nickname book).
    found_by: str | None = None
    # No address, and the nickname book does not know the nickname: the leader is asked
    # whose it is; nothing is placed for it until then.
    needs_owner: bool = False


@dataclass(frozen=True)
class Preview:
    group_buy_id: int
    title: str
    lines: list[PreviewLine]
    counts: dict[str, int] = field(default_factory=dict)


def catalogue(group_buy: GroupBuy) -> list[CatalogueItem]:
    return [
        CatalogueItem(key=item.pk, name=item.product.name, unit=item.product.unit)
        for item in group_buy.items.all()
    ]


@dataclass
class _Households:
    """The community's households by building and room, read in one query."""

    by_place: dict[tuple[str, str], list[tuple[str, Household]]]
    buildings: set[str]

    @classmethod
    def of(cls, community_id: int) -> "_Households":
        by_place: dict[tuple[str, str], list[tuple[str, Household]]] = defaultdict(list)
        buildings = set()
        for household in Household.objects.filter(
            building__community_id=community_id
        ).select_related("building"):
            key = building_key(household.building.name)
            unit, room = room_key(household.room)
            by_place[key, room].append((unit, household))
            buildings.add(key)
        return cls(by_place, buildings)

    def find(self, address: Address) -> tuple[Household | None, Message | None]:
        where = str(address)
        if address.building not in self.buildings:
            return None, Message(
                _("This community has no building “%(building)s” (read from %(place)s)."),
                building=address.building,
                place=where,
            )
        found = self.by_place.get((address.building, address.room), [])
        if address.unit:
            found = [(unit, h) for unit, h in found if unit in ("", address.unit)]
        if not found:
            return None, Message(_("No household of this community at %(place)s."), place=where)
        if len(found) > 1:
            return None, Message(
                _("Several households at %(place)s: add the unit (单元)."), place=where
            )
        return found[0][1], None


def _label(household: Household) -> str:
    return f"{household.building.name} {household.room} {household.contact_name}"


def read_for(who: Roles, group_buy_id: int, text: str) -> tuple[GroupBuy, list[Reading]]:
    """The group buy (if the caller runs it) and the chain read against its items."""
    group_buy = groupbuy_selectors.managed_group_buy(who, group_buy_id)
    if not text.strip():
        raise Invalid(details=[{"field": "text", "message": _("Paste the text of the chain.")}])
    if len(text) > MAX_CHAIN or "\x00" in text:
        raise Invalid(
            details=[
                {
                    "field": "text",
                    "message": Message(_("At most %(max)s characters."), max=MAX_CHAIN),
                }
            ]
        )
    return group_buy, read_chain(text, catalogue(group_buy)).lines


def preview_import(*, who: Roles, group_buy_id: int, text: str) -> Preview:
    """What confirming this chain would do, line by line, with the reason for every line that
    gives no order. Stores nothing."""
    group_buy, readings = read_for(who, group_buy_id, text)
    items = {item.pk: item for item in group_buy.items.all()}
    households = _Households.of(group_buy.community_id)
    # A line with an address is found by it, even when it has a nickname too: the book learns
    # only from the leader's match, never silently from a chain (a nickname can be shared).
    book = _book_for(
        group_buy.community_id,
        {r.nickname for r in readings if r.is_order and r.address is None},
    )
    matched: list[tuple[Reading, Household | None, Message | None]] = []
    for reading in readings:
        household, why = (None, None)
        if reading.is_order and reading.address is not None:
            household, why = households.find(reading.address)
        elif reading.is_order:
            household = book.get(nickname_key(reading.nickname))
            if household is None:
                why = Message(
                    _("Whose is this? No building and room, and “%(nickname)s” is not known here."),
                    nickname=reading.nickname,
                )
        matched.append((reading, household, why))
    last_line = {h.pk: r.index for r, h, _why in matched if h is not None}
    imported = {
        line.number: line
        for line in ImportedLine.objects.filter(group_buy=group_buy).select_related(
            "order", "household__building"
        )
    }
    matched_ids = {h.pk for _r, h, _w in matched if h is not None}
    orders = _imported_orders(group_buy, matched_ids)
    elsewhere = _orders_placed_elsewhere(group_buy, matched_ids)
    numbers = {r.index: r.number for r in readings}
    example = " ".join(f"{item.product.name}1" for item in list(items.values())[:2])

    lines: list[PreviewLine] = []
    counts = {action.value: 0 for action in Action}
    for reading, household, why in matched:
        order_id: int | None = None
        reason: str | None
        if reading.problem is not None:
            action = Action.SKIP if reading.problem in NOT_ORDERS else Action.UNREADABLE
            reason = str(
                Message(
                    PROBLEMS[reading.problem],
                    max=MAX_LINE,
                    detail=reading.detail,
                    example=example,
                )
            )
        elif household is None:
            action, reason = Action.UNMATCHED, str(why)
        elif last_line[household.pk] != reading.index:
            action = Action.REPLACED
            reason = str(
                Message(
                    _("Line %(number)s of the same household replaces this one."),
                    number=numbers[last_line[household.pk]] or "",
                )
            )
        else:
            action, reason, order_id = _plan(reading, household, imported, orders)
            if action == Action.PLACE and household.pk in elsewhere:
                reason = str(
                    Message(
                        _(
                            "This household also has order %(orders)s, not from the chain; this "
                            "adds another."
                        ),
                        orders=", ".join(map(str, elsewhere[household.pk])),
                    )
                )
        counts[action] += 1
        moved = _moved_away(reading, household, imported, last_line)
        if moved is not None:
            note = Message(
                _("This line named %(place)s before: its order %(order)s is cancelled."),
                place=_label(moved.household),
                order=moved.order_id,
            )
            reason = f"{reason} {note}" if reason else str(note)
        lines.append(
            PreviewLine(
                index=reading.index,
                number=reading.number,
                text=reading.text,
                nickname=reading.nickname,
                address=str(reading.address) if reading.address else None,
                household_id=household.pk if household else None,
                household=_label(household) if household else None,
                items=[
                    PreviewItem(
                        item_id=key,
                        name=items[key].product.name,
                        unit=items[key].product.unit,
                        quantity=quantity,
                    )
                    for key, quantity in sorted(
                        reading.items.items(), key=lambda pair: items[pair[0]].position
                    )
                ],
                remark=reading.remark,
                action=action,
                reason=reason,
                order_id=order_id,
                cancels_order_id=moved.order_id if moved is not None else None,
                found_by=(
                    None
                    if household is None
                    else "address"
                    if reading.address is not None
                    else "nickname"
                ),
                needs_owner=(
                    reading.problem is None and reading.address is None and household is None
                ),
            )
        )
    lines = _foresee_refusals(group_buy, items, lines)
    counts["warnings"] = sum(line.warning is not None for line in lines)
    counts["needs_owner"] = sum(line.needs_owner for line in lines)
    return Preview(group_buy_id=group_buy.pk, title=group_buy.title, lines=lines, counts=counts)


def _book_for(community_id: int, nicknames: set[str]) -> dict[str, Household]:
    """The households the community's nickname book knows for these nicknames, by key; one
    query."""
    keys = {nickname_key(nickname) for nickname in nicknames} - {""}
    if not keys:
        return {}
    entries = NicknameBook.objects.filter(community_id=community_id, key__in=keys)
    return {entry.key: entry.household for entry in entries.select_related("household__building")}


def _foresee_refusals(
    group_buy: GroupBuy, items: dict[int, GroupBuyItem], lines: list[PreviewLine]
) -> list[PreviewLine]:
    """Play the confirm through, line by line in the same order, against the stock left, the
    limits per household and the group buy's maximum (at which it closes: every later line is
    refused), and warn on each line the order service will refuse. Three queries at most,
    whatever the chain's length."""
    households = {line.household_id for line in lines if line.household_id is not None}
    # An order cancelled because its line now names another household gives its stock back,
    # though its household may have no line left in the chain.
    moved = {line.cancels_order_id for line in lines if line.cancels_order_id is not None}
    held: dict[int, dict[int, dict[int, int]]] = defaultdict(dict)  # household → order → items
    owners: dict[int, int] = {}  # order → household
    for household_id, order_id, item_id, quantity in (
        OrderLine.objects.filter(order__group_buy=group_buy, order__status=Order.Status.PLACED)
        .filter(Q(order__household_id__in=households) | Q(order_id__in=moved))
        .values_list("order__household_id", "order_id", "item_id", "quantity")
    ):
        held[household_id].setdefault(order_id, {})[item_id] = quantity
        owners[order_id] = household_id
    orders = {order_id: wanted for by in held.values() for order_id, wanted in by.items()}
    left = {item_id: item.stock_left for item_id, item in items.items()}
    maximum = _Maximum.of(group_buy)
    result = []
    for line in lines:
        warning = None
        gone: dict[int, int] | None = None
        if line.cancels_order_id is not None and line.cancels_order_id in orders:
            # Confirming cancels the moved order first, in the line's own savepoint: refused
            # once the group buy has closed; its stock and its place before the maximum are
            # free for the line, and the order stays if the line is refused.
            warning = maximum.closed()
            if warning is None:
                owner = owners[line.cancels_order_id]
                gone = orders.pop(line.cancels_order_id)
                del held[owner][line.cancels_order_id]
                for item_id, quantity in gone.items():
                    left[item_id] += quantity
                maximum.forget(owner, gone, still_ordering=bool(held[owner]))
        if line.action in ORDERING and warning is None:
            assert line.household_id is not None
            mine = held[line.household_id]
            old = orders.get(line.order_id, {}) if line.order_id is not None else {}
            new = (
                {} if line.action == Action.CANCEL else {i.item_id: i.quantity for i in line.items}
            )
            delta = {k: new.get(k, 0) - old.get(k, 0) for k in set(new) | set(old)}
            keeps_ordering = bool(new) or any(key != line.order_id for key in mine)
            warning = maximum.refusal(line, delta, keeps_ordering) or _refusal(
                items, left, mine, line.order_id, new, delta
            )
            if warning is None:
                for item_id, change in delta.items():
                    left[item_id] -= change
                mine.pop(line.order_id or 0, None)
                if new:
                    key = line.order_id or -line.index  # a new order: a key of its own
                    mine[key] = orders[key] = new
                maximum.count(line, delta, keeps_ordering)
        if warning is not None and gone is not None:
            assert line.cancels_order_id is not None
            owner = owners[line.cancels_order_id]
            orders[line.cancels_order_id] = held[owner][line.cancels_order_id] = gone
            for item_id, quantity in gone.items():
                left[item_id] -= quantity
            maximum.remember(owner, gone)
        result.append(replace(line, warning=warning) if warning else line)
    return result


@dataclass
class _Maximum:
    """How far the group buy is towards its maximum (``max_to_close``), in units and in
    households, while the confirm is played through; and the chain line at which it reaches
    it and closes. Whether a line passes the maximum, reaches it or stays below, and how much
    was left, the order service's own rules say (:func:`rules.fill`,
    :func:`rules.passes_maximum`, :func:`rules.left_before_maximum`,
    :func:`rules.reaches_maximum`)."""

    group_buy: GroupBuy
    unit: str
    units: int = 0
    households: set[int] = field(default_factory=set)
    closing_line: int | None = None

    @classmethod
    def of(cls, group_buy: GroupBuy) -> "_Maximum":
        maximum = cls(group_buy=group_buy, unit=str(group_buy.get_threshold_display()))
        if group_buy.max_to_close is None:
            return maximum
        placed = OrderLine.objects.filter(
            order__group_buy=group_buy, order__status=Order.Status.PLACED
        )
        for household_id, quantity in placed.values_list("order__household_id", "quantity"):
            maximum.units += quantity
            maximum.households.add(household_id)
        return maximum

    @property
    def fill(self) -> int:
        return rules.fill(self.group_buy, units=self.units, households=len(self.households))

    def _after(self, line: PreviewLine, delta: dict[int, int], keeps_ordering: bool) -> int:
        """The fill once the line is confirmed (counted, not copied: a chain has thousands)."""
        counted = line.household_id in self.households
        households = (
            len(self.households)
            + (keeps_ordering and not counted)
            - (not keeps_ordering and counted)
        )
        return rules.fill(
            self.group_buy, units=self.units + sum(delta.values()), households=households
        )

    def closed(self) -> str | None:
        """Why the order service refuses any change once the group buy closed at its maximum
        with an earlier line."""
        if self.closing_line is None:
            return None
        return str(
            Message(
                _(
                    "Will be refused: the group buy reaches its maximum with line "
                    "%(number)s and closes."
                ),
                number=self.closing_line,
            )
        )

    def refusal(self, line: PreviewLine, delta: dict[int, int], keeps_ordering: bool) -> str | None:
        """Why the order service will refuse the line at the maximum: the group buy closed at
        an earlier line, or the line would pass it. A cancellation is never refused here, as
        the service does not count it against the maximum."""
        if self.group_buy.max_to_close is None:
            return None
        if (closed := self.closed()) is not None:
            return closed
        if line.action == Action.CANCEL:
            return None
        if rules.passes_maximum(self.group_buy, self._after(line, delta, keeps_ordering)):
            return str(
                Message(
                    _("Will be refused: only %(left)s more %(unit)s can join before the maximum."),
                    left=rules.left_before_maximum(self.group_buy, self.fill),
                    unit=self.unit,
                )
            )
        return None

    def count(self, line: PreviewLine, delta: dict[int, int], keeps_ordering: bool) -> None:
        """Count a line the service takes; if it reaches the maximum exactly, the group buy
        closes with it."""
        if self.group_buy.max_to_close is None:
            return
        assert line.household_id is not None
        before = self.fill
        self.units += sum(delta.values())
        if keeps_ordering:
            self.households.add(line.household_id)
        else:
            self.households.discard(line.household_id)
        if line.action != Action.CANCEL and rules.reaches_maximum(
            self.group_buy, before=before, after=self.fill
        ):
            self.closing_line = line.number

    def forget(self, household_id: int, order: dict[int, int], *, still_ordering: bool) -> None:
        """An order cancelled because its line now names another household."""
        self.units -= sum(order.values())
        if not still_ordering:
            self.households.discard(household_id)

    def remember(self, household_id: int, order: dict[int, int]) -> None:
        """The order forgotten, back: the line that would have moved it is refused."""
        self.units += sum(order.values())
        self.households.add(household_id)


def _refusal(
    items: dict[int, GroupBuyItem],
    left: dict[int, int],
    mine: dict[int, dict[int, int]],
    order_id: int | None,
    new: dict[int, int],
    delta: dict[int, int],
) -> str | None:
    """Why the order service will refuse the line for its stock (:func:`rules.short_of_stock`,
    as its guarded update finds) or a limit per household (:func:`rules.over_limit`)."""
    for item_id, change in sorted(delta.items()):
        if rules.short_of_stock(left[item_id], change):
            item = items[item_id]
            return str(
                Message(
                    _("Will be refused: only %(left)s %(unit)s of %(product)s left."),
                    left=left[item_id],
                    unit=item.product.unit,
                    product=item.product.name,
                )
            )
    for item_id, quantity in sorted(new.items()):
        limit = items[item_id].per_household_limit
        others = sum(q.get(item_id, 0) for key, q in mine.items() if key != order_id)
        if rules.over_limit(limit, had=others, asked=quantity):
            item = items[item_id]
            return str(
                Message(
                    _(
                        "Will be refused: %(product)s is limited to %(limit)s %(unit)s per "
                        "household, and this household has %(had)s already."
                    ),
                    product=item.product.name,
                    limit=limit,
                    unit=item.product.unit,
                    had=others,
                )
            )
    return None


def _imported_orders(group_buy: GroupBuy, household_ids: set[int]) -> dict[int, Order]:
    """Each household's live order placed by an earlier import (the latest, if several)."""
    chain_lines = (
        ImportedLine.objects.filter(
            group_buy=group_buy,
            household_id__in=household_ids,
            order__status=Order.Status.PLACED,
        )
        .select_related("order")
        .prefetch_related(Prefetch("order__lines", queryset=OrderLine.objects.order_by("id")))
        .order_by("imported_at", "id")
    )
    return {line.household_id: line.order for line in chain_lines}


def _moved_away(
    reading: Reading,
    household: Household | None,
    imported: dict[int, ImportedLine],
    last_line: dict[int, int],
) -> ImportedLine | None:
    """The imported line of the same number, if it placed a live order for a household that
    this line no longer names and that has no line of its own in the chain."""
    known = imported.get(reading.number) if reading.number is not None else None
    if known is None or household is None or known.household_id == household.pk:
        return None
    if known.household_id in last_line or known.order.status != Order.Status.PLACED:
        return None
    return known


def _orders_placed_elsewhere(group_buy: GroupBuy, household_ids: set[int]) -> dict[int, list]:
    """Each household's live orders that no import placed (ordered in the app, say)."""
    placed = (
        Order.objects.filter(
            group_buy=group_buy, household_id__in=household_ids, status=Order.Status.PLACED
        )
        .exclude(chain_lines__isnull=False)
        .order_by("pk")
        .values_list("household_id", "pk")
    )
    result: dict[int, list] = {}
    for household_id, order_id in placed:
        result.setdefault(household_id, []).append(order_id)
    return result


def _plan(
    reading: Reading,
    household: Household,
    imported: dict[int, ImportedLine],
    orders: dict[int, Order],
) -> tuple[Action, str | None, int | None]:
    known = imported.get(reading.number) if reading.number is not None else None
    order = orders.get(household.pk)
    if known is not None and known.text == reading.text and known.household_id == household.pk:
        return (
            Action.SAME,
            str(Message(_("Already imported as order %(order)s."), order=known.order_id)),
            known.order_id,
        )
    if reading.cancel:
        if order is None:
            return (
                Action.SKIP,
                str(_("Nothing to cancel: no order of this household came from the chain.")),
                None,
            )
        return (
            Action.CANCEL,
            str(Message(_("Cancels order %(order)s."), order=order.pk)),
            order.pk,
        )
    if order is None:
        return Action.PLACE, None, None
    if {line.item_id: line.quantity for line in order.lines.all()} == reading.items:
        return (
            Action.SAME,
            str(Message(_("Order %(order)s already has these items."), order=order.pk)),
            order.pk,
        )
    return (
        Action.CHANGE,
        str(Message(_("Replaces the items of order %(order)s."), order=order.pk)),
        order.pk,
    )


# ---------------------------------------------------------------------------------------------
# Export


def chain_text(*, who: Roles, group_buy_id: int) -> str:
    """The group buy's live orders as a 接龙 to paste into WeChat: a header naming the items
    and the cutoff, a blank line, then one numbered line per household (its orders added up)
    with its name, building and room, and its items. Importing it back gives the same orders."""
    group_buy = groupbuy_selectors.managed_group_buy(who, group_buy_id)
    items = list(group_buy.items.all())
    cutoff = timezone.localtime(group_buy.cutoff_at).strftime("%m-%d %H:%M")
    header = ["#接龙", group_buy.title]
    header += [
        f"{_code(n)}. {item.product.name} {yuan(item.price_fen)}/{item.product.unit}"
        for n, item in enumerate(items)
    ]
    header.append(f"截单 {cutoff}")
    lines = (
        OrderLine.objects.filter(
            order__group_buy=group_buy, order__status__in=groupbuy_selectors.ACTIVE
        )
        .select_related("order__household__building")
        .order_by("order__seq", "order__placed_at", "order_id", "item_id")
    )
    rows: dict[int, Row] = {}
    for line in lines:
        household = line.order.household
        if household.pk not in rows:
            rows[household.pk] = Row(
                name=household.contact_name,
                building=household.building.name,
                room=household.room,
                items={},
            )
        wanted = rows[household.pk].items
        wanted[line.item_id] = wanted.get(line.item_id, 0) + line.quantity
    return write_chain(header, catalogue(group_buy), rows.values())


def _code(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


# ---------------------------------------------------------------------------------------------
# The nickname book: whose nickname is whose, per community


class NicknameNotFound(NotFound):
    code = "nickname_not_found"
    template = _("This community's nickname book has no such entry.")


# The most households a search for a nickname's owner shows.
MAX_FOUND = 20
# The longest search text taken (a room, a name, a phone's last four).
MAX_QUERY = 40


@dataclass(frozen=True)
class HouseholdChoice:
    """A household a leader may match a nickname to: where, who, and the phone masked."""

    household_id: int
    label: str
    phone: str


@dataclass(frozen=True)
class NicknameEntry:
    id: int
    nickname: str
    household_id: int
    household: str
    matched_by: str
    matched_at: datetime


def managed_community(who: Roles, community_id: int) -> Community:
    """A community whose nickname book the caller keeps: a leader of it, or an operator. 404
    for a community the caller does not see, 403 for a member of it."""
    community = community_selectors.community_for(who, community_id)
    if not who.manages(community.pk):
        raise NotLeader(community=community.name)
    return community


def nickname_book(*, who: Roles, community_id: int) -> list[NicknameEntry]:
    """The community's nickname book, by nickname: for its leaders and the operators only."""
    community = managed_community(who, community_id)
    entries = (
        NicknameBook.objects.filter(community=community)
        .select_related("household__building", "matched_by")
        .order_by("key", "pk")
    )
    return [entry_of(entry) for entry in entries]


def entry_of(entry: NicknameBook) -> NicknameEntry:
    """An entry of the book as shown (its household, building and matcher loaded)."""
    return NicknameEntry(
        id=entry.pk,
        nickname=entry.nickname,
        household_id=entry.household_id,
        household=_label(entry.household),
        matched_by=entry.matched_by.get_username(),
        matched_at=entry.matched_at,
    )


def households_for_nickname(*, who: Roles, community_id: int, query: str) -> list[HouseholdChoice]:
    """The community's households a leader may mean by ``query``: a room ("1201"), a building
    and room ("3-1201", "3号楼1201"), a contact name or part of it, or the phone's last four
    digits. At most :data:`MAX_FOUND`, by building and room; none for an empty query."""
    community = managed_community(who, community_id)
    text = clean(query.replace("\x00", "")).strip()[:MAX_QUERY]
    if not text:
        return []
    households = Household.objects.filter(building__community=community).select_related("building")
    found = read_address(text)
    if found is not None:
        address = found[0]
        wanted = [
            h
            for h in households.filter(room__contains=address.room)
            if building_key(h.building.name) == address.building
            and room_key(h.room)[1] == address.room
            and (not address.unit or room_key(h.room)[0] in ("", address.unit))
        ]
    else:
        match = Q(contact_name__icontains=text)
        if text.isdigit():
            match |= Q(room__contains=text)
            if len(text) == 4:
                match |= Q(phone__endswith=text)
        wanted = list(households.filter(match))
    wanted.sort(key=lambda h: (h.building.position, h.building.name, h.room, h.pk))
    return [
        HouseholdChoice(household_id=h.pk, label=_label(h), phone=who.shown_phone(h.pk, h.phone))
        for h in wanted[:MAX_FOUND]
    ]
