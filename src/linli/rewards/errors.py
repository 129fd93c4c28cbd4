"""What can go wrong with rewards, each in the caller's language."""

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


class NotOperator(Forbidden):
    code = "rewards_operators_only"
    template = _("Only operators manage earning rules, perks, species and plantings.")


class NoHousehold(Forbidden):
    code = "rewards_no_household"
    template = _("Points and energy belong to a household; you are not a member of one.")


class HouseholdNotFound(NotFound):
    code = "rewards_household_not_found"
    template = _("There is no such household among those you may see.")


class PerkNotFound(NotFound):
    code = "perk_not_found"
    template = _("There is no such perk.")


class PerkSoldOut(Conflict):
    code = "perk_sold_out"
    template = _("%(perk)s has run out.")


class TierTooLow(Forbidden):
    code = "perk_tier_too_low"
    template = _("%(perk)s is for households of tier %(tier)s and above.")


class NotEnoughPoints(Conflict):
    code = "not_enough_points"
    template = _("%(perk)s costs %(cost)s points; the household has %(points)s.")


class NothingToCollect(Conflict):
    code = "no_energy_to_collect"
    template = _("There is no energy to collect right now.")


class SpeciesNotFound(NotFound):
    code = "species_not_found"
    template = _("There is no such tree species.")


class TreeNotFound(NotFound):
    code = "tree_not_found"
    template = _("There is no such tree among those you may see.")


class AlreadyGrowing(Conflict):
    code = "tree_already_growing"
    template = _("A tree is already growing; grow it first.")


class NoTree(Conflict):
    code = "no_growing_tree"
    template = _("Start a tree first.")


class NoEnergy(Conflict):
    code = "no_energy"
    template = _("There is no collected energy to give to the tree.")


class NotEnoughGrownTrees(Conflict):
    code = "not_enough_grown_trees"
    template = _("Only %(grown)s grown trees of %(species)s wait for planting, not %(count)s.")


class OrderNotFound(NotFound):
    code = "rewards_order_not_found"
    template = _("There is no such order among those you manage.")


class ItemNotFound(NotFound):
    code = "rewards_item_not_found"
    template = _("There is no such item among those you manage.")


class BadInput(Invalid):
    """One or more fields are wrong; ``details`` names each."""
