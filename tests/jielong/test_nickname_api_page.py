"""The nickname book through the API, the import page and `linli import-jielong`: the
leader finds the household of a "whose is this?" line, matches it once, and the line
resolves."""

import json

import pytest
from django.test import Client

from linli.core.models import AuditEvent
from linli.groupbuys.models import Order
from linli.jielong.models import NicknameBook

from ..apiclient import Api
from ..state import snapshot
from .test_api_cli_page import linli
from .test_import import address, chain_for, orders_by_household
from .test_nickname_book import WHOSE_EN, WHOSE_ZH, label


@pytest.fixture
def chain(hood):
    group_buy = hood.open()
    text = chain_for(f"1. 小王 {address(hood.households[0])} A2", "2、阿芳 鸡蛋1")
    return group_buy, text


def book_state() -> dict:
    return {
        **snapshot(),
        "book": list(NicknameBook.objects.values_list("pk", "key", "household_id")),
        "audit": AuditEvent.objects.count(),
    }


def test_api_preview_search_match_list_forget(hood, chain):
    group_buy, text = chain
    two = hood.households[1]
    api = Api(hood.leader_user)
    book = f"/communities/{hood.community.pk}/nicknames"

    line = api.post(f"/group-buys/{group_buy.pk}/jielong/preview", {"text": text}).json()["lines"][
        1
    ]
    assert (line["action"], line["needs_owner"], line["found_by"], line["reason"]) == (
        "unmatched",
        True,
        None,
        WHOSE_EN,
    )
    found = api.get(f"{book}/households", q=f"2-{two.room}")
    assert found.status_code == 200
    assert found.json() == [
        {
            "household_id": two.pk,
            "label": label(two),
            "phone": f"{two.phone[:3]}****{two.phone[-4:]}",
        }
    ]
    matched = api.post(book, {"nickname": " 阿芳 ", "household_id": two.pk}, key="m-1")
    assert matched.status_code == 200, matched.content
    body = matched.json()
    assert {k: body[k] for k in ("nickname", "household_id", "household", "matched_by")} == {
        "nickname": "阿芳",
        "household_id": two.pk,
        "household": label(two),
        "matched_by": hood.leader_user.username,
    }
    line = api.post(f"/group-buys/{group_buy.pk}/jielong/preview", {"text": text}).json()["lines"][
        1
    ]
    assert (line["action"], line["needs_owner"], line["found_by"], line["household_id"]) == (
        "place",
        False,
        "nickname",
        two.pk,
    )
    listed = api.get(book).json()
    assert [(e["id"], e["nickname"]) for e in listed["items"]] == [(body["id"], "阿芳")]

    imported = api.post(f"/group-buys/{group_buy.pk}/jielong/import", {"text": text}, key="i-1")
    assert imported.json()["placed"] == 2
    assert orders_by_household(group_buy)[two.pk] == {"土鸡蛋": 1}

    forgotten = api.delete(f"{book}/{body['id']}")
    assert forgotten.status_code == 200
    assert (forgotten.json()["id"], forgotten.json()["household_id"]) == (body["id"], two.pk)
    assert not NicknameBook.objects.exists()
    again = api.delete(f"{book}/{body['id']}")
    assert again.status_code == 404
    assert again.json()["message"] == "This community's nickname book has no such entry."


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
@pytest.mark.parametrize(
    ("body", "field", "messages"),
    [
        (
            {"nickname": "", "household_id": "one"},
            "nickname",
            ("Say which nickname.", "请说明是哪个昵称。"),
        ),
        (
            {"nickname": "芳" * 61, "household_id": "one"},
            "nickname",
            ("A nickname has at most 60 characters.", "昵称最多 60 个字。"),
        ),
        (
            {"nickname": "阿芳", "household_id": "far"},
            "household_id",
            ("{community} has no household {id}.", "{community}没有编号为 {id} 的住户。"),
        ),
        (
            {"nickname": "阿芳", "household_id": "missing"},
            "household_id",
            ("{community} has no household {id}.", "{community}没有编号为 {id} 的住户。"),
        ),
    ],
    ids=["empty", "too-long", "other-community", "missing"],
)
def test_api_bad_matches_get_a_422_in_the_callers_language_and_change_nothing(
    hood, body, field, messages, language
):
    household_id = {
        "one": hood.households[0].pk,
        "far": hood.other_member.member.household_id,
        "missing": 10**9,
    }[body["household_id"]]
    api = Api(hood.leader_user, language=language)
    before = book_state()
    response = api.post(
        f"/communities/{hood.community.pk}/nicknames",
        {**body, "household_id": household_id},
    )
    assert response.status_code == 422, response.content
    (detail,) = response.json()["details"]
    expected = messages[language == "zh-Hans"].format(
        community=hood.community.name, id=household_id
    )
    assert (detail["field"], detail["message"]) == (field, expected)
    assert book_state() == before


def test_api_refuses_members_suppliers_and_other_leaders(hood):
    entry_id = (
        Api(hood.leader_user)
        .post(
            f"/communities/{hood.community.pk}/nicknames",
            {"nickname": "阿芳", "household_id": hood.households[1].pk},
        )
        .json()["id"]
    )
    book = f"/communities/{hood.community.pk}/nicknames"
    callers = [
        (Api(user, language="zh-Hans"), status)
        for user, status in (
            (hood.members[1], 403),
            (hood.supplier_user, 404),
            (hood.other_leader_user, 404),
        )
    ]
    before = book_state()
    for api, status in callers:
        refused = api.post(book, {"nickname": "老李", "household_id": hood.households[2].pk})
        assert refused.status_code == status, refused.content
        if status == 403:
            assert refused.json()["message"] == f"只有{hood.community.name}的团长才能执行此操作。"
        assert api.get(book).status_code == status
        assert api.get(f"{book}/households", q="201").status_code == status
        assert api.delete(f"{book}/{entry_id}").status_code == status
    assert Api().get(book).status_code == 401
    assert book_state() == before


def test_the_page_matches_a_nickname_and_the_line_resolves(hood, chain):
    group_buy, text = chain
    two = hood.households[1]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(hood.leader_user)
    page = f"/group-buys/{group_buy.pk}/jielong/"

    shown = client.post(page, {"step": "preview", "text": text}).content.decode()
    assert WHOSE_EN in shown and "Whose is this?" in shown
    assert "1 line asks whose it is: find the household on the line" in shown
    assert "Find the household of “阿芳”" in shown
    # The chain's text is carried once, however many lines ask whose they are.
    assert shown.count('<input type="hidden" name="text"') == 2  # the lines' form, the confirm

    searched = client.post(page, {"step": "search", "q-2": two.contact_name, "text": text})
    html = searched.content.decode()
    assert searched.status_code == 200
    assert (
        f'name="match" value="2:{two.pk}">{label(two)} · {two.phone[:3]}****{two.phone[-4:]}'
        in html
    )
    nothing = client.post(page, {"step": "search", "q-2": "9-909", "text": text}).content.decode()
    assert "No household of this community found for “9-909”." in nothing

    matched = client.post(page, {"match": f"2:{two.pk}", "text": text})
    html = matched.content.decode()
    assert matched.status_code == 200
    assert f"“阿芳” is {label(two)} from now on, in every chain of this community." in html
    assert "found by the nickname “阿芳”" in html
    assert "2 new orders, 0 changed, 0 cancelled" in html
    assert "whose it is" not in html
    assert NicknameBook.objects.get().household_id == two.pk

    confirmed = client.post(page, {"step": "confirm", "text": text}).content.decode()
    assert "2 orders placed, 0 changed, 0 cancelled, 0 refused." in confirmed
    assert orders_by_household(group_buy)[two.pk] == {"土鸡蛋": 1}

    entry = NicknameBook.objects.get()
    listed = client.get(page).content.decode()
    assert 'id="nicknames"' in listed and label(two) in listed
    forgot = client.post(page, {"forget": str(entry.pk), "text": text}).content.decode()
    assert "“阿芳” is forgotten: its lines ask whose they are again." in forgot
    assert WHOSE_EN in forgot
    assert not NicknameBook.objects.exists()


def test_the_page_in_chinese_refuses_bad_matches_and_outsiders(hood, chain):
    group_buy, text = chain
    page = f"/group-buys/{group_buy.pk}/jielong/"
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(hood.leader_user)
    one = hood.households[1].pk
    for bad in (
        {"match": "2:abc"},
        {"match": "2"},
        {"match": f"9:{one}"},  # no line 9
        {"match": "2:99999999999999999999"},
        {"step": "match"},
        {"match": "２:1"},  # full-width digits are not a button's value
        {"forget": "x"},
    ):
        refused = client.post(page, {**bad, "text": text})
        assert refused.status_code == 422, bad
        html = refused.content.decode()
        assert "从列表中选一户。" in html and WHOSE_ZH in html
    long_text = chain_for(f"1. {'芳' * 61} 鸡蛋1")
    long = client.post(page, {"match": f"1:{one}", "text": long_text})
    assert long.status_code == 422 and "昵称最多 60 个字。" in long.content.decode()
    far = hood.other_member.member.household_id
    elsewhere = client.post(page, {"match": f"2:{far}", "text": text})
    assert elsewhere.status_code == 422
    assert f"{hood.community.name}没有编号为 {far} 的住户。" in elsewhere.content.decode()
    assert not NicknameBook.objects.exists()
    gone = client.post(page, {"forget": "12", "text": text})
    assert gone.status_code == 404 and "本小区的昵称簿里没有这一条。" in gone.content.decode()

    for user, status in ((hood.members[1], 403), (hood.other_leader_user, 404)):
        outsider = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        outsider.force_login(user)
        answer = outsider.post(page, {"match": f"2:{one}", "text": text})
        assert answer.status_code == status
    assert not NicknameBook.objects.exists()
    assert not Order.objects.exists()


def test_the_command_shows_whose_lines_and_matches_them(hood, chain, tmp_path, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    group_buy, text = chain
    two = hood.households[1]
    file = tmp_path / "chain.txt"
    file.write_text(text, encoding="utf-8")
    shown = linli("import_jielong", str(file), "--group-buy", str(group_buy.pk), "--preview")
    assert "? whose is “阿芳”?" in shown
    assert "1 nickname(s) without an owner, nothing placed for them: 阿芳." in shown

    said = linli(
        "import_jielong",
        str(file),
        "--group-buy",
        str(group_buy.pk),
        "--preview",
        "--json",
        "--match",
        f"阿芳=2-{two.room}",
        "--as",
        hood.leader_user.username,
    )
    lines = json.loads(said[said.index("[") :])
    assert (lines[1]["household"]["id"], lines[1]["found_by"], lines[1]["needs_owner"]) == (
        two.pk,
        "nickname",
        False,
    )
    assert NicknameBook.objects.get().household_id == two.pk
    with pytest.raises(Exception, match="--as"):
        linli(
            "import_jielong", str(file), "--group-buy", str(group_buy.pk), "--match", "阿芳=2-201"
        )
    with pytest.raises(Exception, match="names 0 households"):
        linli(
            "import_jielong",
            str(file),
            "--group-buy",
            str(group_buy.pk),
            "--preview",
            "--match",
            "阿芳=9-909",
            "--as",
            hood.leader_user.username,
        )
