"""The privacy pages in both languages, the tiles that reach them, and the command line."""

import io
import zipfile

import pytest
from django.core.management import call_command

from linli.privacy.models import DataCopy

from ..conftest import text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Your data", "See and copy", "Consents", "Close your account"]),
        ("zh-hans", ["我的数据", "查看和复制", "授权", "注销账户"]),
    ],
)
def test_the_members_page_in_both_languages(hood, browse, language, words):
    page = text(browse(hood.members[1], language).get("/privacy/"))
    for word in words:
        assert word in page
    assert hood.households[1].contact_name in page  # the form holds what is kept


def test_the_privacy_notice_is_for_everyone_in_both_languages(browse):
    assert "What is kept, and why" in text(browse(None, "en").get("/privacy/notice/"))
    assert "保存什么，为什么" in text(browse(None, "zh-hans").get("/privacy/notice/"))


def test_the_front_door_reaches_the_privacy_pages(hood, browse):
    assert 'id="tile-privacy"' in text(browse(hood.members[1]).get("/"))
    assert 'id="tile-privacy"' not in text(browse(hood.supplier_user).get("/"))
    assert 'id="tile-privacy-leader"' in text(browse(hood.leader_user).get("/"))
    assert browse(hood.members[1]).get("/privacy/leader/").status_code == 404
    assert browse(hood.supplier_user).get("/privacy/").status_code == 403
    assert browse(None).get("/privacy/").status_code == 302


def test_asking_for_a_copy_on_the_page(hood, browse):
    response = browse(hood.members[1]).post("/privacy/copies/")
    assert response.status_code == 302
    page = text(browse(hood.members[1]).get(response["Location"]))
    assert "being prepared" in page
    assert DataCopy.objects.get().household_id == hood.households[1].pk


def test_the_command_line_lists_holders_and_makes_a_copy(hood, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("privacy", "holders", stdout=out)
    for name in ("communities", "groupbuys", "ledger", "jielong", "aftersales", "notices"):
        assert name in out.getvalue()
    target = tmp_path / "copy.zip"
    call_command(
        "privacy", "copy", "--as", hood.members[1].username, "--out", str(target), stdout=out
    )
    with zipfile.ZipFile(target) as archive:
        assert hood.households[1].contact_name in archive.read("data/communities.json").decode()
    assert DataCopy.objects.get().status == DataCopy.Status.TAKEN
