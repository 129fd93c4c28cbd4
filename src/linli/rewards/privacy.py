"""Rewards' part of a household's copy and erasure (PIPL; :mod:`linli.core.personal_data`).

A copy holds the household's own lots, take-backs, redemptions, energy, trees, waterings,
invitations, green actions and tier. Erasure deletes what says who invited whom, the green
actions and the tier standing; the lots, drops, redemptions, trees and waterings stay: they
are the book-keeping behind ledger postings (kept by law), and hold no name, phone or text.
"""

from django.db.models import Q

from linli.core.personal_data import Rows

from .models import (
    EnergyDrop,
    GreenAction,
    Lot,
    Redemption,
    Referral,
    TakeBack,
    TierStanding,
    Tree,
    Watering,
)

COVERS = (
    "rewards.lot",
    "rewards.redemption",
    "rewards.referral",
    "rewards.greenaction",
    "rewards.energydrop",
    "rewards.tree",
    "rewards.watering",
    "rewards.tierstanding",
)


def _rows(queryset, *fields: str) -> Rows:
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
        for row in queryset.values(*fields)
    ]


def export(household_id: int) -> dict[str, Rows]:
    return {
        "rewards_lot": _rows(
            Lot.objects.filter(household_id=household_id).order_by("id"),
            "id",
            "rule__name",
            "source",
            "order_id",
            "amount",
            "taken_back",
            "spent",
            "expired",
            "remaining",
            "earned_at",
            "expires_at",
        ),
        "rewards_takeback": _rows(
            TakeBack.objects.filter(lot__household_id=household_id).order_by("id"),
            "id",
            "lot_id",
            "reason",
            "amount",
            "at",
        ),
        "rewards_redemption": _rows(
            Redemption.objects.filter(household_id=household_id).order_by("id"),
            "id",
            "perk__name",
            "points",
            "code",
            "at",
        ),
        "rewards_energydrop": _rows(
            EnergyDrop.objects.filter(household_id=household_id).order_by("id"),
            "id",
            "source",
            "order_id",
            "avoided_g",
            "grams",
            "appears_at",
            "lapses_at",
            "collected_at",
            "lapsed_at",
        ),
        "rewards_tree": _rows(
            Tree.objects.filter(household_id=household_id).order_by("id"),
            "id",
            "species__name",
            "energy_g",
            "started_at",
            "grown_at",
            "code",
        ),
        "rewards_watering": _rows(
            Watering.objects.filter(household_id=household_id).order_by("id"),
            "id",
            "tree_id",
            "grams",
            "at",
        ),
        "rewards_referral": _rows(
            Referral.objects.filter(Q(household_id=household_id) | Q(invited_by_id=household_id)),
            "household_id",
            "invited_by_id",
            "at",
        ),
        "rewards_greenaction": _rows(
            GreenAction.objects.filter(household_id=household_id).order_by("id"),
            "id",
            "order_id",
            "kind",
            "at",
        ),
        "rewards_tierstanding": _rows(
            TierStanding.objects.filter(household_id=household_id),
            "tier__name",
            "earned",
            "reviewed_at",
        ),
    }


def erase(household_id: int) -> None:
    Referral.objects.filter(Q(household_id=household_id) | Q(invited_by_id=household_id)).delete()
    GreenAction.objects.filter(household_id=household_id).delete()
    TierStanding.objects.filter(household_id=household_id).delete()
