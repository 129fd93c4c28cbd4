"""The forecasts through the API: the same figures as the pages, to the same people only."""

from datetime import timedelta

from django.utils import timezone

from linli.communities import services as communities
from linli.communities.models import Consent
from linli.forecasts.services import run_forecasts
from tests.apiclient import Api

from .test_run import UNTIL, history
from .test_suggestions import offers


def test_a_leader_reads_the_communitys_forecast_per_product(hood):
    history(hood)
    run_forecasts(until=UNTIL)
    found = Api(hood.leader_user).get(f"/communities/{hood.community.pk}/forecasts").json()
    eggs = next(f for f in found if f["product_id"] == hood.products[1].pk)
    assert eggs["model"] == "seasonal_naive"
    assert [(a["week"], a["expected"], a["low"], a["high"]) for a in eggs["ahead"]] == [
        (str(UNTIL + timedelta(weeks=n)), 2.0, 2.0, 2.0) for n in range(4)
    ]
    assert {w["units"] for w in eggs["history"]} == {2.0}
    # A member of the community may not; a leader of another community does not see it.
    refused = Api(hood.members[0]).get(f"/communities/{hood.community.pk}/forecasts")
    assert refused.status_code == 403
    hidden = Api(hood.other_leader_user, language="zh-Hans").get(
        f"/communities/{hood.community.pk}/forecasts"
    )
    assert hidden.status_code == 404


def test_suggested_stock_is_the_open_forms_with_its_why(hood):
    eggs = hood.products[1]
    offers(
        hood,
        hood.community,
        hood.households[0],
        eggs,
        [10, 14, 12, 20],
        timezone.localdate() - timedelta(days=10),
    )
    response = Api(hood.leader_user, language="zh-Hans").get(
        f"/communities/{hood.community.pk}/suggested-stock", product=[eggs.pk, hood.products[2].pk]
    )
    assert response.json() == [
        {
            "product_id": eggs.pk,
            "units": 12,
            "low": 10,
            "high": 19,
            "offers": 4,
            "from_city": False,
            "weekday": None,  # four days in a row
            "why": "这个小区最近 4 次团购通常 10–19 盒。",
        }
    ]  # rice was offered nowhere: no suggestion
    none_asked = Api(hood.leader_user).get(f"/communities/{hood.community.pk}/suggested-stock")
    assert none_asked.status_code == 422


def test_a_supplier_reads_its_next_week_and_no_one_elses(hood):
    history(hood)
    run_forecasts(until=UNTIL)
    mine = Api(hood.supplier_user).get(f"/suppliers/{hood.supplier.pk}/forecast").json()
    assert {(f["product"], f["expected"], f["communities"]) for f in mine} >= {
        (hood.products[1].name, 2.0, 1)
    }
    assert not {"household", "household_id", "room", "phone"} & {k for f in mine for k in f}
    other = Api(hood.other_supplier_user, language="zh-Hans").get(
        f"/suppliers/{hood.supplier.pk}/forecast"
    )
    assert (other.status_code, other.json()["message"]) == (404, "没有这个预测，或您无权查看。")


def test_usual_items_only_for_the_household_and_only_with_its_consent(hood):
    eggs = hood.products[1]
    household, member = hood.households[0], hood.members[0]
    today = timezone.localdate()
    offers(hood, hood.community, household, eggs, [2, 2, 2, 2], today - timedelta(days=40))
    path = f"/households/{household.pk}/usual-items"
    assert Api(member).get(path).json() == []  # no consent yet
    communities.give_consent(
        actor=member, household_id=household.pk, purpose=Consent.Purpose.SUGGESTIONS
    )
    found = Api(member).get(path).json()
    assert [(f["product_id"], f["quantity"]) for f in found] == [(eggs.pk, 2)]
    assert Api(hood.members[1]).get(path).status_code == 404
    assert Api(hood.other_leader_user).get(path).status_code == 404
    assert Api(hood.operator).get(path).status_code == 404


def test_operators_read_the_accuracy_report(hood):
    assert Api(hood.operator).get("/forecasts/accuracy").json() == {
        "suggestions": [],
        "forecasts": [],
    }
    assert Api(hood.leader_user).get("/forecasts/accuracy").status_code == 404
