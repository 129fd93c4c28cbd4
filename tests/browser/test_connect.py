"""Consumer connect in a phone browser, from a sheet to an insight: the operator starts the
programme, imports the participants and the hosts and runs the matching; the host household
confirms the visitor, marks the arrival and the departure; the participant writes the report;
the operator adds a tag, highlights the host's words with it, draws an insight from the
highlight, turns it into an action and finds the insight by a two-character word. All through
the pages. Screenshots for the README."""

import pytest
from playwright.sync_api import expect

from linli.communities.models import Consent
from linli.communities.services import give_consent
from linli.connect.models import Participant, Programme, Stay
from tests.connect.conftest import grant, sheet

from .conftest import sign_in
from .test_journey import fits_360

WORDS = {
    "en": ("en-GB", "Arrived", "Mark as left", "checked out"),
    "zh-hans": ("zh-CN", "已到达", "标记离开", "已离开"),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_from_a_sheet_to_a_found_insight(
    chromium, live_server, screenshots, tmp_path, hood, language
):
    locale, arrived, left, done = WORDS[language]
    operator = grant(hood.operator, "run_programme")
    host_household = hood.households[2]
    give_consent(
        actor=hood.members[2],
        household_id=host_household.pk,
        purpose=Consent.Purpose.CONNECT_HOST,
    )
    participants = tmp_path / "participants.csv"
    participants.write_bytes(
        sheet([["工号", "姓名", "部门", "纬度", "经度", "语言"],
               ["C001", "陈晓", "采购部", "31.23", "121.47", "普通话"]])
    )  # fmt: skip
    hosts = tmp_path / "hosts.csv"
    hosts.write_bytes(
        sheet([["类型", "编号", "名称", "画像", "纬度", "经度", "语言"],
               ["家庭", host_household.pk, "幸福里的一户人家", "独居老人", "31.24", "121.47",
                "普通话"]])
    )  # fmt: skip

    page = sign_in(chromium, live_server.url, operator, locale)
    page.click("#tile-connect h2 a")
    page.click("#new-programme")
    page.fill("#name", "2027 春季走进用户")
    page.fill("#starts_on", "2027-03-01")
    page.fill("#weeks", "4")
    page.fill("#meal_fee", "25")
    fits_360(page)
    page.screenshot(path=screenshots / f"{language}-connect-programme-form.png", full_page=True)
    page.click("#programme-form button[type=submit]")
    programme = Programme.objects.get(name="2027 春季走进用户")
    assert (programme.weeks, programme.meal_fee_fen, programme.kinds) == (
        4, 2500, ["farm", "household", "shop"],
    )  # fmt: skip
    page.select_option("#what", "participants")
    page.set_input_files("#import input[type=file]", str(participants))
    page.click("#import button[type=submit]")
    expect(page.locator("#imported")).to_contain_text("1 + 0")
    page.select_option("#what", "hosts")
    page.set_input_files("#import input[type=file]", str(hosts))
    page.click("#import button[type=submit]")
    expect(page.locator("#imported")).to_contain_text("1 + 0")
    page.click("#match button")
    expect(page.locator("#run")).to_be_visible()
    stay = Stay.objects.get(programme=programme)
    fits_360(page)
    page.screenshot(path=screenshots / f"{language}-connect-programme.png", full_page=True)
    page.context.close()

    # The host household: confirms, then marks the arrival and the departure.
    host = sign_in(chromium, live_server.url, hood.members[2], locale)
    host.goto(f"{live_server.url}/connect/")
    expect(host.locator("#visits")).to_contain_text("陈晓")
    host.click("#visits button")  # confirm
    host.click(f"#visits button >> text={arrived}")
    fits_360(host)
    host.screenshot(path=screenshots / f"{language}-connect-visitors.png", full_page=True)
    host.click(f"#visits button >> text={left}")
    expect(host.locator("#visits")).to_contain_text(done)
    host.context.close()
    stay.refresh_from_db()
    assert stay.status == "checked_out" and stay.days_done == 1

    # The participant writes the report.
    Participant.objects.filter(staff_no="C001").update(user=hood.other_member)
    visitor = sign_in(chromium, live_server.url, hood.other_member, locale)
    visitor.goto(f"{live_server.url}/connect/")
    visitor.click("#my-stays a")
    visitor.fill("#title", "在幸福里的一周")
    visitor.fill("#observe", "家里冰箱很小，蔬菜一次只能买两天的量。")
    visitor.fill("#listen", "早上七点取货太早了，上班的人来不及。")
    visitor.fill("#dialogue", "她希望傍晚六点以后也能取货。")
    visitor.click("#write-report button[type=submit]")
    expect(visitor.locator("#notes")).to_contain_text("取货太早了")
    fits_360(visitor)
    visitor.screenshot(path=screenshots / f"{language}-connect-report.png", full_page=True)
    visitor.context.close()

    # The operator tags and highlights the host's words, draws an insight and an action from
    # them, then finds the insight by a two-character word.
    note = stay.report.notes.get(part="listen")
    page = sign_in(chromium, live_server.url, operator, locale)
    page.goto(f"{live_server.url}/connect/stays/{stay.pk}/report/")
    page.fill("#tag-name", "取货")
    page.click("#tag button[type=submit]")
    page.fill("#tag-name", "时间")
    page.select_option("#tag-parent", label="取货")
    page.click("#tag button[type=submit]")
    page.select_option("#hl-note", str(note.pk))
    page.fill("#quoted", "早上七点取货太早了")
    page.select_option("#hl-tags", label="取货 › 时间")
    page.click("#highlight button[type=submit]")
    expect(page.locator("#highlight-list")).to_contain_text("#时间")
    page.check("#evidence-choice input[type=checkbox]")
    page.fill("#insight-title", "上班族需要傍晚取货")
    page.fill("#insight-body", "早上七点的取货时间让上班的家庭来不及。")
    page.click("#insight button[type=submit]")
    expect(page.locator("#evidence")).to_contain_text("早上七点取货太早了")
    page.fill("#action-title", "傍晚六点后也能取货")
    page.select_option("#action-kind", "pickup_time")
    page.click("#new-action button[type=submit]")
    expect(page.locator("#actions")).to_contain_text("傍晚六点后也能取货")
    page.goto(f"{live_server.url}/connect/search/")
    page.fill("#q", "取货")
    page.press("#q", "Enter")
    expect(page.locator("#hits li")).to_have_count(4)  # two notes, the highlight, the insight
    page.click("#hits .hit-insight a")
    expect(page.locator("#evidence")).to_contain_text("早上七点取货太早了")
    expect(page.locator("#evidence")).to_contain_text("幸福里的一户人家")
    fits_360(page)
    page.screenshot(path=screenshots / f"{language}-connect-insight.png", full_page=True)
    page.context.close()
