"""Leaders' customers (only households that consented, as Excel, every export audited) and
who looked (reading a household's address or phone leaves a record the household sees in its
copy)."""

import io

import pytest
from openpyxl import load_workbook

from linli.communities import services as communities
from linli.communities.looks import LOOKED
from linli.core.models import AuditEvent
from linli.core.personal_data import holders
from linli.privacy import services
from linli.privacy.errors import NotLeader

from ..apiclient import Api

pytestmark = pytest.mark.django_db


def looks_at(household) -> list[dict]:
    return list(
        AuditEvent.objects.filter(
            action=LOOKED, target_type="communities.household", target_id=str(household.pk)
        ).values("actor_id", "data")
    )


def trail_of(household) -> list[dict]:
    (privacy,) = [holder for holder in holders() if holder.name == "privacy"]
    return privacy.export(household.pk)["audit_trail"]


def test_a_leader_exports_only_the_households_that_consented_and_it_is_recorded(hood, browse):
    agreed, not_asked, withdrew = hood.households[1], hood.households[2], hood.households[3]
    communities.give_consent(
        actor=hood.members[1], household_id=agreed.pk, purpose="leader_contacts"
    )
    communities.give_consent(
        actor=hood.members[3], household_id=withdrew.pk, purpose="leader_contacts"
    )
    communities.withdraw_consent(
        actor=hood.members[3], household_id=withdrew.pk, purpose="leader_contacts"
    )
    response = browse(hood.leader_user).post(f"/privacy/leader/contacts/{hood.community.pk}.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1:4] for row in rows[1:]] == [(agreed.room, agreed.contact_name, agreed.phone)]
    assert AuditEvent.objects.get(action="contacts.exported").data == {
        "community": hood.community.pk,
        "count": 1,
    }
    assert [look["data"]["what"] for look in looks_at(agreed)] == ["contacts_export"]
    assert looks_at(not_asked) == [] and looks_at(withdrew) == []
    assert any(event["data"].get("what") == "contacts_export" for event in trail_of(agreed))


def test_no_one_else_exports_a_communitys_contacts(hood, browse):
    for outsider in (hood.other_leader_user, hood.members[1], hood.supplier_user):
        with pytest.raises(NotLeader):
            services.export_contacts(actor=outsider, community_id=hood.community.pk)
        page = browse(outsider).post(f"/privacy/leader/contacts/{hood.community.pk}.xlsx")
        assert page.status_code == 404
    assert not AuditEvent.objects.filter(action="contacts.exported").exists()


def test_the_hand_out_page_records_who_looked_and_the_household_sees_it(hood, browse):
    group_buy, orders = hood.formed(count=2)
    household = orders[0].household
    page = browse(hood.leader_user).get(
        f"/lead/group-buys/{group_buy.pk}/handout", {"q": orders[0].pickup_code}
    )
    assert page.status_code == 200 and household.contact_name in page.content.decode()
    looks = looks_at(household)
    assert [(look["actor_id"], look["data"]["what"]) for look in looks] == [
        (hood.leader_user.pk, "handout")
    ]
    assert [e["action"] for e in trail_of(household)].count(LOOKED) == 1
    # The household reading its own data is not a look by someone else.
    browse(hood.members[1]).get("/privacy/")
    assert len(looks_at(household)) == 1


def test_an_operator_reading_full_phones_on_a_building_sheet_is_recorded(hood, browse):
    group_buy, orders = hood.formed(count=2)
    household = orders[0].household
    building = household.building_id
    page = browse(hood.operator).get(f"/lead/group-buys/{group_buy.pk}/buildings/{building}/")
    assert page.status_code == 200 and household.phone in page.content.decode()
    assert {look["data"]["phone"] for look in looks_at(household)} == {"full"}


def test_downloading_the_distribution_sheets_records_every_household_on_them(hood):
    group_buy, orders = hood.formed(count=2)
    response = Api(hood.leader_user).get(f"/group-buys/{group_buy.pk}/distribution.xlsx")
    assert response.status_code == 200
    for order in orders:
        assert [look["data"]["what"] for look in looks_at(order.household)] == ["distribution.xlsx"]
    # A supplier is refused the sheets, and nothing is recorded.
    assert (
        Api(hood.supplier_user).get(f"/group-buys/{group_buy.pk}/distribution.pdf").status_code
        == 404
    )
    assert AuditEvent.objects.filter(action=LOOKED).count() == 2


def test_an_operator_opening_a_household_in_the_admin_is_recorded(hood, browse):
    household = hood.households[2]
    page = browse(hood.operator).get(f"/admin/communities/household/{household.pk}/change/")
    assert page.status_code == 200 and household.phone in page.content.decode()
    assert [look["data"]["what"] for look in looks_at(household)] == ["admin"]


def test_orders_read_through_the_api_record_who_looked_at_each_household_shown(hood):
    group_buy, orders = hood.formed(count=3)
    # An operator reads a page of two orders: the two households on it are recorded.
    page = Api(hood.operator).get(f"/group-buys/{group_buy.pk}/orders", limit=2).json()
    shown = {order["household_id"] for order in page["items"]}
    assert len(shown) == 2 and page["count"] == 3
    looked = AuditEvent.objects.filter(action=LOOKED)
    assert {int(e.target_id) for e in looked} == shown
    assert {e.data["what"] for e in looked} == {"api: orders"}
    assert {e.data["phone"] for e in looked} == {"full"}
    # One order read on its own, by its leader: one more, with the phone masked.
    third = next(o for o in orders if o.household_id not in shown)
    assert Api(hood.leader_user).get(f"/orders/{third.pk}").status_code == 200
    assert [look["data"] for look in looks_at(third.household)] == [
        {"what": "api: orders", "phone": "masked"}
    ]
    # A household reading its own orders is not recorded.
    before = looked.count()
    member = next(m for m in hood.members if m.member.household_id == third.household_id)
    assert Api(member).get("/orders").json()["count"] >= 1
    assert looked.count() == before
