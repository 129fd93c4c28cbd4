"""The sheets as Excel workbooks (openpyxl): real numbers in real cells, ready to sum."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from linli.core.files import sheet_title

from .content import DistributionBook, PurchaseSheet

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _table(sheet: Worksheet, header_row: int, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[header_row]:
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            cell.border = _BOX
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def distribution_workbook(book: DistributionBook) -> bytes:
    """One sheet per building: 跟团号, room, household, phone, one column per item with what
    to hand out, the pickup code, remarks and a column to tick; the building's totals last."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    headings = [
        _("No."),
        _("Room"),
        _("Household"),
        _("Phone"),
        *(column.heading for column in book.columns),
        _("Pickup code"),
        _("Remarks"),
        _("Collected ✓"),
    ]
    first_item = 5
    for building in book.buildings:
        sheet = workbook.create_sheet(sheet_title(building.name, taken))
        sheet.append([book.heading(building)])
        sheet["A1"].font = _TITLE
        sheet.append([book.pickup])
        sheet.append(headings)
        for row in building.rows:
            sheet.append(
                [
                    row.seq,
                    row.room,
                    row.household,
                    row.phone,
                    *row.quantities,
                    row.pickup_code,
                    row.remarks,
                    "",
                ]
            )
        sheet.append([_("Total"), "", "", "", *building.totals()])
        sheet.cell(row=sheet.max_row, column=1).font = _BOLD
        for line in sheet.iter_rows(min_row=4, min_col=first_item + len(book.columns)):
            line[0].number_format = "@"  # pickup codes stay text: no 1.2E+11
        _table(sheet, 3, [8, 10, 14, 14, *(12 for _column in book.columns), 15, 28, 10])
    if not book.buildings:
        workbook.create_sheet(_("Nothing to hand out"))
    return _save(workbook)


def purchase_order_workbook(sheet_data: PurchaseSheet) -> bytes:
    """The purchase order: heading facts, then per product what was ordered, delivered and
    what it costs; the total last. No household appears."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(f"PO-{sheet_data.purchase_order_id}", set())
    sheet.append([_("Purchase order")])
    sheet["A1"].font = _TITLE
    for label, value in sheet_data.facts():
        sheet.append([label, value])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(
        [
            _("Product"),
            _("Specification"),
            _("Unit"),
            _("Ordered"),
            _("Delivered"),
            _("Unit cost (yuan)"),
            _("Cost (yuan)"),
        ]
    )
    for line in sheet_data.lines:
        sheet.append(
            [
                line.product,
                line.spec,
                line.unit,
                line.ordered,
                line.delivered,
                line.unit_cost_fen / 100,
                line.cost_fen / 100,
            ]
        )
    sheet.append([_("Total"), "", "", sum(line.ordered for line in sheet_data.lines)])
    sheet.cell(row=sheet.max_row, column=7, value=sheet_data.total_fen / 100)
    sheet.cell(row=sheet.max_row, column=1).font = _BOLD
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = "0.00"
    _table(sheet, header_row, [22, 16, 8, 10, 10, 14, 14])
    return _save(workbook)
