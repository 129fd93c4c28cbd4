"""A leader opens a group buy for a community they lead."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.catalog.models import Product
from linli.communities.models import Community
from linli.core import audit
from linli.core.errors import Invalid, Message, NotFound

from .. import events
from ..errors import NotLeader
from ..limits import (
    MAX_DESCRIPTION,
    MAX_ITEMS,
    MAX_PLACE,
    MAX_PRICE_FEN,
    MAX_STOCK,
    MAX_THRESHOLD,
    MAX_TITLE,
)
from ..models import GroupBuy, GroupBuyItem, HelpSellPass, Presale


@dataclass(frozen=True)
class ItemSpec:
    product_id: int
    price_fen: int | None  # None: the product's suggested price
    stock: int
    per_household_limit: int | None = None
    # A share of a presale (the item's orders also take the farmer's total), or a help-sell
    # offer the leader holds (its sales are split along the chain): ids, or None.
    presale_id: int | None = None
    help_sell_id: int | None = None


def _field(field: str, template, **params) -> dict:
    return {"field": field, "message": Message(template, **params)}


def _check_items(items: Sequence[ItemSpec]) -> tuple[list[dict], dict[int, Product]]:
    problems: list[dict] = []
    if not items:
        problems.append(_field("items", _("Add at least one item.")))
    if len(items) > MAX_ITEMS:
        problems.append(_field("items", _("At most %(max)s items."), max=MAX_ITEMS))
    seen: set[int] = set()
    for index, spec in enumerate(items):
        where = f"items.{index}"
        if spec.product_id in seen:
            problems.append(_field(f"{where}.product_id", _("This product is listed twice.")))
        seen.add(spec.product_id)
        if spec.price_fen is not None and not 0 < spec.price_fen <= MAX_PRICE_FEN:
            problems.append(
                _field(f"{where}.price_fen", _("The price must be above ¥0 and at most ¥100,000."))
            )
        if not 0 < spec.stock <= MAX_STOCK:
            problems.append(
                _field(f"{where}.stock", _("Stock must be from 1 to %(max)s."), max=MAX_STOCK)
            )
        limit = spec.per_household_limit
        if limit is not None and not 0 < limit <= MAX_STOCK:
            problems.append(
                _field(
                    f"{where}.per_household_limit",
                    _("A limit per household must be at least 1, or left empty."),
                )
            )
    products = Product.objects.select_related("supplier").in_bulk(list(seen))
    for index, spec in enumerate(items):
        product = products.get(spec.product_id)
        if product is None or not product.active or not product.supplier.active:
            problems.append(
                _field(
                    f"items.{index}.product_id",
                    _("Product %(id)s does not exist or is not for sale."),
                    id=spec.product_id,
                )
            )
    return problems, products


def _check_sources(
    items: Sequence[ItemSpec], leader_id: int
) -> tuple[list[dict], dict[int, Presale], dict[int, HelpSellPass]]:
    """Presales must be open and of the item's product, with the item's stock within the
    farmer's total; a help-sell offer must be held by the leader opening the group buy. The
    presales are read under a lock a harvest being recorded must wait for."""
    problems: list[dict] = []
    presale_ids = sorted({spec.presale_id for spec in items if spec.presale_id is not None})
    pass_ids = sorted({spec.help_sell_id for spec in items if spec.help_sell_id is not None})
    if connection.vendor == "postgresql" and presale_ids:
        presales = {p.pk: p for p in Presale.objects.raw(_presales_key_share(), [presale_ids])}
    else:  # SQLite: the transaction runs alone
        presales = Presale.objects.in_bulk(presale_ids)
    passes = HelpSellPass.objects.select_related("offer").in_bulk(pass_ids)
    for index, spec in enumerate(items):
        where = f"items.{index}"
        if spec.presale_id is not None:
            presale = presales.get(spec.presale_id)
            if (
                presale is None
                or presale.status != Presale.Status.OPEN
                or presale.product_id != spec.product_id
            ):
                problems.append(
                    _field(
                        f"{where}.presale_id",
                        _("Presale %(id)s is not open for this product."),
                        id=spec.presale_id,
                    )
                )
            elif spec.stock > presale.total:
                problems.append(
                    _field(
                        f"{where}.stock",
                        _("The farmer's whole presale is %(total)s; ask for at most that."),
                        total=presale.total,
                    )
                )
        if spec.help_sell_id is not None:
            held = passes.get(spec.help_sell_id)
            if (
                held is None
                or held.leader_id != leader_id
                or held.offer.product_id != spec.product_id
            ):
                problems.append(
                    _field(
                        f"{where}.help_sell_id",
                        _("Help-sell offer %(id)s is not one you hold for this product."),
                        id=spec.help_sell_id,
                    )
                )
            elif spec.presale_id is not None:
                problems.append(
                    _field(
                        f"{where}.help_sell_id", _("An item is a presale or a help-sell, not both.")
                    )
                )
    return problems, presales, passes


def _presales_key_share() -> str:
    """The presales, locked ``FOR KEY SHARE``: orders still take from them, but a harvest
    (``FOR UPDATE``) waits for this group buy, or this group buy for the harvest."""
    table = connection.ops.quote_name(Presale._meta.db_table)
    return f"SELECT * FROM {table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE"


def _check_times(
    *, now: datetime, opens_at: datetime, cutoff_at: datetime, starts: datetime, ends: datetime
) -> list[dict]:
    problems = []
    if any(timezone.is_naive(moment) for moment in (opens_at, cutoff_at, starts, ends)):
        problems.append(_field("cutoff_at", _("Times must carry a time zone.")))
        return problems
    if cutoff_at <= now:
        problems.append(_field("cutoff_at", _("The cutoff must be in the future.")))
    if cutoff_at <= opens_at:
        problems.append(_field("cutoff_at", _("The cutoff must come after the opening.")))
    if starts < cutoff_at:
        problems.append(_field("pickup_starts_at", _("Pickup cannot start before the cutoff.")))
    if ends <= starts:
        problems.append(_field("pickup_ends_at", _("Pickup must end after it starts.")))
    return problems


def _default_price(
    spec: ItemSpec,
    product: Product,
    presales: dict[int, Presale],
    passes: dict[int, HelpSellPass],
) -> int:
    """The presale's price, the help-sell offer's suggested price, or the product's."""
    if spec.presale_id is not None:
        return presales[spec.presale_id].price_fen
    if spec.help_sell_id is not None:
        return passes[spec.help_sell_id].offer.suggested_price_fen
    return product.suggested_price_fen


def open_group_buy(
    *,
    actor: User,
    community_id: int,
    title: str,
    items: Sequence[ItemSpec],
    min_to_form: int,
    cutoff_at: datetime,
    pickup_starts_at: datetime,
    pickup_ends_at: datetime,
    threshold: str = GroupBuy.Threshold.UNITS,
    max_to_close: int | None = None,
    opens_at: datetime | None = None,
    pickup_place: str = "",
    description: str = "",
    now: datetime | None = None,
) -> GroupBuy:
    """Open a group buy for ``community_id``; the actor must be a leader of that community.

    Validates everything first and reports every problem at once (``Invalid`` with one detail
    per field); nothing is stored unless all is well.
    """
    now = now or timezone.now()
    who = roles(actor)
    community = Community.objects.filter(pk=community_id).first()
    if community is None or not who.sees(community_id):
        raise NotFound(_("There is no such community, or it is not yours to see."))
    if who.leader_id is None or not who.leads(community_id):
        raise NotLeader(community=community.name)

    opens_at = opens_at or now
    title = title.strip()
    pickup_place = pickup_place.strip() or community.default_pickup_place
    problems: list[dict] = []
    if not title:
        problems.append(_field("title", _("Give the group buy a title.")))
    if len(title) > MAX_TITLE:
        problems.append(_field("title", _("At most %(max)s characters."), max=MAX_TITLE))
    if len(description) > MAX_DESCRIPTION:
        problems.append(
            _field("description", _("At most %(max)s characters."), max=MAX_DESCRIPTION)
        )
    if not pickup_place:
        problems.append(_field("pickup_place", _("Say where to pick up.")))
    if len(pickup_place) > MAX_PLACE:
        problems.append(_field("pickup_place", _("At most %(max)s characters."), max=MAX_PLACE))
    if threshold not in GroupBuy.Threshold.values:
        problems.append(_field("threshold", _("Count the minimum in units or in households.")))
    if not 0 < min_to_form <= MAX_THRESHOLD:
        problems.append(
            _field("min_to_form", _("The minimum must be from 1 to %(max)s."), max=MAX_THRESHOLD)
        )
    if max_to_close is not None and not min_to_form <= max_to_close <= MAX_THRESHOLD:
        problems.append(
            _field("max_to_close", _("The maximum must be at least the minimum, or left empty."))
        )
    problems += _check_times(
        now=now,
        opens_at=opens_at,
        cutoff_at=cutoff_at,
        starts=pickup_starts_at,
        ends=pickup_ends_at,
    )
    item_problems, products = _check_items(items)
    problems += item_problems
    if problems:
        raise Invalid(details=problems)

    with transaction.atomic():
        source_problems, presales, passes = _check_sources(items, who.leader_id)
        if source_problems:
            raise Invalid(details=source_problems)
        group_buy = GroupBuy.objects.create(
            community=community,
            leader_id=who.leader_id,
            title=title,
            description=description,
            threshold=threshold,
            min_to_form=min_to_form,
            max_to_close=max_to_close,
            opens_at=opens_at,
            cutoff_at=cutoff_at,
            pickup_starts_at=pickup_starts_at,
            pickup_ends_at=pickup_ends_at,
            pickup_place=pickup_place,
        )
        created = GroupBuyItem.objects.bulk_create(
            GroupBuyItem(
                group_buy=group_buy,
                product=products[spec.product_id],
                price_fen=_default_price(spec, products[spec.product_id], presales, passes)
                if spec.price_fen is None
                else spec.price_fen,
                stock_initial=spec.stock,
                stock_left=spec.stock,
                per_household_limit=spec.per_household_limit,
                position=position,
                presale_id=spec.presale_id,
                help_sell_id=spec.help_sell_id,
            )
            for position, spec in enumerate(items)
        )
        events.opened(group_buy, created)
        audit.record(
            actor=actor,
            action="group_buy.opened",
            target=group_buy,
            data={
                "community": community_id,
                "items": [
                    [
                        spec.product_id,
                        spec.price_fen,
                        spec.stock,
                        spec.per_household_limit,
                        spec.presale_id,
                        spec.help_sell_id,
                    ]
                    for spec in items
                ],
            },
        )
    return group_buy
