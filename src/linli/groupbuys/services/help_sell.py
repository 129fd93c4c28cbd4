"""Help-sell chains (帮卖): a supplier offers a product to leaders at a supply price, and a
leader passes it on to other leaders, each level keeping a share in parts per million of what
reaches the level above (decision 0038). The ledger splits each sale along the chain when the
group buy completes (:func:`linli.ledger.rules.help_sell_split`).

A leader holds an offer at most once (a database constraint), so a chain cannot come back to a
leader already in it; passing is refused past the offer's deepest level; a leader who stops
passing an offer on passes it to nobody new, and the group buys already running keep their
terms (the shares are stored on the passes, never changed).
"""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.catalog.models import Product
from linli.communities.models import Leader
from linli.core import audit
from linli.core.errors import Invalid, Message
from linli.core.formatting import LocalTime

from ..errors import (
    AlreadyHolds,
    ChainCycle,
    ChainTooDeep,
    LeaderNotFound,
    OfferNotFound,
    PassingStopped,
    ShareTooLarge,
)
from ..limits import MAX_PRICE_FEN, PPM
from ..models import HelpSellOffer, HelpSellPass
from ..selectors import chain_above

#: The most leaders a supplier offers one product to at once.
MAX_FIRST_LEADERS = 50


def _field(field: str, template, **params) -> dict:
    return {"field": field, "message": Message(template, **params)}


def _leader_name(leader: Leader) -> str:
    return leader.user.get_full_name() or leader.user.username


def offer_help_sell(
    *,
    actor: User,
    product_id: int,
    supply_price_fen: int,
    suggested_price_fen: int,
    leader_ids: Sequence[int],
    max_depth: int | None = None,
    now: datetime | None = None,
) -> HelpSellOffer:
    """The supplier offers a product at ``supply_price_fen`` to the leaders of ``leader_ids``
    (each holds it at level 1), to be passed on at most ``max_depth`` levels deep."""
    now = now or timezone.now()
    who = roles(actor)
    product = Product.objects.filter(pk=product_id, active=True).first()
    if product is None or not (who.operator or product.supplier_id in who.supplier_ids):
        raise OfferNotFound()
    depth = settings.LINLI_HELP_SELL["MAX_DEPTH"] if max_depth is None else max_depth
    problems = []
    if type(supply_price_fen) is not int or not 0 < supply_price_fen <= MAX_PRICE_FEN:
        problems.append(
            _field("supply_price_fen", _("The price must be above ¥0 and at most ¥100,000."))
        )
    elif (
        type(suggested_price_fen) is not int
        or not supply_price_fen <= suggested_price_fen <= MAX_PRICE_FEN
    ):
        problems.append(
            _field(
                "suggested_price_fen",
                _("The suggested price must be at least the supply price, at most ¥100,000."),
            )
        )
    if type(depth) is not int or not 1 <= depth <= 5:
        problems.append(_field("max_depth", _("Leaders may pass it on 1 to 5 levels deep.")))
    wanted = sorted(set(leader_ids))
    if not wanted or len(wanted) > MAX_FIRST_LEADERS:
        problems.append(
            _field("leader_ids", _("Offer it to 1 to %(max)s leaders."), max=MAX_FIRST_LEADERS)
        )
    leaders = Leader.objects.filter(pk__in=wanted, active=True).in_bulk()
    if len(leaders) != len(wanted):
        problems.append(_field("leader_ids", _("There is no such leader.")))
    if problems:
        raise Invalid(details=problems)
    with transaction.atomic():
        offer = HelpSellOffer.objects.create(
            supplier_id=product.supplier_id,
            product=product,
            supply_price_fen=supply_price_fen,
            suggested_price_fen=suggested_price_fen,
            max_depth=depth,
            operator_ppm=settings.LINLI_HELP_SELL["OPERATOR_PPM"],
            created_at=now,
        )
        HelpSellPass.objects.bulk_create(
            HelpSellPass(offer=offer, leader_id=pk, depth=1, share_ppm=PPM, passed_at=now)
            for pk in wanted
        )
        audit.record(
            actor=actor,
            action="help_sell.offered",
            target=offer,
            data={"product": product_id, "supply_price_fen": supply_price_fen, "to": wanted},
        )
    return offer


def _own_pass(actor: User, pass_id: int, *, lock: bool) -> HelpSellPass:
    who = roles(actor)
    passes = HelpSellPass.objects.select_related("offer", "leader__user")
    if lock:
        passes = passes.select_for_update(of=("self",))
    held = passes.filter(pk=pass_id).first()
    if held is None or held.leader_id != who.leader_id:
        raise OfferNotFound()
    return held


def pass_on(
    *,
    actor: User,
    pass_id: int,
    to_leader_id: int,
    share_ppm: int,
    now: datetime | None = None,
) -> HelpSellPass:
    """Pass an offer the actor holds on to another leader, who keeps ``share_ppm`` (parts per
    million) of what reaches the actor's level; the actor keeps the rest."""
    now = now or timezone.now()
    if type(share_ppm) is not int or not 0 <= share_ppm <= PPM:
        raise ShareTooLarge(ppm=share_ppm)
    with transaction.atomic():
        held = _own_pass(actor, pass_id, lock=True)
        if held.stopped_at is not None:
            raise PassingStopped(at=LocalTime(held.stopped_at))
        if held.depth + 1 > held.offer.max_depth:
            raise ChainTooDeep(most=held.offer.max_depth, level=held.depth)
        to = Leader.objects.select_related("user").filter(pk=to_leader_id, active=True).first()
        if to is None:
            raise LeaderNotFound()
        chain = chain_above(held)
        if any(p.leader_id == to.pk for p in chain):
            raise ChainCycle(leader=_leader_name(to))
        if HelpSellPass.objects.filter(offer_id=held.offer_id, leader=to).exists():
            raise AlreadyHolds(leader=_leader_name(to))
        try:
            with transaction.atomic():
                passed = HelpSellPass.objects.create(
                    offer_id=held.offer_id,
                    leader=to,
                    parent=held,
                    depth=held.depth + 1,
                    share_ppm=share_ppm,
                    passed_at=now,
                )
        except IntegrityError:  # passed to the same leader at the same moment by another
            raise AlreadyHolds(leader=_leader_name(to)) from None
        audit.record(
            actor=actor,
            action="help_sell.passed_on",
            target=passed,
            data={"from": held.pk, "to_leader": to.pk, "share_ppm": share_ppm},
        )
    return passed


def stop_passing(*, actor: User, pass_id: int, now: datetime | None = None) -> HelpSellPass:
    """Stop passing an offer on: nobody new gets it from the actor; the leaders who have it
    and the group buys running keep their terms. Stopping twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        held = _own_pass(actor, pass_id, lock=True)
        if held.stopped_at is None:
            held.stopped_at = now
            held.save(update_fields=["stopped_at"])
            audit.record(actor=actor, action="help_sell.stopped", target=held)
    return held
