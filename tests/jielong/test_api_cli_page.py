"""The import through the API, the `linli import-jielong` command and the import page: each
checks who is asking, and answers bad input in the caller's language without storing anything."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from linli.core.formatting import LocalTime
from linli.groupbuys import services
from linli.groupbuys.models import GroupBuy, Order
from linli.jielong.models import ImportedLine

from ..apiclient import Api
from ..state import snapshot
from .test_import import address, chain_for, orders_by_household


@pytest.fixture
def setup(hood):
    group_buy = hood.open()
    one, two = hood.households[:2]
    text = chain_for(
        f"1. 小王 {address(one)} A2 B1",
        f"2. Lily {address(two)} 青菜3 放门口",
        f"3. 老李 {one.building.name}909 鸡蛋1",
        "@所有人 明天到货",
    )
    return hood, group_buy, text


def place(household) -> str:
    """The address the preview names for room 909 of the household's building."""
    return f"{household.building.name.removesuffix('号楼')}-909"


def test_api_preview_then_import_with_an_idempotency_key(setup):
    hood, group_buy, text = setup
    api = Api(hood.leader_user)
    path = f"/group-buys/{group_buy.pk}/jielong"
    preview = api.post(f"{path}/preview", {"text": text})
    assert preview.status_code == 200
    body = preview.json()
    assert [line["action"] for line in body["lines"]] == ["place", "place", "unmatched", "skip"]
    assert (
        body["lines"][2]["reason"]
        == f"No household of this community at {place(hood.households[0])}."
    )
    assert body["lines"][0]["items"][0] == {
        "item_id": group_buy.items.order_by("position")[0].pk,
        "name": "崇明青菜",
        "unit": "斤",
        "quantity": 2,
    }
    assert not Order.objects.filter(group_buy=group_buy).exists()

    first = api.post(f"{path}/import", {"text": text}, key="chain-1")
    assert first.status_code == 200, first.content
    assert (first.json()["placed"], first.json()["refused"]) == (2, 0)
    replay = api.post(f"{path}/import", {"text": text}, key="chain-1")
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    again = api.post(f"{path}/import", {"text": text}, key="chain-2")
    assert again.json()["placed"] == 0
    assert Order.objects.filter(group_buy=group_buy).count() == 2

    exported = api.get(path)
    assert exported.status_code == 200
    one, two = hood.households[:2]
    assert exported.json()["text"].endswith(
        f"\n\n1. {one.contact_name} {address(one)} 崇明青菜×2斤 土鸡蛋×1盒\n"
        f"2. {two.contact_name} {address(two)} 崇明青菜×3斤\n"
    )


def test_api_answers_in_chinese_and_refuses_outsiders(setup):
    hood, group_buy, text = setup
    path = f"/group-buys/{group_buy.pk}/jielong"
    chinese = Api(hood.leader_user, language="zh-hans").post(f"{path}/preview", {"text": text})
    assert (
        chinese.json()["lines"][2]["reason"] == f"本小区 {place(hood.households[0])} 没有这一户。"
    )
    for user, status in ((hood.members[1], 403), (hood.other_leader_user, 404)):
        refused = Api(user).post(f"{path}/import", {"text": text})
        assert refused.status_code == status
        assert Api(user).get(path).status_code == status
    assert Api().post(f"{path}/preview", {"text": text}).status_code == 401
    empty = Api(hood.leader_user).post(f"{path}/preview", {"text": ""})
    assert empty.status_code == 422
    assert not Order.objects.filter(group_buy=group_buy).exists()


def linli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_previews_as_json_then_imports(setup, tmp_path, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    hood, group_buy, text = setup
    chain = tmp_path / "chain.txt"
    chain.write_text(text, encoding="utf-8")
    said = linli(
        "import_jielong", str(chain), "--group-buy", str(group_buy.pk), "--preview", "--json"
    )
    lines = json.loads(said)
    assert [(line["number"], line["action"]) for line in lines] == [
        (1, "place"),
        (2, "place"),
        (3, "unmatched"),
        (None, "skip"),
    ]
    assert lines[0]["household"]["id"] == hood.households[0].pk
    assert [(i["name"], i["quantity"]) for i in lines[1]["items"]] == [("崇明青菜", 3)]
    assert lines[2]["household"] is None and place(hood.households[0]) in lines[2]["reason"]
    assert lines[3]["reason"] == "A notice to the group, not an order."
    assert not Order.objects.filter(group_buy=group_buy).exists()

    with pytest.raises(CommandError, match="--as"):
        linli("import_jielong", str(chain), "--group-buy", str(group_buy.pk))
    with pytest.raises(CommandError, match="Only a group leader"):
        linli(
            "import_jielong",
            str(chain),
            "--group-buy",
            str(group_buy.pk),
            "--as",
            hood.members[1].username,
        )
    said = linli(
        "import_jielong",
        str(chain),
        "--group-buy",
        str(group_buy.pk),
        "--as",
        hood.leader_user.username,
    )
    assert "placed 2" in said
    assert orders_by_household(group_buy)[hood.households[1].pk] == {"崇明青菜": 3}
    with pytest.raises(CommandError, match="Cannot read"):
        linli(
            "import_jielong",
            str(tmp_path / "missing.txt"),
            "--group-buy",
            str(group_buy.pk),
            "--preview",
        )


def test_the_page_previews_then_confirms(setup):
    hood, group_buy, text = setup
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = f"/group-buys/{group_buy.pk}/jielong/"
    assert client.get(page).status_code == 302  # signed out: to the sign-in page
    client.force_login(hood.leader_user)
    shown = client.get(page)
    assert shown.status_code == 200 and b"Paste the chain" in shown.content

    preview = client.post(page, {"step": "preview", "text": text})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert f"No household of this community at {place(hood.households[0])}." in html
    assert "2 new orders, 0 changed, 0 cancelled" in html and "Confirm and place the orders" in html
    assert not Order.objects.filter(group_buy=group_buy).exists()

    confirmed = client.post(page, {"step": "confirm", "text": text})
    assert "2 orders placed, 0 changed, 0 cancelled, 0 refused." in confirmed.content.decode()
    assert Order.objects.filter(group_buy=group_buy).count() == 2
    assert "崇明青菜×3斤" in client.get(page).content.decode()  # the export below


def test_the_page_refuses_those_who_do_not_run_the_group_buy(setup):
    hood, group_buy, text = setup
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(hood.members[1])
    refused = client.post(f"/group-buys/{group_buy.pk}/jielong/", {"step": "confirm", "text": text})
    assert refused.status_code == 403
    assert "只有" in refused.content.decode()
    assert not Order.objects.filter(group_buy=group_buy).exists()


CJK = re.compile(r"[\u3400-\u9fff]")


def state() -> dict:
    return {**snapshot(), "chain_lines": list(ImportedLine.objects.values_list("pk", "order_id"))}


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 422, "invalid"),
        ({"text": "   \n  "}, 422, "invalid"),
        ({"text": 12}, 422, "invalid"),
        ({"chain": "1. 小王 1-101 青菜1"}, 422, "invalid"),
        ({"text": "1. 小王 1-101 青菜1", "extra": True}, 422, "invalid"),
        ({"text": "a" * 500_001}, 422, "invalid"),
        ({"text": "好" * 500_000}, 413, "too_large"),
        ({"text": "1. \x00"}, 422, "invalid"),
    ],
    ids=["empty", "blank", "number", "no-text", "unknown-field", "too-long", "too-large", "nul"],
)
def test_bad_chains_get_a_4xx_in_the_callers_language_and_change_nothing(
    setup, body, status, code, language
):
    hood, group_buy, _text = setup
    api = Api(hood.leader_user, language=language)
    before = state()
    for step in ("preview", "import"):
        response = api.post(f"/group-buys/{group_buy.pk}/jielong/{step}", body, key=f"k-{step}")
        assert response.status_code == status, response.content
        error = response.json()
        assert error["code"] == code
        assert bool(CJK.search(error["message"])) == (language == "zh-Hans"), error
    assert state() == before


def test_importing_after_the_cutoff_is_refused_and_leaves_the_close_to_the_clock(setup, now):
    hood, group_buy, text = setup
    cutoff = now - timedelta(minutes=1)
    GroupBuy.objects.filter(pk=group_buy.pk).update(
        opens_at=now - timedelta(days=2), cutoff_at=cutoff
    )
    refused = Api(hood.leader_user, language="zh-Hans").post(
        f"/group-buys/{group_buy.pk}/jielong/import", {"text": text}
    )
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "cutoff_passed",
        "message": f"本团已于 {LocalTime(cutoff)} 截单。",
    }
    assert not Order.objects.filter(group_buy=group_buy).exists()
    assert not ImportedLine.objects.exists()
    # A refusal writes nothing, not even the close: the worker's clock closes it.
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.OPEN
    services.close_due_group_buys(now=now)
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.FAILED  # nobody ordered: it did not form
