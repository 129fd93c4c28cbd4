"""The relationship book through the API: log a visit and see the strength; search; refusals
in both languages that change nothing; who may read what."""

from datetime import timedelta

import pytest

from linli.core.models import AuditEvent
from linli.relations.models import Interaction, Person, Post, Relationship
from tests.apiclient import Api

from ..state import snapshot
from .conftest import staff_member


def test_logging_a_visit_stores_the_strength_and_shows_it(book):
    api = Api(book.staff)
    response = api.post(
        "/relations/interactions",
        {
            "kind": "visit",
            "happened_on": book.today.isoformat(),
            "person_ids": [book.li.pk],
            "place": "合作社仓库",
        },
        key="visit-1",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["people"], body["staff"]) == (
        "visit",
        ["李芳"],
        ["用户" + body["staff"][0][2:]],
    )
    again = api.post(
        "/relations/interactions",
        {
            "kind": "visit",
            "happened_on": book.today.isoformat(),
            "person_ids": [book.li.pk],
            "place": "合作社仓库",
        },
        key="visit-1",
    )
    assert again.json() == body and Interaction.objects.count() == 1
    person = api.get(f"/relations/people/{book.li.pk}").json()
    (tie,) = person["ties"]
    assert tie["strength"] == pytest.approx(2.0)
    assert tie["last_contact_on"] == book.today.isoformat()
    assert person["trend"][-1][1] == pytest.approx(2.0)
    assert person["interactions"][0]["place"] == "合作社仓库"
    assert AuditEvent.objects.filter(action="relations.interaction_logged").count() == 1


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("张三", ["张三"]),
        ("zhangsan", ["张三"]),
        ("zs", ["张三"]),
        ("zhang", ["张三"]),
        ("wjg", ["王建国"]),
        ("li", ["李芳"]),
        ("", ["李芳", "王建国", "张三"]),
        ("nobody", []),
    ],
)
def test_search_by_name_pinyin_or_initials(book, q, names):
    body = Api(book.staff).get("/relations/people", q=q).json()
    assert [row["name"] for row in body["items"]] == names
    assert body["count"] == len(names)


def test_search_by_organisation_and_tag(book):
    api = Api(book.staff)
    by_coop = api.get("/relations/people", organisation_id=book.coop.pk).json()["items"]
    assert [row["name"] for row in by_coop] == ["李芳", "张三"]
    assert by_coop[0]["posts"] == ["崇明绿色合作社"]
    assert [r["name"] for r in api.get("/relations/people", tag="农民").json()["items"]] == ["张三"]


def test_contact_details_are_masked_without_the_permission(book):
    full = Api(book.staff).get(f"/relations/people/{book.wang.pk}").json()
    masked = Api(book.reader).get(f"/relations/people/{book.wang.pk}").json()
    assert full["phone"] == "13800001111"
    assert masked["phone"] == "138****1111"
    rows = Api(book.reader).get("/relations/people", q="zs").json()["items"]
    assert rows[0]["wechat"] == "***"


def test_the_book_is_closed_to_those_without_access(book, hood):
    for user in (hood.operator, hood.leader_user, hood.members[1]):
        response = Api(user).get("/relations/people")
        assert response.status_code == 404
        assert response.json()["code"] == "relationship_book_closed"
    response = Api(book.reader).post(
        "/relations/interactions",
        {"kind": "call", "happened_on": book.today.isoformat(), "person_ids": [book.li.pk]},
    )
    assert response.status_code == 403
    assert response.json()["message"] == "You may read the relationship book but not change it."


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "A post cannot end (2026-01-01) before it starts (2026-02-01)."),
        ("zh-Hans", "任职结束日期（2026-01-01）不能早于开始日期（2026-02-01）。"),
    ],
)
def test_a_post_ending_before_it_starts_is_refused(book, language, message):
    before = Post.objects.count()
    response = Api(book.staff, language=language).post(
        f"/relations/people/{book.li.pk}/posts",
        {
            "organisation_id": book.committee.pk,
            "level": "front_line",
            "started_on": "2026-02-01",
            "ended_on": "2026-01-01",
        },
    )
    assert response.status_code == 422
    assert response.json()["details"] == [{"field": "ended_on", "message": message}]
    assert Post.objects.count() == before


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "{day} is in the future: log what has happened (today is {today})."),
        ("zh-Hans", "{day} 还没到：只记录已经发生的事（今天是 {today}）。"),
    ],
)
def test_an_interaction_in_the_future_is_refused(book, language, message):
    tomorrow = book.today + timedelta(days=1)
    api = Api(book.staff, language=language)
    before = snapshot(), Interaction.objects.count(), Relationship.objects.count()
    response = api.post(
        "/relations/interactions",
        {"kind": "meal", "happened_on": tomorrow.isoformat(), "person_ids": [book.li.pk]},
    )
    assert response.status_code == 422
    assert response.json()["details"] == [
        {
            "field": "happened_on",
            "message": message.format(day=tomorrow.isoformat(), today=book.today.isoformat()),
        }
    ]
    assert (snapshot(), Interaction.objects.count(), Relationship.objects.count()) == before


def test_a_duplicate_person_is_refused(book):
    response = Api(book.staff).post("/relations/people", {"name": "王建国", "phone": "13800001111"})
    assert response.status_code == 409
    assert response.json()["message"] == (
        f"王建国 with this phone number is already in the book (person {book.wang.pk})."
    )
    assert Person.objects.filter(name="王建国").count() == 1


def test_a_big_gift_to_an_official_is_flagged_and_reviewed_on_record(book, settings):
    settings.LINLI_RELATIONS = {**settings.LINLI_RELATIONS, "OFFICIAL_LIMIT_FEN": 20000}
    api = Api(book.staff)
    small = api.post(
        "/relations/interactions",
        {
            "kind": "gift_given",
            "happened_on": book.today.isoformat(),
            "person_ids": [book.wang.pk],
            "value_fen": 20000,
            "notes": "月饼",
        },
    ).json()
    big = api.post(
        "/relations/interactions",
        {
            "kind": "meal",
            "happened_on": book.today.isoformat(),
            "person_ids": [book.wang.pk],
            "value_fen": 20001,
        },
    ).json()
    to_coop = api.post(
        "/relations/interactions",
        {
            "kind": "meal",
            "happened_on": book.today.isoformat(),
            "person_ids": [book.li.pk],
            "value_fen": 90000,
        },
    ).json()
    assert (small["review"], big["review"], to_coop["review"]) == ("", "flagged", "")
    waiting = api.get("/relations/interactions/flagged").json()
    assert [item["id"] for item in waiting["items"]] == [big["id"]]
    refused = Api(book.reader).post(
        f"/relations/interactions/{big['id']}/review", {"approve": True}
    )
    assert refused.status_code == 403
    no_note = api.post(f"/relations/interactions/{big['id']}/review", {"approve": False})
    assert no_note.status_code == 422
    done = api.post(
        f"/relations/interactions/{big['id']}/review", {"approve": False, "note": "超标，退回"}
    )
    assert (done.json()["review"], done.json()["review_note"]) == ("rejected", "超标，退回")
    event = AuditEvent.objects.get(action="relations.interaction_reviewed")
    assert event.data == {"review": "rejected", "note": "超标，退回"}
    assert event.actor == book.staff
    again = api.post(f"/relations/interactions/{big['id']}/review", {"approve": True})
    assert again.status_code == 409


def test_removing_a_person_anonymises_their_interactions(book):
    api = Api(book.staff)
    shared = api.post(
        "/relations/interactions",
        {
            "kind": "meal",
            "happened_on": book.today.isoformat(),
            "person_ids": [book.li.pk, book.zhang.pk],
            "place": "李芳家",
            "notes": "谈了她女儿",
        },
    ).json()
    assert Api(book.reader).delete(f"/relations/people/{book.li.pk}").status_code == 403
    response = api.delete(f"/relations/people/{book.li.pk}")
    assert response.status_code == 200
    assert not Person.objects.filter(pk=book.li.pk).exists()
    interaction = Interaction.objects.get(pk=shared["id"])
    assert (interaction.place, interaction.notes, interaction.anonymised) == ("", "", True)
    zhang = api.get(f"/relations/people/{book.zhang.pk}").json()
    assert zhang["interactions"][0]["people"] == ["张三"]
    event = AuditEvent.objects.get(action="relations.person_removed")
    assert "李芳" not in str(event.data) and event.target_id == str(book.li.pk)
    assert api.get(f"/relations/people/{book.li.pk}").status_code == 404


def test_cadence_and_coverage(book):
    api = Api(book.staff)
    response = api.put(f"/relations/people/{book.wang.pk}/cadence", {"cadence_days": 30})
    assert response.status_code == 200
    assert response.json()["ties"][0]["cadence_days"] == 30
    bad = api.put(f"/relations/people/{book.wang.pk}/cadence", {"cadence_days": 0})
    assert bad.status_code == 422
    grid = api.get(f"/relations/organisations/{book.coop.pk}/coverage").json()
    assert [(level["level"], [s["name"] for s in level["seats"]]) for level in grid["levels"]] == [
        ("front_line", ["李芳"]),
        ("manager", ["张三"]),
        ("head", []),
    ]
    assert [gap["code"] for gap in grid["gaps"]] == ["unknown", "unknown", "nobody"]
    assert grid["gaps"][2]["message"] == (
        "Nobody at the head level of 崇明绿色合作社 is in the book."
    )


def test_staff_only_on_our_side(book, hood):
    response = Api(book.staff).post(
        "/relations/interactions",
        {
            "kind": "call",
            "happened_on": book.today.isoformat(),
            "person_ids": [book.li.pk],
            "staff_ids": [hood.leader_user.pk],
        },
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "staff_ids"


def test_a_new_colleague_has_no_tie(book):
    newcomer = staff_member(username="newcomer")
    person = Api(newcomer).get(f"/relations/people/{book.li.pk}").json()
    assert person["ties"] == [] and person["trend"][-1][1] == 0.0
