"""Consent per purpose (PIPL): a household's newest answer counts; withdrawing is at once; only
the household itself, or its leader on its behalf, may answer; each answer is audited and
published for the apps that keep copies."""

import pytest
from django.utils import translation

from linli.communities import selectors, services
from linli.communities.consent_texts import CONSENT_TEXTS
from linli.communities.models import Consent
from linli.communities.selectors import CommunityNotFound
from linli.core.models import AuditEvent, OutboxEvent

from ..factories import HouseholdFactory, LeaderFactory, MemberFactory, OperatorFactory

pytestmark = pytest.mark.django_db

SUGGESTIONS = Consent.Purpose.SUGGESTIONS


def test_never_asked_is_no_and_the_newest_answer_counts():
    member = MemberFactory()
    household = member.household.pk
    assert selectors.has_consent(household, SUGGESTIONS) is False
    services.give_consent(actor=member.user, household_id=household, purpose=SUGGESTIONS)
    assert selectors.has_consent(household, SUGGESTIONS) is True
    services.withdraw_consent(actor=member.user, household_id=household, purpose=SUGGESTIONS)
    assert selectors.has_consent(household, SUGGESTIONS) is False
    history = list(
        Consent.objects.filter(household_id=household)
        .order_by("id")
        .values_list("purpose", "granted", "text_version")
    )
    assert history == [
        ("suggestions", True, CONSENT_TEXTS[SUGGESTIONS].version),
        ("suggestions", False, CONSENT_TEXTS[SUGGESTIONS].version),
    ]
    assert list(
        AuditEvent.objects.filter(target_id=str(household))
        .order_by("id")
        .values_list("action", "data")
    ) == [
        ("consent.given", {"purpose": "suggestions", "text_version": "2026-12-07"}),
        ("consent.withdrawn", {"purpose": "suggestions", "text_version": "2026-12-07"}),
    ]
    assert list(OutboxEvent.objects.order_by("id").values_list("name", "payload")) == [
        ("consent.given", {"household": household, "purpose": "suggestions"}),
        ("consent.withdrawn", {"household": household, "purpose": "suggestions"}),
    ]


def test_the_same_answer_twice_records_once():
    member = MemberFactory()
    for _ in range(2):
        services.give_consent(
            actor=member.user, household_id=member.household.pk, purpose=SUGGESTIONS
        )
    assert Consent.objects.count() == 1
    assert OutboxEvent.objects.count() == 1


def test_a_purpose_is_one_households_answer_and_not_anothers():
    member, neighbour = MemberFactory(), MemberFactory()
    services.give_consent(actor=member.user, household_id=member.household.pk, purpose=SUGGESTIONS)
    services.give_consent(
        actor=neighbour.user, household_id=neighbour.household.pk, purpose=Consent.Purpose.MARKETING
    )
    assert set(selectors.consenting_household_ids(SUGGESTIONS).values_list("pk", flat=True)) == {
        member.household.pk
    }
    services.withdraw_consent(
        actor=member.user, household_id=member.household.pk, purpose=SUGGESTIONS
    )
    assert list(selectors.consenting_household_ids(SUGGESTIONS)) == []
    assert set(selectors.consents_of(neighbour.household.pk)) == {"marketing"}


def test_a_leader_answers_for_a_household_of_their_community_and_nobody_else_may():
    household = HouseholdFactory()
    leader = LeaderFactory(communities=[household.building.community])
    stranger, other_leader = MemberFactory(), LeaderFactory()
    purpose = Consent.Purpose.NEIGHBOURS_ORDER
    for outsider in (stranger.user, other_leader.user):
        with pytest.raises(CommunityNotFound):
            services.give_consent(actor=outsider, household_id=household.pk, purpose=purpose)
    assert Consent.objects.count() == 0
    services.give_consent(actor=leader.user, household_id=household.pk, purpose=purpose)
    services.withdraw_consent(actor=OperatorFactory(), household_id=household.pk, purpose=purpose)
    assert list(Consent.objects.order_by("id").values_list("granted", "actor__leader")) == [
        (True, leader.pk),
        (False, None),
    ]


def test_an_unknown_purpose_is_refused_in_the_callers_language_and_changes_nothing():
    member = MemberFactory()
    with pytest.raises(services.UnknownPurpose) as refused:
        services.give_consent(actor=member.user, household_id=member.household.pk, purpose="ads")
    with translation.override("en"):
        assert str(refused.value.message) == "There is no such purpose to consent to: ads."
    with translation.override("zh-hans"):
        assert str(refused.value.message) == "没有这项可以同意的用途：ads。"
    assert refused.value.status == 422
    assert Consent.objects.count() == 0


def test_every_purpose_has_its_text_in_both_languages():
    assert set(CONSENT_TEXTS) == set(Consent.Purpose.values)
    for text in CONSENT_TEXTS.values():
        with translation.override("zh-hans"):
            chinese = str(text.text)
        with translation.override("en"):
            english = str(text.text)
        assert chinese != english and chinese and english
