"""Sheets to print and send: the per-building distribution and the supplier's purchase order,
each as an Excel workbook and an A4 PDF."""

from .content import distribution_book, purchase_sheet
from .excel import distribution_workbook, purchase_order_workbook
from .pdf import distribution_pdf, purchase_order_pdf

__all__ = [
    "distribution_book",
    "distribution_pdf",
    "distribution_workbook",
    "purchase_order_pdf",
    "purchase_order_workbook",
    "purchase_sheet",
]
