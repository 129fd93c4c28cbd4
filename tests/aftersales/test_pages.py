"""The after-sales pages: a member reports from the order page, the leader decides on the
desk, the supplier sees its goods' reports with no household, the operator sees the rates."""

from django.urls import reverse

from linli.aftersales.models import Photo, Report
from linli.ledger.services import Acct, Kind, balance

from ..conftest import text
from .conftest import collected, line_of, upload


def test_a_member_reports_from_the_order_page_and_follows_it(hood, browse):
    _g, order = collected(hood)
    member = browse(hood.members[1])
    order_page = text(member.get(reverse("order", args=[order.pk])))
    form_url = reverse("aftersales:order", args=[order.pk])
    assert f'href="{form_url}"' in order_page
    form = member.get(form_url)
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in text(form)
    assert 'name="photos"' in text(form)
    eggs = line_of(order, 1)

    refused = member.post(form_url, {"line": eggs.pk, "quantity": "5", "kind": "spoiled"})
    assert refused.status_code == 422
    assert "You collected 2 盒 of 土鸡蛋: report at most that many." in text(refused)
    assert Report.objects.count() == 0

    sent = member.post(
        form_url,
        {"line": eggs.pk, "quantity": "2", "kind": "spoiled", "note": "碎了", "photos": [upload()]},
    )
    report = Report.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("aftersales:report", args=[report.pk])
    assert Photo.objects.filter(report=report).count() == 1
    page = text(member.get(sent["Location"]))
    assert "waiting for the leader" in page
    assert reverse("aftersales:photo", args=[report.pk, 1]) in page
    assert 'id="decide-form"' not in page  # a member does not decide
    photo = member.get(reverse("aftersales:photo", args=[report.pk, 1]))
    assert (photo.status_code, photo["Content-Type"], photo["X-Content-Type-Options"]) == (
        200,
        "image/jpeg",
        "nosniff",
    )
    # The order page now shows the report beside the line.
    again = text(member.get(form_url))
    assert reverse("aftersales:report", args=[report.pk]) in again
    # In Chinese too.
    assert "申请售后" in text(browse(hood.members[1], "zh-hans").get(form_url))


def test_no_link_before_anything_is_collected(hood, browse):
    group_buy, orders = hood.formed(1)
    page = text(browse(hood.members[1]).get(reverse("order", args=[orders[0].pk])))
    assert reverse("aftersales:order", args=[orders[0].pk]) not in page
    assert group_buy.pk


def test_the_leader_decides_in_part_on_the_desk(hood, browse):
    _g, order = collected(hood)
    household = hood.households[1]
    browse(hood.members[1]).post(
        reverse("aftersales:order", args=[order.pk]),
        {"line": line_of(order, 1).pk, "quantity": "2", "kind": "wrong"},
    )
    report = Report.objects.get()
    leader = browse(hood.leader_user)
    home = text(leader.get(reverse("home")))
    assert reverse("aftersales:desk") in home
    desk = text(leader.get(reverse("aftersales:desk")))
    assert reverse("aftersales:report", args=[report.pk]) in desk
    assert f"{household.building.name} {household.room}" in desk
    page = text(leader.get(reverse("aftersales:report", args=[report.pk])))
    assert 'id="decide-form"' in page
    url = reverse("aftersales:report", args=[report.pk])
    over = leader.post(
        url, {"decision": "partly_approve", "quantity": "1", "amount": "28.01", "reason": "一盒"}
    )
    assert over.status_code == 422
    assert "Credit from ¥0.01 to ¥28.00, the price of 1 盒." in text(over)
    done = leader.post(
        url, {"decision": "partly_approve", "quantity": "1", "amount": "14", "reason": "一盒发错"}
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.approved_quantity, report.credit_fen) == (
        "partly_approved",
        1,
        1400,
    )
    assert balance(Acct(Kind.HOUSEHOLD, household.pk)) == 6950 - 1400
    page = text(leader.get(url))
    assert "partly approved" in page and "一盒发错" in page
    assert 'id="decide-form"' not in page


def test_the_supplier_page_holds_no_household(hood, browse):
    _g, order = collected(hood)
    household = hood.households[1]
    household.contact_name, household.phone, household.room = "王阿姨", "13912345678", "1701室"
    household.save()
    browse(hood.members[1]).post(
        reverse("aftersales:order", args=[order.pk]),
        {"line": line_of(order, 1).pk, "quantity": "1", "kind": "spoiled", "note": "有异味",
         "photos": [upload()]},
    )  # fmt: skip
    report = Report.objects.get()
    browse(hood.leader_user).post(
        reverse("aftersales:report", args=[report.pk]), {"decision": "approve"}
    )
    supplier = browse(hood.supplier_user)
    assert reverse("aftersales:supplier") in text(supplier.get(reverse("home")))
    page = text(supplier.get(reverse("aftersales:supplier")))
    assert "土鸡蛋" in page and "有异味" in page and "approved" in page
    assert f'id="rate-{hood.supplier.pk}">20.00%' in page  # 1 of 5 units delivered
    for secret in ("王阿姨", "13912345678", "1701室", household.building.name):
        assert secret not in page, secret
    assert reverse("aftersales:order", args=[order.pk]) not in page
    assert supplier.get(reverse("aftersales:photo", args=[report.pk, 1])).status_code == 200
    assert supplier.get(reverse("aftersales:report", args=[report.pk])).status_code == 404
    assert browse(hood.members[2]).get(reverse("aftersales:supplier")).status_code == 404

    operator = text(browse(hood.operator).get(reverse("aftersales:desk")))
    assert 'id="rates"' in operator and "20.00%" in operator
