"""The ledger through the API and the command line: reports as JSON and Excel, payments in
both languages, and who may ask for what."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook

from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy
from linli.ledger.models import Entry

from ..apiclient import Api
from ..state import snapshot
from .conftest import close, order


@pytest.fixture
def paid_group_buy(hood, now):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)  # ¥37.00
    order(hood, 1, group_buy, (1, 0), now)  # ¥4.50
    response = Api(hood.leader_user).post(
        f"/group-buys/{group_buy.pk}/payments",
        {
            "household_id": hood.households[0].pk,
            "amount_fen": 4000,
            "method": "wechat_transfer",
            "reference": "TX-1",
        },
    )
    assert response.status_code == 201, response.content
    return group_buy


def test_the_leader_sees_who_paid_who_owes_and_who_overpaid(hood, paid_group_buy):
    body = Api(hood.leader_user).get(f"/group-buys/{paid_group_buy.pk}/ledger").json()
    lines = {line["household_id"]: line for line in body["households"]}
    first, second = lines[hood.households[0].pk], lines[hood.households[1].pk]
    assert (first["charged"], first["paid"], first["refund_due"], first["owes"]) == (
        3700,
        4000,
        300,
        0,
    )
    assert (second["charged"], second["paid"], second["owes"]) == (450, 0, 450)
    assert (body["total"]["owes"], body["total"]["refund_due"]) == (450, 300)
    assert (body["commission_fen"], body["commission_settled"]) == (415, False)  # 10% of ¥41.50


def test_the_report_as_excel_has_the_same_numbers(hood, paid_group_buy):
    response = Api(hood.leader_user, "zh-hans").get(f"/group-buys/{paid_group_buy.pk}/ledger.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("住户", "应付", "已付")
    assert rows[-1][0] == "合计"
    assert rows[-1][1:] == (41.5, 40.0, 0, 0, 4.5, 3.0)


def test_a_title_excel_refuses_for_a_sheet_still_downloads(hood, paid_group_buy):
    GroupBuy.objects.filter(pk=paid_group_buy.pk).update(title="蔬菜/水果: 周末 [Summary]")
    response = Api(hood.leader_user).get(f"/group-buys/{paid_group_buy.pk}/ledger.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["蔬菜-水果- 周末 -Summary-", "Summary"]
    assert list(workbook.worksheets[0].iter_rows(values_only=True))[-1][1:3] == (41.5, 40.0)


def test_the_leader_report_and_household_statement(hood, paid_group_buy):
    mine = Api(hood.leader_user).get("/leaders/me/ledger").json()
    assert [(g["group_buy_id"], g["owes"], g["refund_due"]) for g in mine["group_buys"]] == [
        (paid_group_buy.pk, 450, 300)
    ]
    workbook = Api(hood.leader_user).get(f"/leaders/{hood.leader.pk}/ledger.xlsx")
    assert (
        load_workbook(io.BytesIO(workbook.content)).worksheets[0]["A2"].value
        == paid_group_buy.title
    )
    statement = Api(hood.members[0]).get("/ledger/me").json()
    assert statement["balance_fen"] == -300
    assert [line["kind"] for line in statement["lines"]] == ["payment", "charge"]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("members", "/group-buys/{gb}/ledger", 403),
        ("other_leader_user", "/group-buys/{gb}/ledger", 404),
        ("other_leader_user", "/group-buys/{gb}/ledger.xlsx", 404),
        ("members", "/leaders/{leader}/ledger", 404),
        ("other_leader_user", "/leaders/{leader}/ledger.xlsx", 404),
        ("members", "/households/{other_household}/ledger", 404),
        ("other_supplier_user", "/suppliers/{supplier}/ledger", 404),
        (None, "/ledger/me", 401),
    ],
)
def test_nobody_reads_accounts_that_are_not_theirs(hood, paid_group_buy, who, path, status):
    user = getattr(hood, who) if who else None
    if isinstance(user, list):
        user = user[0]
    url = path.format(
        gb=paid_group_buy.pk,
        leader=hood.leader.pk,
        other_household=hood.households[1].pk,
        supplier=hood.supplier.pk,
    )
    assert Api(user).get(url).status_code == status


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"amount_fen": 0}, 422, {"en": "at least 1", "zh-hans": "amount_fen"}),
        ({"amount_fen": "36.00"}, 422, {"en": "whole number", "zh-hans": "整数"}),
        (
            {"method": "wechat_pay"},
            422,
            {"en": "Unknown payment method", "zh-hans": "未知的付款方式"},
        ),
        ({"method": "bank_transfer"}, 422, {"en": "needs its reference", "zh-hans": "流水号"}),
        (
            {"reference": "TX-1", "method": "wechat_transfer", "amount_fen": 10},
            409,
            {"en": "already recorded", "zh-hans": "已经记过"},
        ),
        (
            {"household_id": 10**9},
            422,
            {"en": "does not live in 幸福里", "zh-hans": "该住户不在本团所在的幸福里"},
        ),
        ({"surprise": 1}, 422, {"en": "surprise", "zh-hans": "surprise"}),
    ],
)
def test_bad_payments_are_refused_in_the_callers_language_and_change_nothing(
    hood, paid_group_buy, language, body, status, says
):
    api = Api(hood.leader_user, language)
    before = snapshot()
    payment = {"household_id": hood.households[1].pk, "amount_fen": 450, "method": "cash", **body}
    response = api.post(f"/group-buys/{paid_group_buy.pk}/payments", payment)
    assert response.status_code == status, response.content
    assert says[language] in str(response.json()), response.json()
    assert snapshot() == before


def test_members_cannot_record_payments_and_operators_pay_suppliers(hood, paid_group_buy):
    body = {"household_id": hood.households[0].pk, "amount_fen": 100, "method": "cash"}
    assert (
        Api(hood.members[0]).post(f"/group-buys/{paid_group_buy.pk}/payments", body).status_code
        == 403
    )
    payout = {"kind": "supplier", "owner_id": hood.supplier.pk, "amount_fen": 1, "method": "cash"}
    assert Api(hood.leader_user).post("/ledger/payouts", payout).status_code == 403
    response = Api(hood.operator).post("/ledger/payouts", payout)
    assert response.status_code == 409  # nothing is owed yet: no group buy has completed
    assert "Only ¥0.00 is owed" in response.json()["message"]


def linli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_ledger_check_proves_the_ledger_sound_and_finds_a_forged_entry(hood, paid_group_buy):
    close(paid_group_buy)
    groupbuys.catch_up(
        group_buy_id=paid_group_buy.pk, now=paid_group_buy.pickup_ends_at + timedelta(seconds=1)
    )
    report = linli("ledger", "check")
    assert "the ledger is sound" in report
    assert f"{Entry.objects.count()} entries" in report
    # Someone writes straight into the database, around the services: one posting, unbalanced.
    entry = Entry.objects.create(kind=Entry.Kind.PAYMENT, memo="forged")
    account_id = Entry.objects.first().postings.first().account_id
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_posting (entry_id, account_id, amount) VALUES (%s, %s, %s)",
            [entry.pk, account_id, -5000],
        )
    out = io.StringIO()
    with pytest.raises(CommandError, match="NOT sound"):
        call_command("ledger", "check", stdout=out)
    assert f"entry {entry.pk} does not balance in CNY: -5000" in out.getvalue()
    assert f"entry {entry.pk} has fewer than two postings" in out.getvalue()
    assert "CNY does not sum to zero: -5000" in out.getvalue()


def test_a_leader_prints_their_money_from_the_command_line(hood, paid_group_buy):
    printed = linli("ledger", "leader", "--as", hood.leader_user.username)
    assert paid_group_buy.title in printed and "¥4.50" in printed
    with pytest.raises(CommandError):
        linli("ledger", "leader", "--as", hood.members[1].username)
