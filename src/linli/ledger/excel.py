"""The ledger reports as Excel workbooks a leader can open on a phone or print."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core.files import sheet_title

from .selectors import GroupBuyLedger, LeaderLedger


def _yuan(fen: int) -> float:
    return fen / 100


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    """A sheet titled as Excel allows (a group buy's title may hold ``/`` or ``:``), with a
    bold header, fitted columns and amounts in yuan."""
    sheet = workbook.create_sheet(sheet_title(title, {n.lower() for n in workbook.sheetnames}))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(sheet.columns, start=1):
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 40)
        if index > 1:
            for cell in column[1:]:
                if isinstance(cell.value, float):
                    cell.number_format = "¥#,##0.00"
    sheet.freeze_panes = "A2"


def _save(workbook: Workbook) -> bytes:
    del workbook["Sheet"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MONEY_COLUMNS = ("charged", "paid", "credited", "refunded", "owes", "refund_due")


def money_header() -> list[str]:
    return [_("Charged"), _("Paid"), _("Credited back"), _("Refunded"), _("Owes"), _("Refund due")]


def group_buy_workbook(ledger: GroupBuyLedger) -> bytes:
    workbook = Workbook()
    rows = [
        [line.label, *(_yuan(getattr(line, column)) for column in MONEY_COLUMNS)]
        for line in ledger.households
    ]
    rows.append([_("Total"), *(_yuan(getattr(ledger.total, column)) for column in MONEY_COLUMNS)])
    _sheet(workbook, ledger.group_buy.title, [_("Household"), *money_header()], rows)
    summary = [
        [_("Group buy"), ledger.group_buy.title],
        [_("Status"), str(ledger.group_buy.get_status_display())],
        [_("Commission rate"), f"{ledger.commission_bp / 100:g}%"],
        [_("Commission"), _yuan(ledger.commission_fen)],
        [_("Commission settled"), _("yes") if ledger.commission_settled else _("no")],
        [_("Printed"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]
    _sheet(workbook, _("Summary"), [_("Item"), _("Value")], summary)
    return _save(workbook)


def leader_workbook(ledger: LeaderLedger) -> bytes:
    workbook = Workbook()
    rows = [
        [
            row.title,
            row.status,
            *(_yuan(getattr(row, column)) for column in MONEY_COLUMNS),
            row.owing_households,
            row.overpaid_households,
            _yuan(row.commission_fen),
        ]
        for row in [*ledger.group_buys, ledger.total]
    ]
    rows[-1][0] = _("Total")
    header = [
        _("Group buy"),
        _("Status"),
        *money_header(),
        _("Households owing"),
        _("Households owed"),
        _("Commission"),
    ]
    _sheet(workbook, _("Group buys"), header, rows)
    return _save(workbook)
