"""A planted tree's certificate: one A4 page (fpdf2, with the embedded Chinese font the group
buys' sheets use), naming the species, the place with its coordinates, the date, the planting
partner, the tree's code and the household (or building) that grew it."""

from fpdf import FPDF

from linli.groupbuys.sheets.pdf import FONT, cjk_font

from .models import Tree


def owner_name(tree: Tree) -> str:
    if tree.household_id is not None:
        assert tree.household is not None
        return tree.household.contact_name
    assert tree.building is not None
    return f"{tree.building.community.name} {tree.building.name}"


def certificate_pdf(tree: Tree) -> bytes:
    """The certificate of a planted tree (``tree.batch`` set)."""
    batch = tree.batch
    assert batch is not None and tree.code
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    path, index = cjk_font()
    pdf.add_font(FONT, fname=str(path), collection_font_number=index)
    pdf.set_creator("Linli 邻里")
    pdf.set_title(f"植树证书 {tree.code}")
    pdf.add_page()
    pdf.set_draw_color(46, 125, 50)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_font(FONT, size=30)
    pdf.set_y(40)
    pdf.cell(0, 16, "植树证书", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=14)
    pdf.cell(0, 8, "Tree planting certificate", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 10, f"兹证明 {owner_name(tree)}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=13)
    pdf.multi_cell(
        0,
        8,
        "在邻里社区团购中坚持到小区自提点取货，积攒绿色能量，种下了一棵真树。",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(10)
    rows = [
        ("树种 Species", f"{tree.species.name} {tree.species.name_en}"),
        ("地点 Place", batch.place),
        ("坐标 Coordinates", f"{batch.lat:.5f}, {batch.lng:.5f}"),
        ("种植日期 Planted on", batch.planted_on.isoformat()),
        ("合作机构 Partner", batch.partner),
        ("树木编号 Tree code", tree.code),
        ("能量 Energy", f"{tree.energy_g:,} g CO2"),
    ]
    for label, value in rows:
        pdf.set_x(30)
        pdf.set_font(FONT, size=11)
        pdf.cell(55, 10, label)
        pdf.set_font(FONT, size=13)
        pdf.cell(0, 10, value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-40)
    pdf.set_font(FONT, size=9)
    pdf.cell(0, 6, f"邻里 Linli · {tree.code}", align="C")
    return bytes(pdf.output())
