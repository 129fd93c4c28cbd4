"""The pages: a host confirms and the participant checks in by the QR at the door, checks out
and writes the report; an operator imports, matches, reads compliance, downloads who is
behind, opens an insight and searches; the host's identity is shown only with the permission;
bad input is answered in the reader's language and changes nothing."""

import io

from django.test import Client
from openpyxl import load_workbook

from linli.connect.models import Participant, Stay

from .conftest import grant, sheet
from .world import connect_programme


def client(user, language="zh-hans") -> Client:
    found = Client(HTTP_ACCEPT_LANGUAGE=language)
    found.force_login(user)
    return found


def test_host_and_participant_pages(hood):
    ids = connect_programme(hood)
    host = client(hood.members[2])
    page = host.get("/connect/")
    assert page.status_code == 200 and "团长0" in page.content.decode()
    assert host.post(f"/connect/stays/{ids['cx_scheduled']}/confirm").status_code == 302
    assert Stay.objects.get(pk=ids["cx_scheduled"]).status == "confirmed"
    visitor = client(hood.leader_user)
    door = visitor.get(f"/connect/door/{ids['cx_token']}/")
    assert door.status_code == 200 and "2号楼一户" in door.content.decode()
    assert visitor.post(f"/connect/door/{ids['cx_token']}/").status_code == 302
    assert Stay.objects.get(pk=ids["cx_scheduled"]).status == "checked_in"  # the first one
    assert client(hood.members[1]).get(f"/connect/door/{ids['cx_token']}/").status_code == 404
    assert visitor.get("/connect/door/nonsense/").status_code == 404
    report = f"/connect/stays/{ids['cx_checked_in']}/report/"
    bad = visitor.post(report, {"title": "", "observe": ""})
    assert bad.status_code == 422 and "此项必填" in bad.content.decode()
    written = visitor.post(
        report,
        {"title": "在王阿姨家", "observe": "冰箱很小。\n\n菜只买两天的。", "observe-voice": "etic",
         "listen": "取货太早了。", "listen-voice": "emic"},
    )  # fmt: skip
    assert written.status_code == 302
    shown = visitor.get(report).content.decode()
    assert "冰箱很小。" in shown and "菜只买两天的。" in shown and "在王阿姨家" in shown
    # Somebody else's report is not there for them.
    assert client(hood.members[1]).get(report).status_code == 404


def test_operator_pages_import_match_compliance_search(hood, runner):
    ids = connect_programme(hood)
    operator = client(hood.operator, "en")
    programme = f"/connect/programmes/{ids['cx_programme']}/"
    assert client(runner).get(programme).status_code == 200
    assert client(hood.members[1]).get(programme).status_code == 403
    data = sheet([["工号", "姓名", "部门", "纬度", "经度"], ["P1", "新人", "运营部", "31.2", "121.4"],
                  ["P2", "", "运营部", "95", "121.4"]])  # fmt: skip
    before = Participant.objects.count()
    refused = operator.post(
        programme, {"what": "participants", "sheet": _file("p.csv", data)}
    ).content.decode()
    assert "line 3" in refused and "nothing was imported" in refused
    assert Participant.objects.count() == before
    good = sheet(
        [["工号", "姓名", "部门", "纬度", "经度"], ["P1", "新人", "运营部", "31.2", "121.4"]]
    )
    page = operator.post(programme, {"what": "participants", "sheet": _file("p.csv", good)})
    assert page.status_code == 200 and 'id="imported"' in page.content.decode()
    matched = operator.post(programme, {"do": "match"})
    assert matched.status_code == 302
    shown = operator.get(matched["Location"]).content.decode()
    assert "min-cost flow" in shown and "greedy" in shown
    sheet_ = operator.get(f"/connect/programmes/{ids['cx_programme']}/behind.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet_.content)).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[2:]} >= {"P1", "L0", "L1", "L2"}
    found = operator.get("/connect/search/", {"q": "取货"}).content.decode()
    assert "取货时间太早" in found
    insight = operator.get(f"/connect/insights/{ids['cx_insight']}/").content.decode()
    # The host's label only: the operator may not see who hosted without the permission.
    assert "2号楼一户" in insight and hood.households[2].contact_name not in insight
    grant(hood.operator, "see_host_identity")
    insight = client(hood.operator).get(f"/connect/insights/{ids['cx_insight']}/")
    assert hood.households[2].contact_name in insight.content.decode()


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")
