"""Correct: name and phone at once (the audit names the fields, not the values); a room change
waits for a leader of the community, who confirms or refuses it."""

import pytest

from linli.communities.models import Household
from linli.core.models import AuditEvent
from linli.notices.models import Notice
from linli.privacy import services
from linli.privacy.errors import (
    BadCorrection,
    RoomChangeDecided,
    RoomChangeNotFound,
    RoomTaken,
)
from linli.privacy.models import RoomChange

pytestmark = pytest.mark.django_db


def test_a_member_corrects_name_and_phone_and_the_audit_keeps_no_values(hood, browse):
    member, household = hood.members[1], hood.households[1]
    response = browse(member).post(
        "/privacy/correct/", {"contact_name": "  新 名字 ", "phone": "139 1234-5678"}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.contact_name, household.phone) == ("新 名字", "13912345678")
    event = AuditEvent.objects.get(action="household.corrected", target_id=str(household.pk))
    assert event.data == {"fields": ["contact_name", "phone"]}
    assert "新" not in str(event.data)


@pytest.mark.parametrize(
    ("name", "phone", "fields"),
    [
        ("", "13912345678", {"contact_name"}),
        ("王", "12345", {"phone"}),
        ("王" * 61, "x", {"contact_name", "phone"}),
    ],
)
def test_bad_corrections_are_refused_with_each_field_and_change_nothing(hood, name, phone, fields):
    household = hood.households[1]
    before = (household.contact_name, household.phone)
    with pytest.raises(BadCorrection) as refused:
        services.correct_profile(actor=hood.members[1], contact_name=name, phone=phone)
    assert {detail["field"] for detail in refused.value.details} == fields
    household.refresh_from_db()
    assert (household.contact_name, household.phone) == before


def test_the_page_shows_a_refusal_in_the_members_language(hood, browse):
    page = browse(hood.members[1], "zh-hans").post(
        "/privacy/correct/", {"contact_name": "王", "phone": "123"}
    )
    assert page.status_code == 422
    assert "请填写手机号" in page.content.decode()


def test_a_room_change_waits_for_the_leader_who_confirms_it(hood, browse):
    member, household = hood.members[1], hood.households[1]
    other_building = hood.households[0].building
    change = services.request_room_change(actor=member, building_id=other_building.pk, room="1901")
    household.refresh_from_db()
    assert household.room != "1901"  # not yet
    assert RoomChange.objects.get().status == RoomChange.Status.PENDING
    # Another community's leader and a neighbour cannot decide it.
    for outsider in (hood.other_leader_user, hood.members[2]):
        with pytest.raises(RoomChangeNotFound):
            services.decide_room_change(actor=outsider, change_id=change.pk, confirm=True)
    page = browse(hood.leader_user).get("/privacy/leader/")
    assert f'id="change-{change.pk}"' in page.content.decode()
    assert (
        browse(hood.leader_user)
        .post(f"/privacy/leader/room-changes/{change.pk}/", {"confirm": "1"})
        .status_code
        == 302
    )
    household.refresh_from_db()
    assert (household.building_id, household.room) == (other_building.pk, "1901")
    assert Notice.objects.get(recipient=member, kind="room_change_decided").params["confirmed"]
    with pytest.raises(RoomChangeDecided):
        services.decide_room_change(actor=hood.operator, change_id=change.pk, confirm=False)


def test_a_refused_move_changes_nothing_and_a_taken_room_is_refused(hood):
    member, household = hood.members[1], hood.households[1]
    neighbour = hood.households[2]
    with pytest.raises(RoomTaken):
        services.request_room_change(
            actor=member, building_id=neighbour.building_id, room=neighbour.room
        )
    change = services.request_room_change(
        actor=member, building_id=household.building_id, room="808"
    )
    again = services.request_room_change(
        actor=member, building_id=household.building_id, room="809"
    )
    change.refresh_from_db()
    assert change.status == RoomChange.Status.WITHDRAWN  # the newer request replaces it
    services.decide_room_change(actor=hood.leader_user, change_id=again.pk, confirm=False)
    assert Household.objects.get(pk=household.pk).room == household.room
    with pytest.raises(BadCorrection):
        services.request_room_change(
            actor=member, building_id=hood.other_community.buildings.get().pk, room="1"
        )
