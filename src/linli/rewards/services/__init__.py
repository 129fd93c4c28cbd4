"""Every write of rewards, each one transaction, named for what someone does."""

from .catalogue import (
    create_perk,
    create_rule,
    create_species,
    flag_imperfect,
    record_green_action,
    record_referral,
    set_rule_active,
    set_site,
)
from .earning import apply_rule, earn_for_pickups, earn_for_report
from .energy import collect, lapse_due
from .goals import create_goal, settle_goals
from .spending import expire_due, redeem, review_tiers, take_back
from .trees import plant, start_tree, water

__all__ = [
    "apply_rule",
    "collect",
    "create_goal",
    "create_perk",
    "create_rule",
    "create_species",
    "earn_for_pickups",
    "earn_for_report",
    "expire_due",
    "flag_imperfect",
    "lapse_due",
    "plant",
    "record_green_action",
    "record_referral",
    "redeem",
    "review_tiers",
    "set_rule_active",
    "set_site",
    "settle_goals",
    "start_tree",
    "take_back",
    "water",
]
