"""Rewards in the admin. Operators edit the data that is configuration (earning rules, tiers,
species); what is book-keeping behind ledger postings (lots, redemptions, energy, trees) is
read only: it changes through the services only."""

from django import forms
from django.contrib import admin

from linli.core import audit
from linli.core.admin import AuditedAdmin, ReadOnlyAdmin

from . import services
from .models import (
    EarningRule,
    EnergyDrop,
    Goal,
    Lot,
    Perk,
    PlantingBatch,
    Redemption,
    Species,
    Tier,
    Tree,
)
from .services.goals import check_goal


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


class GoalForm(forms.ModelForm):
    """A new goal is checked as the service checks it (and made by it: its points need their
    rule); a settled one is read only."""

    class Meta:
        model = Goal
        fields = [
            "name",
            "community",
            "building",
            "measure",
            "threshold_pct",
            "month",
            "unlock",
            "points",
            "perk",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            problems, _community, _perk = check_goal(
                name=(data.get("name") or "").strip(),
                community_id=data["community"].pk if data.get("community") else None,
                building_id=data["building"].pk if data.get("building") else None,
                measure=data.get("measure") or "",
                threshold_pct=data.get("threshold_pct") or 0,
                unlock=data.get("unlock") or "",
                points=data.get("points") or 0,
                perk_id=data["perk"].pk if data.get("perk") else None,
            )
            fields = {"community_id": "community", "building_id": "building", "perk_id": "perk"}
            for problem in problems:
                field = fields.get(problem["field"], problem["field"])
                self.add_error(field if field in self.fields else None, str(problem["message"]))
        return data


@admin.register(Goal)
class GoalAdmin(AuditedAdmin):
    form = GoalForm
    list_display = [
        "id",
        "name",
        "community",
        "building",
        "month",
        "threshold_pct",
        "unlock",
        "met",
    ]
    list_filter = ["unlock", "met", "month"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # Once made, a goal keeps what it measures and unlocks; only its name changes.
        return [f for f in GoalForm.Meta.fields if f != "name"] if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            data = form.cleaned_data
            made = services.create_goal(
                actor=request.user,
                name=data["name"],
                community_id=data["community"].pk,
                building_id=data["building"].pk if data.get("building") else None,
                measure=data["measure"],
                threshold_pct=data["threshold_pct"],
                month=data["month"],
                unlock=data["unlock"],
                points=data.get("points") or 0,
                perk_id=data["perk"].pk if data.get("perk") else None,
            )
            obj.pk, obj.rule_id, obj.month = made.pk, made.rule_id, made.month
            obj._state.adding = False
            audit.record(actor=request.user, action="goal.added", target=made, data={})
            return
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False
