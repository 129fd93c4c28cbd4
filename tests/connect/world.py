"""A consumer-connect programme for the shared tables (permissions, paging): the operator runs
programmes (no one else does); the leader is a participant with three stays (scheduled,
confirmed, checked in) at the neighbour's household, which agreed to host; a report with a
highlight and an insight, and an action."""

from datetime import date

from django.contrib.auth.models import Permission

from linli.communities.models import Consent
from linli.communities.services import give_consent
from linli.connect import services
from linli.connect.models import Host, Participant, Stay


def connect_programme(hood) -> dict[str, int | str]:
    operator = hood.operator
    operator.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="connect", codename="run_programme")
    )
    operator = type(operator).objects.get(pk=operator.pk)
    programme = services.create_programme(
        actor=operator, values={"name": "走进用户 2027", "starts_on": date(2027, 3, 1)}
    )
    household = hood.households[2]  # the neighbour's
    give_consent(
        actor=hood.members[2], household_id=household.pk, purpose=Consent.Purpose.CONNECT_HOST
    )
    host = Host.objects.create(
        programme=programme, kind="household", household=household, label="2号楼一户",
        latitude=31.2, longitude=121.4, capacity=3,
    )  # fmt: skip
    stays = {}
    for n, status in enumerate(["scheduled", "confirmed", "checked_in"]):
        participant = Participant.objects.create(
            programme=programme, staff_no=f"L{n}", name=f"团长{n}", department="团长",
            latitude=31.2, longitude=121.4, user=hood.leader_user,
        )  # fmt: skip
        stays[status] = Stay.objects.create(
            programme=programme, participant=participant, host=host, week=n,
            starts_on=date(2027, 3, 1), days_planned=7, status=status,
            checked_in_at=None if status != "checked_in" else programme.created_at,
        )  # fmt: skip
    report = services.write_report(
        actor=operator,
        stay_id=stays["checked_in"].pk,
        title="一周的记录",
        notes=[{"part": "observe", "voice": "etic", "text": "取货时间太早，上班的人来不及。"}],
    )
    note = report.notes.get()
    highlight = services.highlight(actor=operator, note_id=note.pk, start=0, end=4, tag_ids=[])
    insight = services.create_insight(
        actor=operator, programme_id=programme.pk, title="取货时间", body="",
        highlight_ids=[highlight.pk],
    )  # fmt: skip
    action = services.create_action(
        actor=operator, insight_id=insight.pk, kind="pickup_time", title="傍晚取货",
        owner_id=operator.pk,
    )  # fmt: skip
    return {
        "cx_programme": programme.pk,
        "cx_host": host.pk,
        "cx_token": host.qr_token,
        "cx_participant": stays["scheduled"].participant_id,
        "cx_scheduled": stays["scheduled"].pk,
        "cx_confirmed": stays["confirmed"].pk,
        "cx_checked_in": stays["checked_in"].pk,
        "cx_note": note.pk,
        "cx_insight": insight.pk,
        "cx_action": action.pk,
        "cx_highlight": highlight.pk,
    }
