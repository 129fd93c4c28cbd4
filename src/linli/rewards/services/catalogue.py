"""What operators set up (earning rules, perks, tiers' perks, species, sites) and what leaders
record at the gate (own bags, returned crates, imperfect produce, invitations)."""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.catalog.models import Product
from linli.communities.models import Community, Household
from linli.groupbuys.models import GroupBuyItem, Order

from ..errors import BadInput, HouseholdNotFound, ItemNotFound, OrderNotFound
from ..limits import MAX_AMOUNT, MAX_NAME
from ..models import (
    EarningRule,
    GreenAction,
    ImperfectItem,
    Perk,
    Referral,
    RewardUnit,
    Site,
    Species,
    Tier,
    Trigger,
)
from . import earning
from .access import operator


def _problem(field: str, message) -> dict:
    return {"field": field, "message": message}


def _name(value: str, problems: list[dict], field: str = "name") -> str:
    value = (value or "").strip()
    if not value:
        problems.append(_problem(field, _("Give it a name.")))
    elif len(value) > MAX_NAME:
        problems.append(_problem(field, _("At most %(n)s characters.") % {"n": MAX_NAME}))
    return value


def _amount(value: int, problems: list[dict], field: str) -> None:
    if not (1 <= value <= MAX_AMOUNT):
        problems.append(
            _problem(field, _("A whole number from 1 to %(most)s.") % {"most": MAX_AMOUNT})
        )


def create_rule(
    *,
    actor: User,
    name: str,
    trigger: str,
    amount: int,
    unit: str = RewardUnit.POINTS,
    effect: str = EarningRule.Effect.FIXED,
    community_id: int | None = None,
    category: str = "",
    min_amount_fen: int = 0,
    per_day_cap: int | None = None,
    per_month_cap: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> EarningRule:
    """A new earning rule; every bad field is named, and nothing is written."""
    operator(actor)
    problems: list[dict] = []
    name = _name(name, problems)
    if trigger not in Trigger.values:
        problems.append(_problem("trigger", _("Choose a trigger.")))
    elif trigger == Trigger.GOAL:
        problems.append(_problem("trigger", _("Set a community goal to give points for one.")))
    if unit not in RewardUnit.values:
        problems.append(_problem("unit", _("Choose points or green energy.")))
    if effect not in EarningRule.Effect.values:
        problems.append(_problem("effect", _("Choose a fixed amount or an amount per yuan.")))
    _amount(amount, problems, "amount")
    if category and category not in Product.Category.values:
        problems.append(_problem("category", _("There is no such product category.")))
    if min_amount_fen < 0:
        problems.append(_problem("min_amount_fen", _("Not below zero.")))
    for field, cap in (("per_day_cap", per_day_cap), ("per_month_cap", per_month_cap)):
        if cap is not None:
            _amount(cap, problems, field)
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        problems.append(_problem("ends_on", _("The rule cannot end before it starts.")))
    if community_id is not None and not Community.objects.filter(pk=community_id).exists():
        problems.append(_problem("community_id", _("There is no such community.")))
    if problems:
        raise BadInput(details=problems)
    return EarningRule.objects.create(
        name=name,
        trigger=trigger,
        unit=unit,
        effect=effect,
        amount=amount,
        community_id=community_id,
        category=category,
        min_amount_fen=min_amount_fen,
        per_day_cap=per_day_cap,
        per_month_cap=per_month_cap,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def set_rule_active(*, actor: User, rule_id: int, active: bool) -> EarningRule:
    operator(actor)
    rule = EarningRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise BadInput(details=[_problem("rule_id", _("There is no such rule."))])
    rule.active = active
    rule.save(update_fields=["active"])
    return rule


def create_perk(
    *,
    actor: User,
    name: str,
    kind: str,
    cost: int,
    stock: int | None = None,
    min_tier_id: int | None = None,
    community_id: int | None = None,
    product_id: int | None = None,
    hours_early: int = 0,
    coupon_fen: int = 0,
) -> Perk:
    operator(actor)
    problems: list[dict] = []
    name = _name(name, problems)
    if kind not in Perk.Kind.values:
        problems.append(_problem("kind", _("Choose a kind of perk.")))
    _amount(cost, problems, "cost")
    if stock is not None and stock < 0:
        problems.append(_problem("stock", _("Not below zero.")))
    if min_tier_id is not None and not Tier.objects.filter(pk=min_tier_id).exists():
        problems.append(_problem("min_tier_id", _("There is no such tier.")))
    if community_id is not None and not Community.objects.filter(pk=community_id).exists():
        problems.append(_problem("community_id", _("There is no such community.")))
    if product_id is not None and not Product.objects.filter(pk=product_id).exists():
        problems.append(_problem("product_id", _("There is no such product.")))
    if kind in (Perk.Kind.RESERVED_UNIT, Perk.Kind.FREE_ITEM) and product_id is None:
        problems.append(_problem("product_id", _("Name the product this perk gives.")))
    if kind == Perk.Kind.EARLY_ACCESS and not (1 <= hours_early <= 72):
        problems.append(_problem("hours_early", _("From 1 to 72 hours.")))
    if kind == Perk.Kind.COUPON and not (1 <= coupon_fen <= 100_000):
        problems.append(_problem("coupon_fen", _("From 1 fen to ¥1,000.")))
    if problems:
        raise BadInput(details=problems)
    return Perk.objects.create(
        name=name,
        kind=kind,
        cost=cost,
        stock=stock,
        left=stock,
        min_tier_id=min_tier_id,
        community_id=community_id,
        product_id=product_id,
        hours_early=hours_early,
        coupon_fen=coupon_fen,
    )


def create_species(*, actor: User, name: str, name_en: str, energy_g: int) -> Species:
    operator(actor)
    problems: list[dict] = []
    name = _name(name, problems)
    name_en = _name(name_en, problems, "name_en")
    _amount(energy_g, problems, "energy_g")
    if problems:
        raise BadInput(details=problems)
    return Species.objects.create(name=name, name_en=name_en, energy_g=energy_g)


def set_site(*, actor: User, kind: str, owner_id: int, lat: float, lng: float) -> Site:
    """Where a community's gate or a supplier's depot is, for the energy model."""
    operator(actor)
    problems = []
    if kind not in Site.Kind.values:
        problems.append(_problem("kind", _("A community or a supplier.")))
    if not (-90 <= lat <= 90):
        problems.append(_problem("lat", _("A latitude from -90 to 90.")))
    if not (-180 <= lng <= 180):
        problems.append(_problem("lng", _("A longitude from -180 to 180.")))
    if problems:
        raise BadInput(details=problems)
    site, _created = Site.objects.update_or_create(
        kind=kind, owner_id=owner_id, defaults={"lat": lat, "lng": lng}
    )
    return site


def flag_imperfect(*, actor: User, item_id: int, imperfect: bool = True) -> bool:
    """The leader flags an item of a group buy as imperfect ("ugly") produce (or unflags it)."""
    item = GroupBuyItem.objects.select_related("group_buy").filter(pk=item_id).first()
    if item is None or not roles(actor).manages(item.group_buy.community_id):
        raise ItemNotFound()
    if imperfect:
        ImperfectItem.objects.get_or_create(item=item)
    else:
        ImperfectItem.objects.filter(item=item).delete()
    return imperfect


def record_green_action(
    *, actor: User, order_id: int, kind: str, now: datetime | None = None
) -> GreenAction:
    """At the gate the leader records an own bag or returned crates for an order handed out;
    the rules for it earn at once, once per order and kind."""
    now = now or timezone.now()
    if kind not in GreenAction.Kind.values:
        raise BadInput(details=[_problem("kind", _("An own bag or returned crates."))])
    order = Order.objects.select_related("group_buy").filter(pk=order_id).first()
    if order is None or not roles(actor).manages(order.group_buy.community_id):
        raise OrderNotFound()
    if order.pickup == Order.Pickup.NONE:
        raise BadInput(details=[_problem("order_id", _("The order has not been handed out."))])
    with transaction.atomic():
        action, created = GreenAction.objects.get_or_create(
            order=order,
            kind=kind,
            defaults={"household_id": order.household_id, "recorded_by": actor, "at": now},
        )
        if created:
            earning.earn_for_action(
                kind=kind,
                action_id=action.pk,
                household_id=order.household_id,
                community_id=order.group_buy.community_id,
                order_id=order.pk,
                now=now,
            )
    return action


def record_referral(*, actor: User, household_id: int, invited_by_id: int) -> Referral:
    """A leader records that a household joined through another's invitation (the same
    record twice is one record)."""
    if household_id == invited_by_id:
        raise BadInput(details=[_problem("invited_by_id", _("A household cannot invite itself."))])
    who = roles(actor)
    households = dict(
        Household.objects.filter(pk__in=[household_id, invited_by_id]).values_list(
            "id", "building__community_id"
        )
    )
    if len(households) < 2 or not all(who.manages(c) for c in households.values()):
        raise HouseholdNotFound()
    try:
        with transaction.atomic():
            referral, _created = Referral.objects.get_or_create(
                household_id=household_id, defaults={"invited_by_id": invited_by_id}
            )
    except IntegrityError:  # recorded at the same moment by someone else
        referral = Referral.objects.get(household_id=household_id)
    if referral.invited_by_id != invited_by_id:
        raise BadInput(
            details=[_problem("household_id", _("This household's invitation is recorded."))]
        )
    return referral
