"""A household's copy: every holder's rows as JSON, the same as an Excel workbook a person can
read, and the files (photos) the rows name, in one ZIP (``docs/decisions/0040``).

::

    README.txt                what is in here, in Chinese and English
    data/<holder>.json        {table: [rows]} of each holder
    linli-data.xlsx           one sheet per table, a header row of column names
    files/<stored name>       the files the rows name (key ``stored_file``)
"""

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core.files import sheet_title
from linli.core.personal_data import STORED_FILE, Rows, holders

README = """邻里 Linli — 您家的数据副本 / your household's data

生成时间 / made at: {at}

data/*.json       每个模块保存的关于您家的数据（JSON）/ what each part of Linli holds (JSON)
linli-data.xlsx   同样的数据，每张表一页 / the same, one sheet per table
files/            您上传的照片 / the photos you sent

金额单位为分（fen）：100 分 = 1 元。 Money is in fen: 100 fen = 1 yuan.
"""


def gather(household_id: int) -> dict[str, dict[str, Rows]]:
    """Each holder's tables of the household's rows."""
    return {holder.name: holder.export(household_id) for holder in holders()}


def build(household_id: int, *, at: datetime) -> tuple[bytes, dict[str, int]]:
    """The ZIP, and how many rows each table holds."""
    data = gather(household_id)
    counts = {
        f"{holder}.{table}": len(rows)
        for holder, tables in data.items()
        for table, rows in tables.items()
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(at=at.isoformat(timespec="seconds")))
        for holder, tables in data.items():
            archive.writestr(
                f"data/{holder}.json", json.dumps(tables, ensure_ascii=False, indent=1, default=str)
            )
        archive.writestr("linli-data.xlsx", workbook(data))
        for name in _files(data):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as stored:
                    archive.writestr(f"files/{name}", stored.read())
    return out.getvalue(), counts


def workbook(data: dict[str, dict[str, Rows]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for tables in data.values():
        for table, rows in tables.items():
            sheet = book.create_sheet(sheet_title(table, taken))
            columns = _columns(rows)
            sheet.append(columns or ["(empty)"])
            for cell in sheet[1]:
                cell.font = bold
            for row in rows:
                sheet.append([_cell(row.get(column)) for column in columns])
    if not book.sheetnames:
        book.create_sheet("empty")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _columns(rows: Rows) -> list[str]:
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _files(data: dict[str, dict[str, Rows]]) -> list[str]:
    return sorted(
        {
            row[STORED_FILE]
            for tables in data.values()
            for rows in tables.values()
            for row in rows
            if row.get(STORED_FILE)
        }
    )
