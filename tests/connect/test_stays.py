"""Stays: confirmed by the host, checked in by the QR at the door, checked out with the days
counted and the meal fees on the ledger (once); cancellations and replacements; compliance,
the Excel list of who is behind, and the weekly reminders."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from linli.communities.models import Consent
from linli.communities.services import withdraw_consent
from linli.connect import excel, planning, reminders, selectors, services
from linli.connect.errors import BadInput, BadQr, StayNotFound, WrongStep
from linli.connect.models import Reminder, Stay
from linli.ledger.models import Entry
from linli.ledger.services import Acct, Kind, balance


def at(day: int, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(2027, 3, day, hour))


@pytest.fixture
def placed(world):
    world.participants[0].user = world.hood.other_member
    world.participants[0].save()
    services.set_pairing(
        actor=world.runner,
        participant_id=world.participants[0].pk,
        host_id=world.hosts[0].pk,
        rule="pin",
    )
    planning.run(actor=world.runner, programme=world.programme)
    return Stay.objects.get(participant=world.participants[0])


def test_a_stay_from_scheduled_to_checked_out(world, placed):
    host_member = world.hood.members[0]  # lives in the host household
    visitor = world.hood.other_member
    with pytest.raises(StayNotFound):
        services.confirm_stay(actor=visitor, stay_id=placed.pk)  # not the host
    with pytest.raises(WrongStep):
        services.check_in(actor=host_member, stay_id=placed.pk)  # not confirmed yet
    services.confirm_stay(actor=host_member, stay_id=placed.pk)
    with pytest.raises(BadQr):
        services.check_in(actor=visitor, stay_id=placed.pk, token="wrong")
    services.check_in(actor=visitor, stay_id=placed.pk, token=placed.host.qr_token, at=at(1))
    with pytest.raises(WrongStep):
        services.cancel_stay(actor=visitor, stay_id=placed.pk, reason="太忙")
    stay = services.check_out(actor=host_member, stay_id=placed.pk, at=at(5, 18))
    assert stay.status == "checked_out" and stay.days_done == 5
    account = Acct(Kind.HOUSEHOLD, world.hosts[0].household_id)
    assert balance(account) == -5 * 2500  # credit held for the host household
    assert balance(Acct(Kind.OPERATOR)) == 5 * 2500
    assert Entry.objects.filter(kind="meal_fee", key=f"connect_meals:{stay.pk}").count() == 1
    with pytest.raises(WrongStep):
        services.check_out(actor=host_member, stay_id=placed.pk, at=at(6))
    assert balance(account) == -5 * 2500


def test_days_are_capped_at_the_plan_and_checkout_not_before_checkin(world, placed):
    services.confirm_stay(actor=world.runner, stay_id=placed.pk)
    services.check_in(actor=world.runner, stay_id=placed.pk, at=at(1))
    with pytest.raises(BadInput) as raised:
        services.check_out(actor=world.runner, stay_id=placed.pk, at=at(1) - timedelta(hours=1))
    assert raised.value.details[0]["field"] == "at"
    assert Stay.objects.get(pk=placed.pk).status == "checked_in"
    stay = services.check_out(actor=world.runner, stay_id=placed.pk, at=at(20))
    assert stay.days_done == 7


def test_cancel_and_replace(world, placed):
    services.cancel_stay(actor=world.hood.members[0], stay_id=placed.pk, reason="家里有事")
    services.set_pairing(
        actor=world.runner,
        participant_id=placed.participant_id,
        host_id=world.hosts[1].pk,
        rule="pin",
    )
    planning.run(actor=world.runner, programme=world.programme)
    new = Stay.objects.exclude(status="cancelled").get(participant_id=placed.participant_id)
    assert new.replaces_id == placed.pk and new.host_id == world.hosts[1].pk


def test_withdrawn_consent_cancels_stays_not_begun(world, placed):
    withdraw_consent(
        actor=world.hood.members[0],
        household_id=world.hosts[0].household_id,
        purpose=Consent.Purpose.CONNECT_HOST,
    )
    placed.refresh_from_db()
    assert placed.status == "cancelled"


def test_compliance_behind_excel_and_reminders(world, placed):
    world.participants[2].new_staff = True
    world.participants[2].save()
    services.confirm_stay(actor=world.runner, stay_id=placed.pk)
    services.check_in(actor=world.runner, stay_id=placed.pk, at=at(1))
    services.check_out(actor=world.runner, stay_id=placed.pk, at=at(7))
    standings = {s.staff_no: s for s in selectors.compliance(world.programme)}
    assert (standings["S000"].done, standings["S000"].behind) == (7, 0)
    assert (standings["S002"].owed, standings["S002"].behind) == (30, 30)
    late = selectors.behind(world.programme)
    assert sorted(s.staff_no for s in late) == ["S001", "S002"]
    departments = {d.name: d for d in selectors.departments(list(standings.values()))}
    assert departments["采购部"].done == 7 and departments["采购部"].behind_people == 1
    book = load_workbook(io.BytesIO(excel.behind_sheet(world.programme, late)))
    rows = list(book.active.iter_rows(values_only=True))
    assert {row[:3] + row[5:] for row in rows[2:]} == {
        ("S001", "员工1", "采购部", 7),
        ("S002", "员工2", "运营部", 30),
    }
    first = reminders.send(date(2027, 3, 10))
    again = reminders.send(date(2027, 3, 12))
    assert first["reminders"] == 2 and again["reminders"] == 0
    assert Reminder.objects.get(participant=world.participants[2]).days_behind == 30
