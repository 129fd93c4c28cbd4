"""See and copy: a ZIP of JSON and an Excel workbook, prepared by the worker, announced in the
inbox, handed out once to the household only, before it expires; with exactly the household's
own data."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from linli.notices.models import Notice
from linli.privacy import services
from linli.privacy.errors import CopyGone, CopyNotFound, CopyNotReady, TooManyCopies
from linli.privacy.models import DataCopy

from .conftest import deliver_everything

pytestmark = pytest.mark.django_db


def all_text(content: bytes) -> str:
    """Every file of the ZIP as text, the workbook's cells included."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".xlsx"):
                book = load_workbook(io.BytesIO(data), read_only=True)
                for sheet in book.worksheets:
                    for row in sheet.iter_rows(values_only=True):
                        parts.extend(str(cell) for cell in row if cell is not None)
            else:
                parts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def ready_copy(user) -> DataCopy:
    copy = services.request_copy(actor=user)
    assert copy.status == DataCopy.Status.REQUESTED
    deliver_everything()
    copy.refresh_from_db()
    return copy


def test_the_copy_holds_the_households_data_and_none_of_the_neighbours(two, browse):
    mine, theirs = two
    copy = ready_copy(mine.user)
    assert copy.status == DataCopy.Status.READY and copy.stored_as
    notice = Notice.objects.get(recipient=mine.user, kind="data_copy_ready")
    assert notice.params["copy"] == copy.pk

    response = browse(mine.user).post(f"/privacy/copies/{copy.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    content = response.content
    text = all_text(content)
    for word in mine.words.values():
        assert word in text, word
    for word in theirs.words.values():
        assert word not in text, word

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        data = {name: json.loads(archive.read(name)) for name in names if name.startswith("data/")}
    assert "linli-data.xlsx" in names and "README.txt" in names
    assert any(name.startswith("files/aftersales/") for name in names)  # the photo
    orders = data["data/groupbuys.json"]["orders"]
    assert {order["id"] for order in orders} >= {mine.open_order_id}
    trail = data["data/privacy.json"]["audit_trail"]
    assert any(
        event["action"] == "household.looked" and event["data"]["what"] == "handout"
        for event in trail
    )
    assert data["data/ledger.json"]["ledger_lines"], "payments and charges are in the copy"
    consents = data["data/communities.json"]["consents"]
    assert [c["purpose"] for c in consents] == ["leader_contacts"]


def test_a_copy_is_handed_out_once_to_its_household_only(two, browse):
    mine, theirs = two
    copy = ready_copy(mine.user)
    neighbour = browse(theirs.user).post(f"/privacy/copies/{copy.pk}/download/")
    assert neighbour.status_code == 404
    with pytest.raises(CopyNotFound):
        services.take_copy(actor=theirs.user, copy_id=copy.pk)
    assert browse(mine.user).post(f"/privacy/copies/{copy.pk}/download/").status_code == 200
    copy.refresh_from_db()
    assert copy.status == DataCopy.Status.TAKEN and copy.stored_as == ""
    again = browse(mine.user).post(f"/privacy/copies/{copy.pk}/download/")
    assert again.status_code == 409
    with pytest.raises(CopyGone):
        services.take_copy(actor=mine.user, copy_id=copy.pk)
    # A GET never hands it out.
    assert browse(mine.user).get(f"/privacy/copies/{copy.pk}/download/").status_code == 405


def test_a_copy_expires_and_its_file_goes(two, media, django_capture_on_commit_callbacks):
    mine, _theirs = two
    copy = ready_copy(mine.user)
    stored = media / copy.stored_as
    assert stored.exists()
    with pytest.raises(CopyGone):
        services.take_copy(
            actor=mine.user, copy_id=copy.pk, now=copy.expires_at + timedelta(seconds=1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_copies(now=copy.expires_at) == 1
    copy.refresh_from_db()
    assert copy.status == DataCopy.Status.EXPIRED and not stored.exists()


def test_a_copy_not_prepared_yet_is_not_handed_out_and_copies_are_few_a_day(two):
    mine, _theirs = two
    copy = services.request_copy(actor=mine.user)
    with pytest.raises(CopyNotReady):
        services.take_copy(actor=mine.user, copy_id=copy.pk)
    services.request_copy(actor=mine.user)
    services.request_copy(actor=mine.user)
    with pytest.raises(TooManyCopies):
        services.request_copy(actor=mine.user)
    assert DataCopy.objects.filter(household=mine.household).count() == 3
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    assert services.request_copy(actor=mine.user, now=tomorrow).pk
