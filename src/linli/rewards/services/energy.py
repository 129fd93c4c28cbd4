"""Green energy: the CO₂ a pickup at the gate avoids (docs/decisions/0030), collected by a
tap within the window, lapsing otherwise.

The model, per order collected: one home-delivery van drop avoided (``VAN_DROP_G``, 181 g,
Edwards, McKinnon & Cullinane 2010) minus the order's share of each bulk delivery that brought
its goods: the road distance from the supplier's depot to the community's gate (the straight
line × ``ROAD_FACTOR``) × ``VEHICLE_G_PER_KM``, divided by the orders on that purchase order.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from linli.accounts.models import User
from linli.groupbuys.models import Order, OrderLine, PurchaseOrder
from linli.ledger.services import post

from .. import rules
from ..errors import NothingToCollect
from ..models import EnergyDrop, Site
from . import book
from .access import member_household
from .drops import Candidate, config, write_drops
from .rows import existing


def sites(kind: str, owner_ids) -> dict[int, tuple[float, float]]:
    return {
        owner: (lat, lng)
        for owner, lat, lng in Site.objects.filter(
            kind=kind, owner_id__in=sorted(set(owner_ids))
        ).values_list("owner_id", "lat", "lng")
    }


def trip_shares(group_buy_ids: list[int]) -> tuple[dict[int, float], dict[int, set[int]]]:
    """Per purchase order of the group buys: its trip's CO₂ divided by the orders on it; and
    per order the purchase orders that brought its goods. A few queries for any number of
    group buys."""
    cfg = config()
    purchase_orders = {
        po: (supplier, community)
        for po, supplier, community in PurchaseOrder.objects.filter(
            group_buy_id__in=group_buy_ids
        ).values_list("id", "supplier_id", "group_buy__community_id")
    }
    gates = sites(Site.Kind.COMMUNITY, (c for _, c in purchase_orders.values()))
    depots = sites(Site.Kind.SUPPLIER, (s for s, _ in purchase_orders.values()))
    lines = OrderLine.objects.filter(
        order__group_buy_id__in=group_buy_ids,
        order__status=Order.Status.CONFIRMED,
        item__po_line__isnull=False,
    )
    counts = dict(
        lines.values_list("item__po_line__purchase_order_id")
        .annotate(n=Count("order_id", distinct=True))
        .order_by()
    )
    shares = {}
    for po, (supplier, community) in purchase_orders.items():
        depot, gate = depots.get(supplier), gates.get(community)
        straight = (
            rules.distance_km(depot, gate)
            if depot is not None and gate is not None
            else cfg["DEFAULT_KM"] / cfg["ROAD_FACTOR"]
        )
        trip = rules.trip_g(
            straight_km=straight, road_factor=cfg["ROAD_FACTOR"], g_per_km=cfg["VEHICLE_G_PER_KM"]
        )
        shares[po] = trip / max(1, counts.get(po, 0))
    brought: dict[int, set[int]] = defaultdict(set)
    for order, po in (
        lines.values_list("order_id", "item__po_line__purchase_order_id")
        .distinct()
        .iterator(chunk_size=5000)
    ):
        brought[order].add(po)
    return shares, brought


def pickup_energy(group_buy_ids: list[int], picked: Iterable, *, now: datetime) -> int:
    """Energy drops for orders collected (``picked``: rows with ``order_id``,
    ``household_id``, ``collected_at``) that have none yet; returns how many it wrote."""
    sources = {f"pickup:{row.order_id}": row for row in picked}
    names = sorted(sources)
    seen = {
        source
        for _, source in existing(
            EnergyDrop, [(sources[name].household_id, name) for name in names], rule_id=None
        )
    }
    fresh = [row for source, row in sources.items() if source not in seen]
    if not fresh:
        return 0
    shares, brought = trip_shares(group_buy_ids)
    given = []
    for row in fresh:
        avoided = rules.pickup_avoided_g(
            van_drop_g=config()["VAN_DROP_G"],
            trip_shares=[shares[po] for po in brought.get(row.order_id, ())],
        )
        given.append(
            (
                Candidate(
                    row.household_id, f"pickup:{row.order_id}", 0, row.order_id, row.collected_at
                ),
                avoided,
                max(0, avoided),
            )
        )
    return write_drops(given, now=now, rule_id=None)


def collect(*, actor: User, now: datetime | None = None) -> int:
    """The member's tap: every drop of its household that has appeared and not lapsed goes on
    the ledger; returns the grams collected."""
    now = now or timezone.now()
    household = member_household(actor)
    with transaction.atomic():
        book.lock_energy(household)
        due = list(
            EnergyDrop.objects.select_for_update()
            .filter(
                household_id=household,
                appears_at__lte=now,
                lapses_at__gt=now,
                collected_at__isnull=True,
                lapsed_at__isnull=True,
                grams__gt=0,
            )
            .order_by("id")
        )
        if not due:
            raise NothingToCollect()
        grams = sum(drop.grams for drop in due)
        entry = post(
            book.COLLECTED,
            [(book.energy_account(household), -grams), (book.ENERGY_OPERATOR, grams)],
            at=now,
            actor=actor,
            memo="green energy collected",
        )
        EnergyDrop.objects.filter(pk__in=[d.pk for d in due]).update(collected_at=now, entry=entry)
    return grams


def lapse_due(*, now: datetime | None = None) -> int:
    """Energy not collected within its window lapses (the worker's job); it never reached the
    ledger, so nothing is posted."""
    now = now or timezone.now()
    return EnergyDrop.objects.filter(
        lapses_at__lte=now, collected_at__isnull=True, lapsed_at__isnull=True
    ).update(lapsed_at=now)
