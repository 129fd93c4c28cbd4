"""The operator's forms: start and change a programme, pin or forbid a pairing and re-run the
match (its report on the page), highlight a span of a report by the quoted words or by start
and end, tag it from the nestable tag set, draw an insight from highlights, turn it into an
action with an owner and mark it done. Each in both languages, each refusing bad input with
the field named and nothing changed, each closed to those who do not run programmes."""

from datetime import date

from linli.connect.models import Action, Highlight, Insight, Pairing, Programme, Stay, Tag
from linli.core.models import OutboxEvent

from .conftest import grant
from .test_pages import client
from .world import connect_programme

FORM = {
    "name": "2027 秋季走进用户", "starts_on": "2027-09-06", "weeks": "6", "stay_days": "5",
    "mandated_days": "5", "new_staff_days": "20", "host_kinds": ["household", "farm"],
    "no_repeat_years": "2", "max_distance_km": "30", "host_stays_per_year": "3",
    "meal_fee": "30.5",
}  # fmt: skip


def test_start_and_change_a_programme(hood, runner):
    page = client(runner)
    assert page.get("/connect/programmes/new/").status_code == 200
    created = page.post("/connect/programmes/new/", FORM)
    programme = Programme.objects.get(name="2027 秋季走进用户")
    assert (
        created.status_code == 302 and created["Location"] == f"/connect/programmes/{programme.pk}/"
    )
    assert (
        programme.year, programme.starts_on, programme.weeks, programme.stay_days,
        programme.mandated_days, programme.new_staff_days, programme.kinds,
        programme.no_repeat_years, programme.max_distance_km, programme.host_stays_per_year,
        programme.meal_fee_fen,
    ) == (2027, date(2027, 9, 6), 6, 5, 5, 20, ["farm", "household"], 2, 30, 3, 3050)  # fmt: skip
    edit = f"/connect/programmes/{programme.pk}/edit/"
    shown = page.get(edit).content.decode()
    assert 'value="2027 秋季走进用户"' in shown and 'value="30.5"' in shown
    changed = page.post(edit, {**FORM, "name": "秋季", "weeks": "4", "host_kinds": ["shop"]})
    assert changed.status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.weeks, programme.kinds) == ("秋季", 4, ["shop"])


def test_programme_form_refuses_bad_input_by_field(hood, runner):
    bad = {**FORM, "starts_on": "2027-09-07", "weeks": "八", "meal_fee": "1.234", "host_kinds": []}
    refused = client(runner).post("/connect/programmes/new/", bad)
    shown = refused.content.decode()
    assert refused.status_code == 422
    assert "请填写首周的周一，如 2027-03-01。" in shown
    assert "请填写 1 到 52 之间的整数。" in shown  # the weeks
    assert "请填写 0 到 100000 之间的整数。" in shown  # the meal fee
    assert "请在住户、农场和店铺中选择。" in shown
    assert 'value="八"' in shown  # what was typed stays
    english = client(runner, "en").post("/connect/programmes/new/", bad).content.decode()
    assert "Give the Monday the first week starts, like 2027-03-01." in english
    assert not Programme.objects.filter(name=FORM["name"]).exists()
    programme = Programme.objects.create(name="旧", year=2027, starts_on=date(2027, 3, 1))
    client(runner).post(f"/connect/programmes/{programme.pk}/edit/", {**FORM, "weeks": "0"})
    programme.refresh_from_db()
    assert (programme.name, programme.weeks) == ("旧", 8)


def test_only_runners_start_or_change_programmes(hood):
    ids = connect_programme(hood)
    for user in (hood.members[1], hood.leader_user, hood.supplier_user):
        assert client(user).get("/connect/programmes/new/").status_code == 403
        assert client(user).post("/connect/programmes/new/", FORM).status_code == 403
        edit = f"/connect/programmes/{ids['cx_programme']}/edit/"
        assert client(user).post(edit, FORM).status_code == 403
    assert Programme.objects.count() == 1
    assert client(hood.operator).get("/connect/programmes/999999/edit/").status_code == 404


def test_pin_forbid_and_rerun(hood, world):
    page = client(world.runner, "en")
    url = f"/connect/programmes/{world.programme.pk}/"
    farm = world.hosts[2]
    pinned = page.post(url, {"do": "pair", "staff_no": "S002", "host": str(farm.pk), "rule": "pin"})
    assert pinned.status_code == 302
    forbid = {"do": "pair", "staff_no": "S000", "host": str(world.hosts[0].pk), "rule": "forbid"}
    assert page.post(url, forbid).status_code == 302
    assert sorted(Pairing.objects.values_list("participant__staff_no", "host_id", "rule")) == [
        ("S000", world.hosts[0].pk, "forbid"), ("S002", farm.pk, "pin"),
    ]  # fmt: skip
    matched = page.post(url, {"do": "match"})
    assert matched.status_code == 302
    stays = dict(Stay.objects.values_list("participant__staff_no", "host_id"))
    assert stays["S002"] == farm.pk and stays["S000"] != world.hosts[0].pk
    shown = page.get(matched["Location"]).content.decode()
    run = world.programme.runs.get()
    assert f"<td>{run.cost}</td>" in shown and f"<td>{run.greedy_cost}</td>" in shown
    assert f"Bound {run.bound}; gap 0.0000%." in shown
    assert run.report["method"] == "relaxation"
    assert (
        f"Variety within the run: {run.report['variety']} of the cost; solved by one LP of its "
        f"convex relaxation, a flow for those the LP split ({run.report['passes']} flow "
        "passes)." in shown
    )
    assert f"pin: S002 员工2 → #{farm.pk} 崇明一家农场" in shown


def test_the_run_says_who_was_not_placed_and_why(hood, world):
    page = client(world.runner)
    url = f"/connect/programmes/{world.programme.pk}/"
    for host in world.hosts:  # S001 may go nowhere
        page.post(url, {"do": "pair", "staff_no": "S001", "host": str(host.pk), "rule": "forbid"})
    page.post(url, {"do": "match"})
    shown = page.get(url).content.decode()
    assert (
        "<td>S001</td><td>员工1</td><td>采购部</td><td>范围内的每个接待方都被排除（禁止、曾接待、无障碍）</td>"
        in shown
    )
    assert "<li>范围内的每个接待方都被排除（禁止、曾接待、无障碍）: 1</li>" in shown


def test_pairing_form_refuses_bad_input(hood, world):
    url = f"/connect/programmes/{world.programme.pk}/"
    bad = {"do": "pair", "staff_no": "X9", "host": "abc", "rule": "love"}
    refused = client(world.runner).post(url, bad)
    shown = refused.content.decode()
    assert refused.status_code == 422
    assert "本项目没有这个工号的参与者。" in shown
    assert "请填写本项目一个接待方的编号。" in shown
    assert "请填写 pin（指定）或 forbid（禁止）。" in shown
    english = client(world.runner, "en").post(url, bad).content.decode()
    assert "No participant of this programme has this staff number." in english
    assert not Pairing.objects.exists()
    other = client(hood.members[0]).post(url, {**bad, "staff_no": "S000", "rule": "pin"})
    assert other.status_code == 403 and not Pairing.objects.exists()


def _report(hood):
    ids = connect_programme(hood)
    operator = type(hood.operator).objects.get(pk=hood.operator.pk)
    return ids, operator, f"/connect/stays/{ids['cx_checked_in']}/report/"


def test_highlight_tag_insight_action_from_the_pages(hood):
    ids, operator, url = _report(hood)
    page = client(operator, "en")
    assert page.post(url, {"do": "tag", "name": "取货"}).status_code == 302
    top = Tag.objects.get(name="取货")
    assert page.post(url, {"do": "tag", "name": "时间", "parent": str(top.pk)}).status_code == 302
    child = Tag.objects.get(name="时间")
    assert child.parent_id == top.pk
    assert "取货 › 时间" in page.get(url).content.decode()
    by_words = page.post(
        url, {"do": "highlight", "note": str(ids["cx_note"]), "quoted": "上班的人来不及", "tags": [str(child.pk)]}
    )  # fmt: skip
    assert by_words.status_code == 302
    found = Highlight.objects.get(text="上班的人来不及")
    assert (found.start, found.end, [t.name for t in found.tags.all()]) == (7, 14, ["时间"])
    by_span = page.post(
        url, {"do": "highlight", "note": str(ids["cx_note"]), "start": "0", "end": "6"}
    )
    assert by_span.status_code == 302
    assert Highlight.objects.filter(text="取货时间太早").exists()
    made = page.post(
        url, {"do": "insight", "title": "上班族赶不上取货", "body": "早上取货太早。", "highlights": [str(found.pk)]}
    )  # fmt: skip
    insight = Insight.objects.get(title="上班族赶不上取货")
    assert made["Location"] == f"/connect/insights/{insight.pk}/"
    assert list(insight.evidence.all()) == [found]
    page_url = f"/connect/insights/{insight.pk}/"
    added = page.post(
        page_url, {"do": "action", "title": "傍晚六点后也能取货", "kind": "pickup_time", "owner": str(operator.pk)}
    )  # fmt: skip
    assert added.status_code == 302
    action = insight.actions.get()
    assert (action.kind, action.owner_id, action.status) == ("pickup_time", operator.pk, "open")
    done = page.post(
        page_url,
        {
            "do": f"update-{action.pk}",
            "status": "done",
            "link": "/groupbuys/12/",
            "outcome": "试行两周",
        },
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.link, action.outcome) == ("done", "/groupbuys/12/", "试行两周")
    assert action.reported_back_at is not None
    assert OutboxEvent.objects.filter(name="connect.outcome_reported").count() == 1
    shown = page.get(page_url).content.decode()
    assert 'class="action-done"' in shown and "试行两周" in shown


def test_report_forms_refuse_bad_input(hood):
    ids, operator, url = _report(hood)
    page = client(operator)
    missing = page.post(url, {"do": "highlight", "note": str(ids["cx_note"]), "quoted": "晚上"})
    assert missing.status_code == 422 and "这些字不在这条记录里。" in missing.content.decode()
    span = page.post(
        url, {"do": "highlight", "note": str(ids["cx_note"]), "start": "5", "end": "99"}
    )
    assert span.status_code == 422 and "请选取 0 到 15 之间的范围。" in span.content.decode()
    assert page.post(url, {"do": "highlight", "note": "x"}).status_code == 422
    tag = page.post(url, {"do": "tag", "name": "", "parent": "abc"})
    assert tag.status_code == 422 and "此项必填" in tag.content.decode()
    insight = page.post(url, {"do": "insight", "title": "空", "highlights": ["abc"]})
    assert (
        insight.status_code == 422 and "请引用本项目的一条或多条摘录。" in insight.content.decode()
    )
    english = client(operator, "en").post(url, {"do": "insight", "title": "x", "highlights": []})
    assert "Cite one or more highlights of this programme." in english.content.decode()
    assert (
        Highlight.objects.count() == 1 and Tag.objects.count() == 0 and Insight.objects.count() == 1
    )
    action = f"/connect/insights/{ids['cx_insight']}/"
    bad = page.post(action, {"do": "action", "title": "", "kind": "dance", "owner": "abc"})
    shown = bad.content.decode()
    assert bad.status_code == 422 and "负责人须是在职员工。" in shown
    unfinished = page.post(action, {"do": f"update-{ids['cx_action']}", "status": "done"})
    assert unfinished.status_code == 422 and "此项必填" in unfinished.content.decode()
    assert Action.objects.get().status == "open" and Action.objects.count() == 1


def test_report_forms_are_for_runners_only(hood):
    ids, operator, url = _report(hood)
    visitor = client(hood.leader_user)  # the participant: reads and writes, does not highlight
    shown = visitor.get(url).content.decode()
    assert 'id="highlight"' not in shown and 'id="insight"' not in shown
    refused = visitor.post(url, {"do": "highlight", "note": str(ids["cx_note"]), "quoted": "取货"})
    assert refused.status_code == 403
    assert visitor.post(url, {"do": "tag", "name": "取货"}).status_code == 403
    assert client(hood.members[1]).post(url, {"do": "tag", "name": "取货"}).status_code == 404
    action = f"/connect/insights/{ids['cx_insight']}/"
    assert (
        visitor.post(
            action, {"do": f"update-{ids['cx_action']}", "status": "done", "outcome": "x"}
        ).status_code
        == 403
    )
    assert Highlight.objects.count() == 1 and not Tag.objects.exists()
    assert Action.objects.get().status == "open"
    grant(operator, "see_host_identity")
