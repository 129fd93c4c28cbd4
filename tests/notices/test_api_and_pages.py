"""The inbox for programs and on the pages: only the caller's own notices, newest first, the
unread count, read marks, choices; the front door's tile counts what is unread."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.notices.models import Notice, Preference
from linli.notices.rules import Kind
from linli.notices.services import notify

from ..apiclient import Api
from ..conftest import text

pytestmark = pytest.mark.django_db


def goods(title="周末蔬菜团"):
    return {
        "group_buy_id": 1,
        "title": title,
        "place": "南门快递柜旁",
        "until": "2027-03-02T07:00:00+00:00",
        "codes": ["123456789012"],
        "products": ["崇明青菜"],
    }


@pytest.fixture
def inbox(hood):
    """Member 0 has two notices (the newer one first), member 1 one."""
    now = timezone.now()
    older = notify(
        kind="goods_arrived",
        key="purchase_order:1",
        to={hood.members[0].pk: goods("旧团"), hood.members[1].pk: goods("旧团")},
        now=now - timedelta(hours=1),
    )
    newer = notify(
        kind="goods_arrived", key="purchase_order:2", to={hood.members[0].pk: goods()}, now=now
    )
    return newer[0], older[0], older[1]


def test_my_notices_newest_first_in_my_language(hood, inbox):
    newer, older, _theirs = inbox
    answer = Api(hood.members[0], language="en").get("/notices")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    assert [(n["id"], n["kind"], n["title"], n["read_at"]) for n in body["items"]] == [
        (newer.pk, "goods_arrived", "Your goods are here: 周末蔬菜团", None),
        (older.pk, "goods_arrived", "Your goods are here: 旧团", None),
    ]
    assert body["items"][0]["body"] == (
        "崇明青菜 arrived. Collect them at 南门快递柜旁 by 2027-03-02 15:00 with your pickup "
        "code 123456789012."
    )
    assert body["items"][0]["link"] == "/orders/"
    zh = Api(hood.members[0], language="zh-hans").get("/notices", limit=1, offset=1).json()
    assert [(n["id"], n["title"]) for n in zh["items"]] == [(older.pk, "您的货到了：旧团")]


def test_unread_count_and_read_marks(hood, inbox):
    _newer, older, theirs = inbox
    api = Api(hood.members[0])
    assert api.get("/notices/unread").json() == {"unread": 2}
    read = api.post(f"/notices/{older.pk}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert api.get("/notices/unread").json() == {"unread": 1}
    # Someone else's notice is not found, and stays unread.
    refused = api.post(f"/notices/{theirs.pk}/read")
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    assert refused.json()["message"] == "This notice does not exist, or is not yours to see."
    assert Notice.objects.get(pk=theirs.pk).read_at is None
    assert api.post("/notices/read").json() == {"marked": 1}
    assert api.get("/notices/unread").json() == {"unread": 0}
    assert Api(hood.members[1]).get("/notices/unread").json() == {"unread": 1}
    assert Api(hood.members[2]).get("/notices").json() == {"items": [], "count": 0}


def test_preferences_through_the_api(hood):
    api = Api(hood.members[0])
    rows = api.get("/notices/preferences").json()
    assert rows[0] == {
        "kind": "goods_arrived",
        "label": "Your goods are here",
        "channels": [
            {"channel": "inbox", "label": "In Linli (inbox)", "wanted": True, "reaches": True},
            {"channel": "email", "label": "E-mail", "wanted": True, "reaches": True},
        ],
    }
    answer = api.put(
        "/notices/preferences",
        {"choices": [{"kind": "goods_arrived", "channel": "email", "wanted": False}]},
    )
    assert answer.status_code == 200
    assert answer.json()[0]["channels"][1]["wanted"] is False
    assert list(Preference.objects.values_list("user_id", "kind", "channel", "enabled")) == [
        (hood.members[0].pk, "goods_arrived", "email", False)
    ]
    refused = api.put(
        "/notices/preferences",
        {"choices": [{"kind": "goods_arrived", "channel": "fax", "wanted": True}]},
    )
    assert refused.status_code == 422
    assert refused.json()["message"] == "Unknown channel “fax”. Use one of: email, inbox."
    wrong_type = api.put(
        "/notices/preferences",
        {"choices": [{"kind": "goods_arrived", "channel": "email", "wanted": "yes"}]},
    )
    assert wrong_type.status_code == 422
    assert Preference.objects.count() == 1


def test_the_api_asks_who_is_calling(hood):
    assert Api().get("/notices").status_code == 401
    assert Api().get("/notices/unread").status_code == 401


def test_the_tile_counts_unread_and_the_inbox_opens_a_notice(hood, inbox, browse):
    newer, _older, theirs = inbox
    client = browse(hood.members[0], "zh-hans")
    home = text(client.get("/"))
    assert '<section class="tile" id="tile-inbox">' in home
    assert "2 条未读" in home
    page = text(client.get("/inbox/"))
    assert "您的货到了：周末蔬菜团" in page
    assert (
        "崇明青菜已到货。请在 2027-03-02 15:00 前到 南门快递柜旁 取货，取货码 123456789012。"
        in page
    )
    # Opening is a POST (it marks the notice read), then the notice's own page.
    opened = client.post(f"/inbox/{newer.pk}/open")
    assert (opened.status_code, opened["Location"]) == (302, f"/inbox/{newer.pk}/")
    assert Notice.objects.get(pk=newer.pk).read_at is not None
    shown = text(client.get(f"/inbox/{newer.pk}/"))
    assert '<p id="notice-body">崇明青菜已到货。' in shown
    assert '<a class="button primary" href="/orders/">前往查看</a>' in shown
    assert "1 条未读" in text(client.get("/"))
    # A GET of the open address writes nothing; another's notice is not found.
    assert client.get(f"/inbox/{theirs.pk}/open").status_code == 405
    assert client.post(f"/inbox/{theirs.pk}/open").status_code == 404
    assert client.get(f"/inbox/{theirs.pk}/").status_code == 404
    assert Notice.objects.get(pk=theirs.pk).read_at is None
    assert client.post("/inbox/read-all").status_code == 302
    assert "条未读" not in text(client.get("/"))


def test_everyone_signed_in_has_an_inbox(hood, browse):
    for person in (hood.supplier_user, hood.operator, hood.leader_user, hood.other_member):
        page = browse(person, "en")
        assert 'id="tile-inbox"' in text(page.get("/"))
        assert "Nothing here yet." in text(page.get("/inbox/"))
    assert browse(None).get("/inbox/").status_code == 302


def test_choosing_on_the_preferences_page(hood, browse):
    client = browse(hood.members[0], "en")
    page = text(client.get("/inbox/preferences"))
    assert 'name="goods_arrived:email" id="goods_arrived-email"' in page
    # Every box but goods arrived by e-mail ticked: that one off, cutoff reminders by e-mail on.
    # (Every kind there is: apps add kinds of their own.)
    ticked = {f"{kind}:{channel}": "on" for kind in Kind.values for channel in ("inbox", "email")}
    del ticked["goods_arrived:email"]
    saved = text(client.post("/inbox/preferences", ticked))
    assert "Saved." in saved
    assert sorted(Preference.objects.values_list("kind", "channel", "enabled")) == sorted(
        [("goods_arrived", "email", False)]
        + [(kind, "email", True) for kind in Kind.values if kind != "goods_arrived"]
    )
    assert {"after_sales_decided", "cutoff_soon", "group_buy_failed"} <= set(Kind.values)


def test_switching_language_on_the_pages_is_remembered_for_e_mail(hood, browse):
    member = hood.members[0]
    assert member.language == "zh-hans"
    client = browse(member, "zh-hans")
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    assert (switched.status_code, switched["Location"]) == (302, "/inbox/")
    member.refresh_from_db()
    assert member.language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    member.refresh_from_db()
    assert member.language == "en"
    # Signed out, the switch still works, and remembers nothing.
    assert browse(None).post("/i18n/setlang/", {"language": "en"}).status_code == 302
