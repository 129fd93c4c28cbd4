"""The sheets leaders print and suppliers receive, downloaded through the API and read back:
the Excel with openpyxl, the PDF's text with pypdf, its QR codes module by module."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import segno
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from linli.communities.models import Household
from linli.core.formatting import mask_phone, yuan
from linli.groupbuys import services
from linli.groupbuys.models import OrderLine, PurchaseOrder
from linli.groupbuys.sheets import content, distribution_pdf, distribution_workbook

from ..apiclient import Api
from .conftest import add_households


@pytest.fixture
def formed(hood, now):
    """Eight households in two buildings order greens and eggs; the group buy forms, eggs
    come short (4 of 6 boxes) and are shared out proportionally."""
    members = hood.members + add_households(hood, 4)
    hood.households[1].vulnerable = True
    hood.households[1].vulnerability = "medical_need"
    hood.households[1].save()
    group_buy = hood.open(stock=(100, 50), now=now)
    greens, eggs = group_buy.items.order_by("position")
    for step, member in enumerate(members):
        lines = {greens.pk: step % 3 + 1}
        if step % 2:
            lines[eggs.pk] = 1 + step % 4 // 2
        services.place_order(
            actor=member,
            group_buy_id=group_buy.pk,
            lines=lines,
            note="放门口" if step == 3 else "",
            now=now + timedelta(minutes=step),
        )
    later = group_buy.cutoff_at + timedelta(seconds=1)
    services.close_due_group_buys(now=later)
    purchase_order = PurchaseOrder.objects.get(group_buy=group_buy)
    ordered_eggs = purchase_order.lines.get(item=eggs).quantity
    services.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered={
            greens.product_id: purchase_order.lines.get(item=greens).quantity,
            eggs.product_id: ordered_eggs - 2,
        },
        now=later,
    )
    services.apply_allocation(
        actor=hood.leader_user, group_buy_id=group_buy.pk, item_id=eggs.pk, policy="proportional"
    )
    return group_buy, purchase_order


def due_by_building(group_buy) -> dict[str, dict[str, tuple]]:
    """What the database says each building hands out: {building: {code: (room, greens, eggs)}}."""
    result: dict[str, dict[str, tuple]] = {}
    items = list(group_buy.items.order_by("position").values_list("pk", flat=True))
    lines = OrderLine.objects.filter(order__group_buy=group_buy).select_related(
        "order__household__building"
    )
    for line in lines:
        household = line.order.household
        building = result.setdefault(household.building.name, {})
        room, *quantities = building.get(line.order.pickup_code, (household.room, 0, 0))
        quantities[items.index(line.item_id)] = line.due
        building[line.order.pickup_code] = (room, *quantities)
    return result


def test_distribution_workbook_has_a_sheet_per_building_with_what_to_hand_out(hood, formed):
    group_buy, _po = formed
    response = Api(hood.leader_user, language="zh-hans").get(
        f"/group-buys/{group_buy.pk}/distribution.xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    expected = due_by_building(group_buy)
    buildings = [b.name for b in hood.community.buildings.order_by("position")]
    assert workbook.sheetnames == buildings

    for name in buildings:
        sheet = workbook[name]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == f"{hood.community.name} {name} · 周末蔬菜团"
        assert "提货" in rows[1][0]
        assert rows[2] == (
            "跟团号", "房号", "住户", "电话", "崇明青菜（斤）", "土鸡蛋（盒）", "提货码", "备注",
            "已取 ✓",
        )  # fmt: skip
        body, total = rows[3:-1], rows[-1]
        found = {row[6]: (row[1], row[4], row[5]) for row in body}
        assert found == expected[name]
        # Phones masked for a leader, but for the leader's own household.
        own = hood.households[0]
        for row in body:
            if (name, row[1]) == (own.building.name, own.room):
                assert row[3] == own.phone
            else:
                assert "****" in row[3]
        sums = [sum(row[index] for row in found.values()) for index in (1, 2)]
        assert total[:6] == ("合计", None, None, None, *sums)
        assert [row[1] for row in body] == sorted(row[1] for row in body)  # by room
    # Shared-out eggs and notes are in the remarks.
    remarks = " ".join(
        str(row[7]) for sheet in workbook for row in sheet.iter_rows(min_row=4, values_only=True)
    )
    assert "土鸡蛋：订" in remarks or "土鸡蛋: 订" in remarks
    assert "放门口" in remarks


def test_distribution_pdf_prints_each_building_on_its_own_page_with_qr_codes(hood, formed):
    group_buy, _po = formed
    response = Api(hood.leader_user, language="zh-hans").get(
        f"/group-buys/{group_buy.pk}/distribution.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    expected = due_by_building(group_buy)
    buildings = [b.name for b in hood.community.buildings.order_by("position")]
    assert len(reader.pages) == len(buildings)

    for page, name in zip(reader.pages, buildings, strict=True):
        text = page.extract_text()
        assert f"{hood.community.name} {name} · 周末蔬菜团" in text
        for code, (room, greens, eggs) in expected[name].items():
            assert code in text and room in text
            if greens:
                assert f"崇明青菜 {greens}斤" in text
            if eggs:
                assert f"土鸡蛋 {eggs}盒" in text
        assert f"{len(expected[name])} 单" in text or f"{len(expected[name])}单" in text
        # One QR per order, and each reads as its code.
        images = page.images
        assert len(images) == len(expected[name])
        assert sorted(read_qr(image.image, expected[name]) for image in images) == sorted(
            expected[name]
        )
    # The Chinese font is embedded, not referenced.
    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    descendant = fonts[0]["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"]


def read_qr(image, candidates) -> str:
    """Which of the candidate codes this image shows, compared module by module with the
    QR that segno makes of it."""
    gray = image.convert("L")
    for code in candidates:
        qr = segno.make(code, error="m")
        size = len(qr.matrix) + 2  # border of one module
        step = gray.width / size
        pixels = [
            [
                gray.getpixel((int((x + 1.5) * step), int((y + 1.5) * step))) < 128
                for x in range(size - 2)
            ]
            for y in range(size - 2)
        ]
        if pixels == [[bool(bit) for bit in row] for row in qr.matrix]:
            return code
    raise AssertionError("a QR code that matches no order")


def test_a_long_building_goes_on_over_pages_and_the_next_starts_afresh(hood, now):
    add_households(hood, 20)
    group_buy = hood.open(stock=(100, 50), now=now)
    greens = group_buy.items.order_by("position").first()
    for household in hood.community.buildings.order_by("position").first().households.all():
        services.place_order(
            actor=hood.leader_user,
            group_buy_id=group_buy.pk,
            lines={greens.pk: 1},
            household_id=household.pk,
            now=now,
        )
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    response = Api(hood.leader_user, language="zh-hans").get(
        f"/group-buys/{group_buy.pk}/distribution.pdf"
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2
    assert "续" in reader.pages[1].extract_text()
    assert sum(len(page.images) for page in reader.pages) == 12


def _delivered(line) -> int:
    return line.quantity if line.delivered is None else line.delivered


def test_purchase_order_as_excel_and_pdf_with_no_household_data(hood, formed):
    group_buy, purchase_order = formed
    supplier = Api(hood.supplier_user, language="zh-hans")
    lines = list(purchase_order.lines.select_related("product").order_by("item__position"))
    private = [
        text
        for h in Household.objects.filter(building__community=hood.community)
        for text in (h.contact_name, h.phone, mask_phone(h.phone))
    ] + [order.pickup_code for order in group_buy.orders.all()]

    workbook = load_workbook(
        io.BytesIO(supplier.get(f"/purchase-orders/{purchase_order.pk}.xlsx").content)
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "采购单"
    facts = {row[0]: row[1] for row in rows[1:8]}
    assert facts["供货商"] == hood.supplier.name
    assert facts["小区"].startswith(hood.community.name)
    header = rows.index(("商品", "规格", "单位", "订购数量", "已送达", "单价（元）", "金额（元）"))
    table = rows[header + 1 : header + 1 + len(lines)]
    assert [(row[0], row[3], row[4]) for row in table] == [
        (line.product.name, line.quantity, line.delivered) for line in lines
    ]
    total = rows[header + 1 + len(lines)]
    assert total[3] == sum(line.quantity for line in lines)
    # A short delivery costs what was delivered, not what was ordered.
    cost = {line.pk: _delivered(line) * line.unit_cost_fen for line in lines}
    assert any(line.delivered != line.quantity for line in lines)
    assert round(total[6] * 100) == sum(cost.values())
    cells = " ".join(str(value) for row in rows for value in row if value is not None)
    assert not [text for text in private if text and text in cells]

    pdf = supplier.get(f"/purchase-orders/{purchase_order.pk}.pdf")
    assert pdf.status_code == 200
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "采购单" in text and hood.supplier.name in text and hood.community.name in text
    for line in lines:  # product, unit, ordered, delivered, unit cost, cost
        assert (
            f"{line.product.name} {line.product.unit} {line.quantity} {line.delivered} "
            f"{yuan(line.unit_cost_fen)} {yuan(cost[line.pk])}"
        ) in text
    total_fen = sum(cost.values())
    assert yuan(total_fen) in text
    assert not [item for item in private if item and item in text]


def test_who_may_download_which_sheet(hood, formed, now):
    group_buy, purchase_order = formed
    distribution = f"/group-buys/{group_buy.pk}/distribution"
    for suffix in (".xlsx", ".pdf"):
        assert Api(hood.operator).get(distribution + suffix).status_code == 200
        refused = Api(hood.members[1], language="zh-hans").get(distribution + suffix)
        assert refused.status_code == 403 and "团长" in refused.json()["message"]
        for outsider in (hood.supplier_user, hood.other_leader_user, hood.other_member):
            assert Api(outsider).get(distribution + suffix).status_code == 404
        po = f"/purchase-orders/{purchase_order.pk}{suffix}"
        assert Api(hood.leader_user).get(po).status_code == 200
        for outsider in (hood.members[0], hood.other_leader_user, hood.other_supplier_user):
            assert Api(outsider).get(po).status_code == 404
    still_open = hood.open(now=now)
    early = Api(hood.leader_user).get(f"/group-buys/{still_open.pk}/distribution.pdf")
    assert early.status_code == 409
    assert early.json()["code"] == "pickup_not_ready"


def test_sheets_follow_the_callers_language(hood, formed):
    group_buy, purchase_order = formed
    english = Api(hood.leader_user, language="en")
    workbook = load_workbook(
        io.BytesIO(english.get(f"/group-buys/{group_buy.pk}/distribution.xlsx").content)
    )
    assert next(workbook.worksheets[0].iter_rows(min_row=3, max_row=3, values_only=True))[:4] == (
        "No.", "Room", "Household", "Phone",
    )  # fmt: skip
    text = (
        PdfReader(io.BytesIO(english.get(f"/purchase-orders/{purchase_order.pk}.pdf").content))
        .pages[0]
        .extract_text()
    )
    assert "Purchase order" in text and "Supplier" in text


def test_sheets_from_the_command_line(hood, formed, tmp_path, monkeypatch):
    group_buy, purchase_order = formed
    monkeypatch.setenv("LINLI_LANGUAGE", "zh_CN.UTF-8")
    target = tmp_path / "楼栋.xlsx"
    out = io.StringIO()
    call_command(
        "sheets", "--as", hood.leader_user.username, "distribution", str(group_buy.pk),
        "--format", "xlsx", "-o", str(target), stdout=out,
    )  # fmt: skip
    assert f"wrote {target}" in out.getvalue()
    assert load_workbook(target).sheetnames == [
        b.name for b in hood.community.buildings.order_by("position")
    ]
    target = tmp_path / "po.pdf"
    call_command(
        "sheets", "--as", hood.supplier_user.username, "purchase-order", str(purchase_order.pk),
        "-o", str(target), stdout=io.StringIO(),
    )  # fmt: skip
    assert "采购单" in PdfReader(target).pages[0].extract_text()
    with pytest.raises(CommandError, match="团长"):
        call_command(
            "sheets", "--as", hood.members[1].username, "distribution", str(group_buy.pk),
            "-o", str(tmp_path / "no.pdf"), stdout=io.StringIO(),
        )  # fmt: skip
    assert not (tmp_path / "no.pdf").exists()


def test_names_with_emoji_or_rare_characters_still_print():
    """WeChat nicknames and notes carry emoji the Chinese font has no glyph for: the sheet is
    still made, with every other character in place."""
    book = content.DistributionBook(
        group_buy_id=1,
        title="周末团🎉",
        community="幸福里",
        pickup_place="南门",
        pickup_starts_at=datetime(2026, 11, 24, 2, tzinfo=UTC),
        pickup_ends_at=datetime(2026, 11, 24, 8, tzinfo=UTC),
        columns=[content.Column(item_id=1, product="🥚土鸡蛋", unit="盒")],
        buildings=[
            content.BuildingSheet(
                building_id=1,
                name="3号楼",
                rows=[
                    content.Row(
                        seq=1,
                        room="1201",
                        household="小王🌸Wang",
                        phone="138****0000",
                        quantities=[2],
                        pickup_code="000000000001",
                        remarks="放门口😀 𠀀",
                        qr_text="000000000001",
                    )
                ],
            )
        ],
    )
    text = PdfReader(io.BytesIO(distribution_pdf(book))).pages[0].extract_text()
    assert "小王" in text and "Wang" in text and "土鸡蛋 2盒" in text and "放门口" in text
    sheet = load_workbook(io.BytesIO(distribution_workbook(book)))["3号楼"]
    assert sheet["C4"].value == "小王🌸Wang" and sheet["F4"].value == "000000000001"


def test_with_a_site_address_the_printed_qr_codes_open_the_hand_out_page(
    hood, formed, tmp_path, settings
):
    """Made from the command line (no request to take the address from), the sheet's QR codes
    hold the hand-out address on ``LINLI_SITE_URL``, which a leader's phone camera opens."""
    group_buy, _po = formed
    settings.LINLI_SITE_URL = "https://linli.example"
    target = tmp_path / "楼栋.pdf"
    call_command(
        "sheets", "--as", hood.leader_user.username, "distribution", str(group_buy.pk),
        "-o", str(target), stdout=io.StringIO(),
    )  # fmt: skip
    expected = {
        code: f"https://linli.example/lead/group-buys/{group_buy.pk}/handout?q={code}"
        for code in group_buy.orders.values_list("pickup_code", flat=True)
    }
    images = [image.image for page in PdfReader(target).pages for image in page.images]
    assert sorted(read_qr(image, expected.values()) for image in images) == sorted(
        expected.values()
    )


def test_a_machine_without_a_chinese_font_still_prints(hood, formed, monkeypatch):
    """No font installed and none configured: the font that comes with Linli's dependencies
    (Noto Sans CJK) is embedded, not a server error."""
    from linli.groupbuys.sheets import pdf

    monkeypatch.delenv("LINLI_PDF_FONT", raising=False)
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    pdf.cjk_font.cache_clear()
    try:
        assert pdf.cjk_font()[0].name == "NotoSansCJK-Regular.ttc"
        group_buy, _po = formed
        response = Api(hood.leader_user).get(f"/group-buys/{group_buy.pk}/distribution.pdf")
        assert response.status_code == 200
        fonts = {
            str(font["/BaseFont"])
            for page in PdfReader(io.BytesIO(response.content)).pages
            for font in page["/Resources"]["/Font"].get_object().values()
        }
        assert any("NotoSansCJK" in font for font in fonts), fonts
    finally:
        pdf.cjk_font.cache_clear()
