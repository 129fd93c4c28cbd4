"""Operators manage the city in the admin; everyone else is kept out."""

import pytest
from django.contrib import admin
from django.test import Client

from linli.communities.models import Household, Leader
from linli.core.models import AuditEvent

# Accounts (users, groups, tokens) stay with superusers: an operator must not be able to make
# themselves or anyone else a superuser.
SUPERUSER_ONLY = {"accounts", "auth"}


@pytest.fixture
def operator_client(hood):
    assert hood.operator.is_staff and not hood.operator.is_superuser
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(hood.operator)
    return client


def city_models():
    return [model for model in admin.site._registry if model._meta.app_label not in SUPERUSER_ONLY]


def test_every_admin_page_of_the_city_opens_for_an_operator(operator_client, hood):
    for model in city_models():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert operator_client.get(base).status_code == 200, base
        assert operator_client.get(base, {"q": "1号楼"}).status_code == 200, base
    household = hood.households[0]
    page = operator_client.get(f"/admin/communities/household/{household.pk}/change/")
    assert page.status_code == 200
    assert household.contact_name.encode() in page.content


def test_user_accounts_are_for_superusers_only(operator_client):
    assert operator_client.get("/admin/accounts/user/").status_code == 403


def _household_form(hood, **fields):
    return {
        "building": hood.community.buildings.first().pk,
        "room": "1502",
        "contact_name": "王阿婆",
        "phone": "13800001502",
        "vulnerable": "on",
        "vulnerability": "elderly_alone",
        "notes": "独居，上午送货请敲门",
        "_save": "Save",
        **fields,
    }


def test_an_operator_adds_a_vulnerable_household_and_it_is_audited(operator_client, hood):
    response = operator_client.post("/admin/communities/household/add/", _household_form(hood))
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Household.objects.get(room="1502", phone="13800001502")
    assert added.vulnerable
    assert added.vulnerability == Household.Vulnerability.ELDERLY_ALONE
    event = AuditEvent.objects.get(action="household.added")
    assert event.actor_id == hood.operator.pk
    assert event.channel == "admin"
    assert event.target_id == str(added.pk)


def test_a_reason_without_the_vulnerable_flag_is_refused(operator_client, hood):
    form = _household_form(hood)
    del form["vulnerable"]
    response = operator_client.post("/admin/communities/household/add/", form)
    assert response.status_code == 200  # the form again, with the error
    assert not Household.objects.filter(room="1502", phone="13800001502").exists()
    assert not AuditEvent.objects.filter(action="household.added").exists()


def test_a_commission_over_half_the_sales_is_refused(operator_client, hood):
    leader = hood.leader
    response = operator_client.post(
        f"/admin/communities/leader/{leader.pk}/change/",
        {
            "user": leader.user_id,
            "communities": [community.pk for community in leader.communities.all()],
            "commission_bp": 6000,
            "active": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert b"errornote" in response.content or b"errorlist" in response.content
    leader.refresh_from_db()
    assert leader.commission_bp != 6000
    assert Leader.objects.filter(commission_bp__gt=5000).count() == 0


def test_group_buys_are_for_looking_not_editing(operator_client, hood, now):
    group_buy = hood.open(now=now)
    page = operator_client.get(f"/admin/groupbuys/groupbuy/{group_buy.pk}/change/")
    assert page.status_code == 200
    assert operator_client.get("/admin/groupbuys/groupbuy/add/").status_code == 403
    changed = operator_client.post(
        f"/admin/groupbuys/groupbuy/{group_buy.pk}/change/", {"title": "改了"}
    )
    assert changed.status_code == 403
    group_buy.refresh_from_db()
    assert group_buy.title != "改了"
    assert (
        operator_client.post(f"/admin/groupbuys/groupbuy/{group_buy.pk}/delete/", {"post": "yes"})
    ).status_code == 403


def test_a_member_cannot_enter_the_admin(hood):
    client = Client()
    client.force_login(hood.members[0])
    response = client.get("/admin/communities/household/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_audit_trail_cannot_be_edited_or_deleted(operator_client, hood, now):
    hood.open(now=now)
    event = AuditEvent.objects.get()
    base = "/admin/core/auditevent/"
    assert operator_client.get(f"{base}{event.pk}/change/").status_code == 200
    assert operator_client.get(f"{base}add/").status_code == 403
    changed = operator_client.post(f"{base}{event.pk}/change/", {"action": "nothing.happened"})
    assert changed.status_code == 403
    event.refresh_from_db()
    assert event.action == "group_buy.opened"
    deleted = operator_client.post(f"{base}{event.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_operators_read_the_ledger_in_the_admin_and_cannot_touch_it(operator_client, hood, now):
    from linli.groupbuys import services
    from linli.ledger.models import Entry

    group_buy = hood.open(now=now)
    greens = group_buy.items.order_by("position").first()
    services.place_order(
        actor=hood.members[0], group_buy_id=group_buy.pk, lines={greens.pk: 2}, now=now
    )
    entry = Entry.objects.get()
    base = "/admin/ledger/entry/"
    page = operator_client.get(f"{base}{entry.pk}/change/")
    assert page.status_code == 200 and "900" in page.content.decode()  # the ¥9.00 charge
    assert operator_client.get(f"{base}add/").status_code == 403
    assert operator_client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Entry.objects.filter(pk=entry.pk).exists()
