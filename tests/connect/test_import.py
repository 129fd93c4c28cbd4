"""Import of participants and hosts: CSV or Excel, Chinese or English headers; every bad row
reported by its line and nothing written; a household hosts only with its consent."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from linli.connect import importing
from linli.connect.errors import BadInput
from linli.connect.models import Host, Participant

from .conftest import sheet

HEAD = ["工号", "姓名", "部门", "类型", "新员工", "纬度", "经度", "语言", "无障碍"]


def test_participants_from_csv_then_updated(world):
    data = sheet([HEAD, ["A1", "张伟", "采购部", "员工", "是", "31.2", "121.4", "普通话、上海话", ""],
                  ["A2", "李娜", "运营部", "官员", "否", "31.3", "121.5", "", "是"]])  # fmt: skip
    counts = importing.import_participants(actor=world.runner, programme=world.programme, data=data)
    assert counts == {"added": 2, "updated": 0}
    zhang = Participant.objects.get(programme=world.programme, staff_no="A1")
    assert zhang.new_staff and zhang.languages == ",普通话,上海话,"
    li = Participant.objects.get(programme=world.programme, staff_no="A2")
    assert li.kind == "official" and li.needs_step_free
    again = sheet([HEAD, ["A1", "张伟", "运营部", "员工", "否", "31.2", "121.4", "", ""]])
    counts = importing.import_participants(
        actor=world.runner, programme=world.programme, data=again
    )
    assert counts == {"added": 0, "updated": 1}
    zhang.refresh_from_db()
    assert zhang.department == "运营部"


def test_bad_rows_reported_by_line_and_nothing_written(world):
    before = Participant.objects.count()
    data = sheet([HEAD, ["B1", "好人", "采购部", "员工", "否", "31.2", "121.4", "", ""],
                  ["B2", "", "采购部", "员工", "否", "31.2", "121.4", "", ""],
                  ["B1", "重复", "采购部", "员工", "否", "31.2", "121.4", "", ""],
                  ["B4", "坏坐标", "采购部", "主任", "也许", "391", "x", "", ""]])  # fmt: skip
    with pytest.raises(BadInput) as raised:
        importing.import_participants(actor=world.runner, programme=world.programme, data=data)
    lines = {(d["line"], d["field"]) for d in raised.value.details}
    assert lines == {(3, "name"), (4, "staff_no"), (5, "kind"), (5, "new_staff"),
                     (5, "latitude"), (5, "longitude")}  # fmt: skip
    assert "3" in str(raised.value.message)
    assert Participant.objects.count() == before


def test_excel_with_english_headers(world):
    book = Workbook()
    book.active.append(["staff_no", "name", "department", "latitude", "longitude"])
    book.active.append(["X9", "王芳", "财务部", 31.2, 121.4])
    out = io.BytesIO()
    book.save(out)
    counts = importing.import_participants(
        actor=world.runner, programme=world.programme, data=out.getvalue()
    )
    assert counts["added"] == 1


def test_not_a_sheet_and_missing_columns(world):
    with pytest.raises(BadInput):
        importing.import_participants(
            actor=world.runner, programme=world.programme, data=b"PK\x03\x04garbage"
        )
    with pytest.raises(BadInput) as raised:
        importing.import_participants(
            actor=world.runner, programme=world.programme, data=sheet([["姓名"], ["张"]])
        )
    assert "staff_no" in str(raised.value.message)


def test_hosts_need_consent_and_exist(world):
    hood = world.hood
    without = hood.households[2]  # never agreed to host
    head = ["类型", "编号", "名称", "画像", "纬度", "经度", "可接待周"]
    data = sheet([head, ["家庭", without.pk, "3号楼", "年轻家庭", "31.2", "121.4", "1,2"],
                  ["农场", 999999, "不存在", "农户", "31.2", "121.4", ""],
                  ["家庭", hood.households[0].pk, "1号楼", "独居老人", "31.2", "121.4", "9"]])  # fmt: skip
    before = Host.objects.count()
    with pytest.raises(BadInput) as raised:
        importing.import_hosts(actor=world.runner, programme=world.programme, data=data)
    assert {(d["line"], d["field"]) for d in raised.value.details} == {
        (2, "id"),
        (3, "id"),
        (4, "weeks"),
    }
    assert Host.objects.count() == before
    good = sheet([head, ["家庭", hood.households[0].pk, "1号楼", "独居老人", "31.2", "121.4", "1,3"],
                  ["店铺", hood.leader.pk, "团长小店", "店主", "31.2", "121.4", ""]])  # fmt: skip
    counts = importing.import_hosts(actor=world.runner, programme=world.programme, data=good)
    assert counts == {"added": 1, "updated": 1}
    host = Host.objects.get(programme=world.programme, household=hood.households[0])
    assert host.available_weeks == [0, 2] and host.label == "1号楼"


WITH_ACCOUNTS = [*HEAD, "用户名"]


def test_participants_linked_to_accounts_by_username(world):
    member = world.hood.members[0]
    data = sheet([WITH_ACCOUNTS,
                  ["U1", "王芳", "采购部", "员工", "否", "31.2", "121.4", "", "", member.username],
                  ["U2", "赵磊", "采购部", "员工", "否", "31.2", "121.4", "", "", ""]])  # fmt: skip
    counts = importing.import_participants(actor=world.runner, programme=world.programme, data=data)
    assert counts == {"added": 2, "updated": 0}
    linked = dict(
        Participant.objects.filter(staff_no__in=["U1", "U2"]).values_list("staff_no", "user_id")
    )
    assert linked == {"U1": member.pk, "U2": None}
    # A sheet without the column leaves the links; one with it sets them again.
    importing.import_participants(
        actor=world.runner, programme=world.programme,
        data=sheet([HEAD, ["U1", "王芳", "运营部", "员工", "否", "31.2", "121.4", "", ""]]),
    )  # fmt: skip
    assert Participant.objects.get(staff_no="U1").user_id == member.pk
    importing.import_participants(
        actor=world.runner, programme=world.programme,
        data=sheet([WITH_ACCOUNTS, ["U1", "王芳", "运营部", "员工", "否", "31.2", "121.4", "", "", ""]]),
    )  # fmt: skip
    assert Participant.objects.get(staff_no="U1").user_id is None


def test_unknown_or_repeated_username_is_the_rows_error(world):
    member = world.hood.members[0]
    inactive = world.hood.members[1]
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    before = sorted(Participant.objects.values_list("staff_no", "user_id"))
    data = sheet([WITH_ACCOUNTS,
                  ["V1", "好人", "采购部", "员工", "否", "31.2", "121.4", "", "", member.username],
                  ["V2", "无名", "采购部", "员工", "否", "31.2", "121.4", "", "", "nobody-here"],
                  ["V3", "重复", "采购部", "员工", "否", "31.2", "121.4", "", "", member.username],
                  ["V4", "停用", "采购部", "员工", "否", "31.2", "121.4", "", "", inactive.username]])  # fmt: skip
    with pytest.raises(BadInput) as refused:
        importing.import_participants(actor=world.runner, programme=world.programme, data=data)
    assert [(d["line"], d["field"], str(d["message"])) for d in refused.value.details] == [
        (3, "username", "邻里没有用户名为 nobody-here 的账号。"),
        (4, "username", "与第 2 行的用户名相同。"),
        (5, "username", f"邻里没有用户名为 {inactive.username} 的账号。"),
    ]
    with translation.override("en"):
        assert str(refused.value.details[0]["message"]) == (
            "There is no Linli account with the username nobody-here."
        )
    assert sorted(Participant.objects.values_list("staff_no", "user_id")) == before
