"""Files the API hands over (Excel, PDF): one way to send them, to document them, and
to name a workbook's sheets."""

import re

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
# The ``response=`` of a ninja operation that answers with a file rather than JSON.
FILE = {200: None}


def attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    """A download named ``name``; never cached (it holds who gets what, or who owes what)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def documented(content_type: str) -> dict:
    """``openapi_extra`` saying what the file is."""
    return {"responses": {200: {"content": {content_type: {}}}}}  # merged into FILE's 200


_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet title for ``name`` that Excel allows: 31 characters, none of
    ``[]:*?/\\``, each title once per workbook (``taken``: the titles so far, lower-cased;
    this one is added)."""
    base = _NOT_IN_SHEET_TITLES.sub("-", name).strip("'") or "-"
    title, number = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title.lower())
    return title
