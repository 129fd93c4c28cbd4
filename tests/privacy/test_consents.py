"""Consent per purpose on the privacy page and the API, with the version of the text shown;
withdrawing stops the use at once: ordering for a neighbour, and suggestions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts.roles import roles
from linli.communities import services as communities
from linli.communities.models import Consent
from linli.communities.selectors import has_consent, households_to_order_for
from linli.forecasts.selectors import usual_items
from linli.groupbuys import services as groupbuys
from linli.groupbuys.errors import NotYourHousehold

from ..apiclient import Api

pytestmark = pytest.mark.django_db


def test_the_page_lists_every_purpose_with_its_text_and_version(hood, browse):
    page = browse(hood.members[1], "zh-hans").get("/privacy/").content.decode()
    for purpose in Consent.Purpose.values:
        assert f'id="consent-{purpose}"' in page
        assert f'id="give-{purpose}"' in page
    assert "2026-12-07 版文本" in page


def test_giving_and_withdrawing_on_the_page_is_recorded_with_the_version(hood, browse):
    member, household = hood.members[1], hood.households[1]
    client = browse(member)
    client.post("/privacy/consents/marketing/", {"granted": "1"})
    assert has_consent(household.pk, "marketing")
    assert 'id="withdraw-marketing"' in client.get("/privacy/").content.decode()
    client.post("/privacy/consents/marketing/", {"granted": "0"})
    assert not has_consent(household.pk, "marketing")
    records = list(Consent.objects.filter(household=household, purpose="marketing").order_by("id"))
    assert [(c.granted, c.text_version, c.actor_id) for c in records] == [
        (True, "2026-12-07", member.pk),
        (False, "2026-12-07", member.pk),
    ]
    refused = client.post("/privacy/consents/spam/", {"granted": "1"})
    assert refused.status_code == 422
    assert not Consent.objects.filter(purpose="spam").exists()


def test_withdrawing_stops_neighbours_ordering_at_once(hood):
    group_buy = hood.open()
    item = group_buy.items.order_by("position").first()
    no_phone = hood.households[3]
    communities.set_neighbours_may_order(
        actor=hood.leader_user, household_id=no_phone.pk, allowed=True
    )
    neighbour = hood.members[1]
    assert no_phone.pk in [
        h.pk for h in households_to_order_for(roles(neighbour), hood.community.pk)
    ]
    groupbuys.place_order(
        actor=neighbour, group_buy_id=group_buy.pk, lines={item.pk: 1}, household_id=no_phone.pk
    )
    communities.withdraw_consent(
        actor=hood.members[3], household_id=no_phone.pk, purpose=Consent.Purpose.NEIGHBOURS_ORDER
    )
    with pytest.raises(NotYourHousehold):
        groupbuys.place_order(
            actor=neighbour,
            group_buy_id=group_buy.pk,
            lines={item.pk: 1},
            household_id=no_phone.pk,
        )
    assert no_phone.pk not in [
        h.pk for h in households_to_order_for(roles(neighbour), hood.community.pk)
    ]
    # Its leader still orders for it (delivering its orders needs no consent).
    groupbuys.place_order(
        actor=hood.leader_user,
        group_buy_id=group_buy.pk,
        lines={item.pk: 1},
        household_id=no_phone.pk,
    )


def test_withdrawing_stops_suggestions_at_once(hood):
    member, household = hood.members[1], hood.households[1]
    for days_ago in (21, 14, 7):  # the same greens three weeks running: usual
        base = timezone.now() - timedelta(days=days_ago)
        group_buy = hood.open(now=base)
        item = group_buy.items.order_by("position").first()
        groupbuys.place_order(actor=member, group_buy_id=group_buy.pk, lines={item.pk: 2}, now=base)
    communities.give_consent(actor=member, household_id=household.pk, purpose="suggestions")
    assert usual_items(roles(member), household.pk)
    communities.withdraw_consent(actor=member, household_id=household.pk, purpose="suggestions")
    assert usual_items(roles(member), household.pk) == []


def test_the_api_gives_and_withdraws(hood):
    api = Api(hood.members[1])
    listed = api.get("/privacy/consents").json()
    assert {c["purpose"] for c in listed} == set(Consent.Purpose.values)
    assert all(c["version"] and c["text"] for c in listed)
    given = api.put("/privacy/consents/quoted", {"granted": True}).json()
    assert next(c for c in given if c["purpose"] == "quoted")["granted"] is True
    withdrawn = api.put("/privacy/consents/quoted", {"granted": False}).json()
    assert next(c for c in withdrawn if c["purpose"] == "quoted")["granted"] is False
