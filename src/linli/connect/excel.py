"""Who is behind on their days, as an Excel sheet for the departments."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Programme
from .selectors import Standing


def behind_sheet(programme: Programme, standings: list[Standing]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Behind"))
    sheet.append([programme.name])
    sheet.append(
        [_("Staff number"), _("Name"), _("Department"), _("Days owed"), _("Days done"),
         _("Days behind")]
    )  # fmt: skip
    for s in standings:
        sheet.append([s.staff_no, s.name, s.department, s.owed, s.done, s.behind])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
