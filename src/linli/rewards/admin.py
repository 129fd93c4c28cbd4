"""Rewards in the admin. Operators edit the data that is configuration (earning rules, tiers,
species); what is book-keeping behind ledger postings (lots, redemptions, energy, trees) is
read only: it changes through the services only."""

from django.contrib import admin

from linli.core.admin import AuditedAdmin, ReadOnlyAdmin

from .models import (
    EarningRule,
    EnergyDrop,
    Lot,
    Perk,
    PlantingBatch,
    Redemption,
    Species,
    Tier,
    Tree,
)


@admin.register(EarningRule)
class EarningRuleAdmin(AuditedAdmin):
    list_display = ["id", "name", "trigger", "unit", "effect", "amount", "community", "active"]
    list_filter = ["trigger", "unit", "active"]
    search_fields = ["name"]


@admin.register(Tier)
class TierAdmin(AuditedAdmin):
    list_display = ["id", "name", "name_en", "min_points"]


@admin.register(Species)
class SpeciesAdmin(AuditedAdmin):
    list_display = ["id", "name", "name_en", "energy_g", "active"]


@admin.register(Perk)
class PerkAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "kind", "cost", "stock", "left", "min_tier", "active"]
    list_filter = ["kind", "active"]


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ["id", "household_id", "rule", "source", "amount", "remaining", "expires_at"]
    list_filter = ["rule"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["id", "household_id", "perk", "points", "code", "at"]


@admin.register(EnergyDrop)
class EnergyDropAdmin(ReadOnlyAdmin):
    list_display = ["id", "household_id", "source", "grams", "appears_at", "collected_at"]


@admin.register(Tree)
class TreeAdmin(ReadOnlyAdmin):
    list_display = ["id", "species", "household_id", "building_id", "energy_g", "code"]


@admin.register(PlantingBatch)
class PlantingBatchAdmin(ReadOnlyAdmin):
    list_display = ["id", "partner", "place", "planted_on", "species", "count"]
