"""Bad input over the API gets a clear 4xx in the caller's language and changes nothing: a
share above 100%, a chain deeper than allowed, a cycle, a photo that is not an image."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linli.accounts.services import issue_token
from linli.groupbuys import services as groupbuys

from .. import factories
from ..apiclient import Api
from ..state import snapshot

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def held(hood, settings):
    settings.LINLI_HELP_SELL = {"MAX_DEPTH": 2, "OPERATOR_PPM": 100_000}
    offer = groupbuys.offer_help_sell(
        actor=hood.supplier_user,
        product_id=hood.products[0].pk,
        supply_price_fen=300,
        suggested_price_fen=450,
        leader_ids=[hood.leader.pk],
    )
    return offer.passes.get()


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_refusals_speak_the_callers_language_and_change_nothing(hood, held, language):
    leader = Api(hood.leader_user, language=language)
    helper = hood.other_leader_user.leader
    before = snapshot()
    too_much = leader.post(
        f"/help-sell/passes/{held.pk}/pass-on", {"to_leader_id": helper.pk, "share_ppm": 1_500_000}
    )
    assert (too_much.status_code, too_much.json()["code"]) == (422, "share_too_large")
    assert bool(CHINESE.search(too_much.json()["message"])) == (language == "zh-Hans")
    assert snapshot() == before
    passed = leader.post(
        f"/help-sell/passes/{held.pk}/pass-on", {"to_leader_id": helper.pk, "share_ppm": 300_000}
    )
    assert passed.status_code == 201
    second = passed.json()["passed_to"][0]["pass_id"]
    helper_api = Api(hood.other_leader_user, language=language)
    before = snapshot()
    back = helper_api.post(
        f"/help-sell/passes/{second}/pass-on",
        {"to_leader_id": hood.leader.pk, "share_ppm": 1},
    )
    # Level 2 of 2: deeper is refused before the cycle is looked at.
    assert (back.status_code, back.json()["code"]) == (422, "chain_too_deep")
    assert snapshot() == before
    token = issue_token(actor=hood.supplier_user, user=hood.supplier_user, name="t")[1]
    farmer = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)
    before = snapshot()
    fake = factories.photo_bytes("PNG")[:40]
    refused = farmer.post(
        f"/api/storefronts/{hood.supplier.pk}/photos",
        {"photos": [SimpleUploadedFile("x.png", fake, content_type="image/png")]},
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "not_an_image")
    assert bool(CHINESE.search(refused.json()["message"])) == (language == "zh-Hans")
    assert snapshot() == before
