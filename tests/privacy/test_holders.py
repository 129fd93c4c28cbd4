"""Every model that points at a household, or at a member's account, is covered by a
personal-data holder (``linli.core.personal_data``), so a household's copy and its erasure
reach it. A new app that forgets to register fails here."""

from django.apps import apps
from django.conf import settings

from linli.communities.models import Household
from linli.core import personal_data

#: Models that point at an account but never at a member's: staff, leaders and suppliers
#: only. Each with why.
NOT_A_MEMBERS = {
    "admin.logentry": "the admin's log: operators only",
    "communities.leader": "a leader's role; a member who leads cannot close the account",
    "catalog.supplier": "a supplier's staff",
    "relations.interaction": "the relationship book: operators' own records",
    "relations.stafftookpart": "the relationship book: operators' own records",
    "relations.contact": "the relationship book: operators' own records",
    "relations.relationship": "the relationship book: operators' own records",
    "relations.reminder": "the relationship book: operators' own records",
    "relations.calendarfeed": "the relationship book: operators' own records",
    "storefronts.update": "a farm's update, posted by the supplier's staff",
    "connect.participant": "a programme's participants: staff, leaders and officials",
    "connect.pairing": "an operator's pin or ban of a pairing",
    "connect.matchrun": "the operator who ran a matching",
    "connect.report": "a participant's report (staff, leaders, officials)",
    "connect.highlight": "a highlight made by a programme's operator",
    "connect.insight": "an insight written by a programme's operator",
    "connect.action": "an action's owner: staff",
}


def _pointing(model, target) -> list[str]:
    fields = []
    for field in model._meta.get_fields():
        if not ((field.is_relation and field.concrete) or field.many_to_many):
            continue
        if getattr(field, "auto_created", False) and not field.concrete:
            continue
        if field.related_model is target:
            fields.append(field.name)
    return fields


def covered() -> set[str]:
    return {label for holder in personal_data.holders() for label in holder.covers}


def test_every_model_pointing_at_a_household_is_covered_by_a_holder():
    missing = [
        f"{model._meta.label_lower}.{field}"
        for model in apps.get_models()
        for field in _pointing(model, Household)
        if model._meta.label_lower not in covered()
    ]
    assert missing == [], f"register a personal-data holder covering: {missing}"


def test_every_model_pointing_at_an_account_is_covered_or_said_to_be_staffs():
    user = apps.get_model(settings.AUTH_USER_MODEL)
    missing = [
        f"{model._meta.label_lower}.{field}"
        for model in apps.get_models()
        for field in _pointing(model, user)
        if model._meta.label_lower not in covered() and model._meta.label_lower not in NOT_A_MEMBERS
    ]
    assert missing == [], f"cover these in a holder, or say why they are staff's: {missing}"


def test_the_holders_cover_models_that_exist():
    labels = {model._meta.label_lower for model in apps.get_models()}
    assert covered() - labels == set()
    assert "accounts.user" in covered() and "communities.household" in covered()


def test_the_exceptions_are_models_that_exist_and_no_holder_covers():
    labels = {model._meta.label_lower for model in apps.get_models()}
    assert set(NOT_A_MEMBERS) - labels == set()
    assert set(NOT_A_MEMBERS) & covered() == set()
