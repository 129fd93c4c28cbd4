"""Reports (observe, listen, dialogue; etic or emic; quotes only with the host's consent;
photos checked), highlights with nestable tags, insights citing evidence, actions reported back
to the hosts, and Chinese full-text search that finds two-character words, ranked."""

from datetime import datetime

import pytest
from django.utils import timezone

from linli.aftersales.errors import NotAnImage, WrongImageType
from linli.communities.models import Consent
from linli.communities.services import give_consent, withdraw_consent
from linli.connect import planning, search, services
from linli.connect.errors import BadInput, StayNotFound, WrongStep
from linli.connect.models import Note, Photo, Stay
from linli.core import events
from linli.core.models import OutboxEvent
from linli.notices import texts as notices_texts
from linli.notices.models import Notice

from .. import factories
from .conftest import grant

NOTES = [
    {"part": "observe", "voice": "etic", "text": "老人家里冰箱很小，蔬菜一次只能买两天的量。"},
    {"part": "listen", "voice": "emic", "text": "我们在社区团购买了新鲜蔬菜，取货时间太早了。",
     "quote": True},
    {"part": "dialogue", "voice": "emic", "text": "她希望傍晚六点以后也能取货。"},
]  # fmt: skip


@pytest.fixture
def stay(world):
    world.participants[0].user = world.hood.other_member
    world.participants[0].save()
    services.set_pairing(
        actor=world.runner,
        participant_id=world.participants[0].pk,
        host_id=world.hosts[0].pk,
        rule="pin",
    )
    planning.run(actor=world.runner, programme=world.programme)
    found = Stay.objects.get(participant=world.participants[0])
    services.confirm_stay(actor=world.runner, stay_id=found.pk)
    services.check_in(
        actor=world.runner, stay_id=found.pk, at=timezone.make_aware(datetime(2027, 3, 1, 9))
    )
    return found


def quoted(world):
    give_consent(
        actor=world.hood.members[0],
        household_id=world.hosts[0].household_id,
        purpose=Consent.Purpose.QUOTED,
    )


def test_report_needs_a_begun_stay_and_its_participant(world):
    planning.run(actor=world.runner, programme=world.programme)
    scheduled = Stay.objects.filter(programme=world.programme).first()
    with pytest.raises(WrongStep):
        services.write_report(actor=world.runner, stay_id=scheduled.pk, title="t", notes=NOTES)
    with pytest.raises(StayNotFound):
        services.write_report(
            actor=world.hood.members[1], stay_id=scheduled.pk, title="t", notes=NOTES
        )


def test_quotes_only_with_consent_and_removed_when_withdrawn(world, stay):
    visitor = world.hood.other_member
    with pytest.raises(BadInput) as raised:
        services.write_report(actor=visitor, stay_id=stay.pk, title="王阿姨家", notes=NOTES)
    assert [d["field"] for d in raised.value.details] == ["notes.1.quote"]
    assert not Note.objects.exists()
    quoted(world)
    report = services.write_report(actor=visitor, stay_id=stay.pk, title="王阿姨家", notes=NOTES)
    assert [n.part for n in report.notes.all()] == ["observe", "listen", "dialogue"]
    assert search.search("团购")
    withdraw_consent(
        actor=world.hood.members[0],
        household_id=world.hosts[0].household_id,
        purpose=Consent.Purpose.QUOTED,
    )
    note = report.notes.get(position=1)
    assert note.quote is False and "团购" not in note.text
    assert not search.search("团购")


def test_bad_notes_change_nothing(world, stay):
    bad = [{"part": "gossip", "voice": "etic", "text": ""}, "not a note"]
    with pytest.raises(BadInput) as raised:
        services.write_report(actor=world.runner, stay_id=stay.pk, title="", notes=bad)
    fields = {d["field"] for d in raised.value.details}
    assert {"title", "notes.0.part", "notes.0.text", "notes.1"} <= fields
    assert not Note.objects.exists()


def test_photos_checked(world, stay):
    quoted(world)
    report = services.write_report(actor=world.runner, stay_id=stay.pk, title="t", notes=NOTES)
    photo = services.add_photo(
        actor=world.hood.other_member, report_id=report.pk, name="a.jpg",
        content_type="image/jpeg", data=factories.photo_bytes("JPEG"), caption="冰箱",
    )  # fmt: skip
    assert photo.content_type == "image/jpeg" and photo.image.name.startswith("connect/")
    with pytest.raises(WrongImageType):
        services.add_photo(
            actor=world.runner, report_id=report.pk, name="b.png", content_type="image/jpeg",
            data=factories.photo_bytes("PNG"),
        )  # fmt: skip
    with pytest.raises(NotAnImage):
        services.add_photo(
            actor=world.runner, report_id=report.pk, name="c.jpg", content_type="image/jpeg",
            data=b"not a picture",
        )  # fmt: skip
    assert Photo.objects.count() == 1


def test_highlight_tag_insight_action_and_search(world, stay):
    quoted(world)
    report = services.write_report(actor=world.runner, stay_id=stay.pk, title="t", notes=NOTES)
    pickup = services.create_tag(actor=world.runner, name="取货")
    late = services.create_tag(actor=world.runner, name="傍晚取货", parent_id=pickup.pk)
    with pytest.raises(BadInput):
        services.create_tag(actor=world.runner, name="取货")
    note = report.notes.get(position=2)
    with pytest.raises(BadInput):
        services.highlight(actor=world.runner, note_id=note.pk, start=5, end=500, tag_ids=[])
    span = services.highlight(
        actor=world.runner, note_id=note.pk, start=1, end=len(note.text) - 1, tag_ids=[late.pk]
    )
    assert span.text == "希望傍晚六点以后也能取货"
    insight = services.create_insight(
        actor=world.runner,
        programme_id=world.programme.pk,
        title="取货时间要照顾上班族和老人",
        body="傍晚取货点开放可以让上班的家庭也能按时取货。",
        highlight_ids=[span.pk],
    )
    # Two-character words found, in notes, highlights and the insight, ranked.
    hits = search.search("取货")
    kinds = {hit.kind for hit in hits}
    assert kinds == {"note", "highlight", "insight"}
    assert all(hits[i].rank >= hits[i + 1].rank for i in range(len(hits) - 1))
    assert {h.object_id for h in search.search("团购", kinds=["note"])} == {
        report.notes.get(position=1).pk
    }  # jieba cut 社区团购买了 as 社区/团/购买: the two-character window finds it
    assert search.search("冰箱 蔬菜")[0].object_id == report.notes.get(position=0).pk
    assert search.search("傍晚 上班", kinds=["insight"])[0].object_id == insight.pk
    assert not search.search("火箭")
    owner = grant(factories.OperatorFactory(), "run_programme")
    action = services.create_action(
        actor=world.runner, insight_id=insight.pk, kind="pickup_time", title="傍晚取货",
        owner_id=owner.pk,
    )  # fmt: skip
    with pytest.raises(BadInput):
        services.update_action(actor=world.runner, action_id=action.pk, status="done")
    services.update_action(
        actor=world.runner, action_id=action.pk, status="done",
        link="/groupbuys/", outcome="幸福里小区增加了傍晚六点到八点的取货时段。",
    )  # fmt: skip
    event = OutboxEvent.objects.get(name="connect.outcome_reported")
    assert event.payload["hosts"] == [world.hosts[0].pk]
    services.update_action(
        actor=world.runner, action_id=action.pk, status="done", outcome="再说一次"
    )
    assert OutboxEvent.objects.filter(name="connect.outcome_reported").count() == 1
    # The worker tells the host household what came of it, in its members' inboxes, once.
    while events.deliver():
        pass
    told = Notice.objects.filter(kind="connect_outcome")
    members = set(world.hosts[0].household.members.values_list("user_id", flat=True))
    assert set(told.values_list("recipient_id", flat=True)) == members != set()
    notice = told.first()
    text = notices_texts.shown_in("zh-hans", notice.kind, notice.params)
    assert text.title == "你说的话，我们做了什么"
    assert "幸福里小区增加了傍晚六点到八点的取货时段。" in text.body
