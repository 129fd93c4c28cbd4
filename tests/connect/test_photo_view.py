"""A report's photo is served only to those who may read the report: its participant and
operators who run programmes; as a PNG or JPEG that no browser may sniff as anything else,
under a name that says nothing of the host. Everyone else (the host household itself, other
members, a supplier, a leader, an operator without the permission) gets 404, as for no photo."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from linli.connect import services
from linli.connect.models import Report

from .. import factories
from .conftest import grant
from .test_pages import client
from .world import connect_programme


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def photo(hood):
    ids = connect_programme(hood)
    operator = type(hood.operator).objects.get(pk=hood.operator.pk)
    report = Report.objects.get(stay_id=ids["cx_checked_in"])
    found = services.add_photo(
        actor=hood.leader_user, report_id=report.pk, name="fridge.png", content_type="image/png",
        data=factories.photo_bytes("PNG"), caption="冰箱",
    )  # fmt: skip
    return found, ids, operator


def test_the_participant_and_runners_see_it(hood, photo):
    found, ids, operator = photo
    stored = default_storage.open(found.image.name, "rb").read()
    for user in (hood.leader_user, operator):
        answer = client(user).get(f"/connect/photos/{found.pk}")
        assert answer.status_code == 200
        assert answer["Content-Type"] == "image/png"
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert answer["Content-Disposition"] == f'inline; filename="connect-photo-{found.pk}.png"'
        assert answer["Cache-Control"] == "private, max-age=3600"
        assert answer.content == stored
    page = client(hood.leader_user).get(f"/connect/stays/{ids['cx_checked_in']}/report/")
    assert f'<img src="/connect/photos/{found.pk}" alt="冰箱"' in page.content.decode()


def test_no_one_else_sees_it(hood, photo):
    found, _ids, operator = photo
    url = f"/connect/photos/{found.pk}"
    staff_without_permission = factories.OperatorFactory()
    for user in (
        hood.members[2],  # the host household
        hood.members[1],
        hood.supplier_user,
        hood.other_leader_user,
        staff_without_permission,
    ):
        answer = client(user).get(url)
        assert answer.status_code == 404, user
        assert "没有这张照片，或您无权查看。" in answer.content.decode()
        assert answer["Content-Type"].startswith("text/html")
    english = client(hood.members[1], "en").get(url).content.decode()
    assert "There is no such photo, or it is not yours to see." in english
    assert Client().get(url).status_code == 302  # to sign in
    assert client(operator).get(f"/connect/photos/{found.pk + 1}").status_code == 404


def test_the_answer_names_no_host(hood, photo):
    found, _ids, operator = photo
    grant(operator, "see_host_identity")
    answer = client(operator).get(f"/connect/photos/{found.pk}")
    household = hood.households[2]
    headers = " ".join(f"{k}: {v}" for k, v in answer.headers.items())
    assert household.contact_name not in headers and str(household.room) not in headers
    assert "2号楼一户" not in headers


def test_a_photo_gone_from_storage_is_404(hood, photo):
    found, _ids, operator = photo
    default_storage.delete(found.image.name)
    assert client(operator).get(f"/connect/photos/{found.pk}").status_code == 404
