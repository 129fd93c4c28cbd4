"""The sheets as A4 PDFs (fpdf2) that print Chinese correctly: a CJK TrueType font is
embedded (subset), so the text prints anywhere and can be searched and copied out.

fpdf2 embeds TrueType outlines cleanly; the CFF outlines of Noto CJK come out with wrong
widths (copied text falls apart into single characters), so a TrueType CJK font is looked for
first: ``LINLI_PDF_FONT`` if set, then WenQuanYi (Debian's ``fonts-wqy-microhei`` or
``fonts-wqy-zenhei``).
"""

import io
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import segno
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from fpdf import FPDF

from linli.core.formatting import yuan

from .content import BuildingSheet, DistributionBook, PurchaseSheet, Row

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
FONT = "cjk"
MARGIN = 12  # mm
QR_SIZE = 22  # mm: scans from a phone held at arm's length


def _bundled_font() -> str | None:
    """Noto Sans CJK from the ``noto-cjk-sans-otc`` package (a dependency), so a machine with
    no Chinese font installed still prints: the system's fonts come first, being smaller."""
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    return str(FONT_PATH)


@cache
def cjk_font() -> tuple[Path, int]:
    """The font file to embed and its index in a collection (.ttc)."""
    configured = os.environ.get("LINLI_PDF_FONT")
    candidates = [configured] if configured else [*FONT_CANDIDATES, _bundled_font()]
    for candidate in filter(None, candidates):
        path = Path(candidate)
        if path.is_file():
            # Noto CJK's collection holds JP, KR, SC, TC, HK: SC is the third.
            index = 2 if path.name.startswith("NotoSansCJK") else 0
            return path, index
    raise ImproperlyConfigured(
        "No Chinese font for PDFs: install fonts-wqy-microhei (apt-get install "
        "fonts-wqy-microhei) or set LINLI_PDF_FONT to a TrueType font file."
    )


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        path, index = cjk_font()
        self.add_font(FONT, fname=str(path), collection_font_number=index)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=False)
        self.set_creator("Linli 邻里")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="C")

    @property
    def bottom(self) -> float:
        return self.h - MARGIN - 6

    def heading(self, title: str, subtitle: str) -> None:
        self.set_font(FONT, size=15)
        self.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=10)
        self.multi_cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def _qr_png(text: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=1)
    buffer.seek(0)
    return buffer


def distribution_pdf(book: DistributionBook) -> bytes:
    """One building per page (a long building goes on over more pages, its heading repeated):
    for each order its pickup code as a QR and in digits, 跟团号, room, household, the goods to
    hand out, remarks, and a box to tick."""
    document = _Document(book.title)
    for building in book.buildings:
        _building_pages(document, book, building)
    if not book.buildings:
        document.add_page()
        document.heading(book.title, _("Nothing to hand out"))
    return document.output_bytes()


def _building_pages(document: _Document, book: DistributionBook, building: BuildingSheet) -> None:
    widths: dict[str, float] = {"qr": QR_SIZE + 2, "who": 46, "goods": 78, "box": 12}
    width = document.w - 2 * MARGIN
    widths["goods"] = width - widths["qr"] - widths["who"] - widths["box"]

    def lines_of(text: str, size: int, height: float) -> int:
        if not text:
            return 0
        document.set_font(FONT, size=size)
        lines = document.multi_cell(widths["goods"], height, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        return len(lines)

    def height_of(row: Row) -> float:
        goods = lines_of(row.goods(book.columns), 11, 6)
        remarks = lines_of(row.remarks, 8, 4)
        return max(QR_SIZE + 3, 2 + 6 * goods + 4 * remarks + 2)

    def start_page(continued: bool) -> None:
        document.add_page()
        title = book.heading(building)
        if continued:
            title = _("%(title)s (continued)") % {"title": title}
        document.heading(title, book.pickup)
        document.set_font(FONT, size=9)
        for key, text in (
            ("qr", _("Pickup code")),
            ("who", _("No. · room · household")),
            ("goods", _("Goods to hand out")),
            ("box", "✓"),
        ):
            document.cell(widths[key], 7, text, border=1, align="C")
        document.ln()

    start_page(continued=False)
    for row in building.rows:
        row_height = height_of(row)
        if document.get_y() + row_height > document.bottom:
            start_page(continued=True)
        x, y = document.get_x(), document.get_y()
        document.rect(x, y, width, row_height)
        document.image(_qr_png(row.qr_text), x=x + 1, y=y + 1, w=QR_SIZE, h=QR_SIZE)
        left = x + widths["qr"]
        document.set_xy(left, y + 1)
        document.set_font(FONT, size=11)
        document.cell(widths["who"], 6, f"#{row.seq} {row.room}")
        document.set_xy(left, y + 7)
        document.set_font(FONT, size=9)
        document.cell(widths["who"], 5, f"{row.household} {row.phone}")
        document.set_xy(left, y + 13)
        document.cell(widths["who"], 5, row.pickup_code)
        document.set_xy(left + widths["who"], y + 1)
        document.set_font(FONT, size=11)
        document.multi_cell(widths["goods"], 6, row.goods(book.columns), new_x="LEFT")
        if row.remarks:
            document.set_font(FONT, size=8)
            document.multi_cell(widths["goods"], 4, row.remarks, new_x="LEFT")
        document.rect(x + width - widths["box"] + 3, y + 7, 6, 6)
        document.set_xy(x, y + row_height)
    totals = _("Total: %(goods)s; %(orders)s orders") % {
        "goods": _("; ").join(
            f"{column.product} {total}{column.unit}"
            for column, total in zip(book.columns, building.totals(), strict=True)
            if total
        ),
        "orders": len(building.rows),
    }
    if document.get_y() + 14 > document.bottom:
        start_page(continued=True)
    document.ln(2)
    document.set_font(FONT, size=10)
    document.multi_cell(0, 6, totals, new_x="LMARGIN", new_y="NEXT")


def _lines(sheet: PurchaseSheet) -> Iterator[list[str]]:
    for line in sheet.lines:
        yield [
            f"{line.product} {line.spec}".strip(),
            line.unit,
            str(line.ordered),
            "" if line.delivered is None else str(line.delivered),
            yuan(line.unit_cost_fen),
            yuan(line.cost_fen),
        ]


def purchase_order_pdf(sheet: PurchaseSheet) -> bytes:
    """The purchase order on A4: heading facts and a table of products; no household."""
    document = _Document(f"PO-{sheet.purchase_order_id}")
    document.add_page()
    document.heading(_("Purchase order"), f"{sheet.supplier} → {sheet.community}")
    document.set_font(FONT, size=10)
    for label, value in sheet.facts():
        document.cell(32, 6, str(label))
        document.multi_cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    headings = [
        _("Product"),
        _("Unit"),
        _("Ordered"),
        _("Delivered"),
        _("Unit cost"),
        _("Cost"),
    ]
    widths = [70, 16, 22, 22, 28, 28]
    document.set_font(FONT, size=10)

    def header() -> None:
        for text, width in zip(headings, widths, strict=True):
            document.cell(width, 7, text, border=1, align="C")
        document.ln()

    header()
    for cells in _lines(sheet):
        if document.get_y() + 7 > document.bottom:
            document.add_page()
            header()
        for index, (text, width) in enumerate(zip(cells, widths, strict=True)):
            document.cell(width, 7, text, border=1, align="L" if index == 0 else "R")
        document.ln()
    document.cell(widths[0] + widths[1], 7, _("Total"), border=1)
    document.cell(widths[2], 7, str(sum(line.ordered for line in sheet.lines)), border=1, align="R")
    document.cell(sum(widths[3:5]), 7, "", border=1)
    document.cell(widths[5], 7, yuan(sheet.total_fen), border=1, align="R")
    document.ln()
    return document.output_bytes()
