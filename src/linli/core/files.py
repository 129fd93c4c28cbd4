"""Files the API hands over (Excel, PDF): one way to send them and to document them."""

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
    return {"responses": {"200": {"content": {content_type: {}}}}}
