"""The book's pages: search, a person with their strength, logging a visit, the coverage grid,
the review of gifts, refusals shown in the form, and who may see them."""

from datetime import timedelta

import pytest

from linli.relations import reminders, services
from linli.relations.models import Interaction, Person, Post, Relationship

from ..conftest import text


def test_the_book_finds_people_by_initials_and_lists_my_reminders(book, browse):
    services.log_interaction(
        actor=book.staff,
        kind="visit",
        happened_on=book.today - timedelta(days=40),
        person_ids=[book.li.pk],
    )
    services.keep_in_touch(actor=book.staff, person_id=book.li.pk, cadence_days=30)
    reminders.make(book.today)
    page = text(browse(book.staff).get("/relations/", {"q": "lf"}))
    assert "Time to get in touch with 李芳 (every 30 days)." in page
    assert "李芳" in page and "张三" not in page.split('id="people"')[1].split("</ul>")[0]


def test_logging_a_visit_on_the_page_raises_the_strength_and_clears_the_reminder(book, browse):
    services.log_interaction(
        actor=book.staff,
        kind="visit",
        happened_on=book.today - timedelta(days=40),
        person_ids=[book.li.pk],
    )
    services.keep_in_touch(actor=book.staff, person_id=book.li.pk, cadence_days=30)
    reminders.make(book.today)
    client = browse(book.staff)
    before = Relationship.objects.get(staff=book.staff, person=book.li).strength
    response = client.post(
        f"/relations/people/{book.li.pk}/",
        {"action": "log", "kind": "visit", "happened_on": book.today.isoformat(), "place": "仓库"},
    )
    assert response.status_code == 302
    after = Relationship.objects.get(staff=book.staff, person=book.li).strength
    assert after == pytest.approx(before + 2.0)
    page = text(client.get(f"/relations/people/{book.li.pk}/"))
    assert f'id="my-strength">{after:.2f}<' in page
    assert "Nothing to do today." in text(client.get("/relations/"))


def test_a_refusal_is_shown_in_the_form_and_nothing_is_logged(book, browse):
    tomorrow = book.today + timedelta(days=1)
    response = browse(book.staff, "zh-hans").post(
        f"/relations/people/{book.li.pk}/",
        {"action": "log", "kind": "meal", "happened_on": tomorrow.isoformat()},
    )
    assert response.status_code == 422
    assert f"{tomorrow.isoformat()} 还没到" in text(response)
    assert Interaction.objects.count() == 0


def test_the_coverage_grid_marks_the_gaps(book, browse):
    page = text(browse(book.staff).get(f"/relations/organisations/{book.coop.pk}/"))
    assert "Nobody at the head level of 崇明绿色合作社 is in the book." in page
    assert "李芳" in page and "张三" in page


def test_contact_details_are_masked_on_the_page_without_the_permission(book, browse):
    assert "13800001111" in text(browse(book.staff).get(f"/relations/people/{book.wang.pk}/"))
    page = text(browse(book.reader).get(f"/relations/people/{book.wang.pk}/"))
    assert "138****1111" in page and "13800001111" not in page
    assert 'id="log-form"' not in page


def test_a_reviewer_rejects_a_big_gift_on_the_page(book, browse):
    flagged = services.log_interaction(
        actor=book.staff,
        kind="gift_given",
        happened_on=book.today,
        person_ids=[book.wang.pk],
        value_fen=50000,
    )
    client = browse(book.staff)
    assert "1 gifts or meals with officials wait for a review." in text(client.get("/relations/"))
    response = client.post(
        "/relations/review/", {"interaction": flagged.pk, "decision": "reject", "note": "超标"}
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert (flagged.review, flagged.review_note, flagged.reviewed_by) == (
        "rejected",
        "超标",
        book.staff,
    )


@pytest.mark.parametrize("path", ["/relations/", "/relations/review/"])
def test_the_pages_are_not_there_for_others(book, hood, browse, path):
    for user in (hood.operator, hood.leader_user, hood.members[1], hood.supplier_user):
        assert browse(user).get(path).status_code == 404
    assert browse().get(path).status_code == 302


def test_a_person_not_in_the_book(book, browse):
    response = browse(book.staff).get("/relations/people/999999/")
    assert response.status_code == 404
    assert "There is no such person in the relationship book." in text(response)


def test_adding_a_person_with_a_post_on_the_page(book, browse):
    client = browse(book.staff)
    response = client.post(
        "/relations/",
        {
            "name": "赵敏",
            "phone": "13700000001",
            "tags": "居委，重要",
            "organisation": book.committee.pk,
            "level": "clerk",
            "role": "委员",
            "started_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    zhao = Person.objects.get(name="赵敏")
    assert (zhao.initials, zhao.tag_list) == ("zm", ["居委", "重要"])
    post = zhao.posts.get()
    assert (post.organisation, post.level, post.role) == (book.committee, "clerk", "委员")


def test_a_duplicate_on_the_page_adds_nothing(book, browse):
    response = browse(book.staff).post(
        "/relations/",
        {
            "name": "王建国",
            "phone": "13800001111",
            "organisation": book.coop.pk,
            "level": "head",
            "started_on": "2024-03-01",
        },
    )
    assert response.status_code == 409
    assert "王建国 with this phone number is already in the book" in text(response)
    assert Person.objects.filter(name="王建国").count() == 1
    assert not Post.objects.filter(organisation=book.coop, level="head").exists()
