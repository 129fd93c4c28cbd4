"""The presale and help-sell pages: a farmer opens a presale and records the harvest, a
leader sells it in a community; a supplier offers to leaders, a leader passes it on, stops,
and sells it. Bad input gets the form back with the message, and nothing changes."""

from datetime import timedelta

from django.utils import timezone

from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy, HelpSellOffer, HelpSellPass, Presale

from ..conftest import text
from ..state import snapshot


def _cutoff() -> str:
    return (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def test_a_farmer_opens_a_presale_and_a_leader_sells_it(hood, browse):
    farmer = browse(hood.supplier_user, "zh-hans")
    assert farmer.get("/farms/presales/").status_code == 200
    harvest = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = farmer.post(
        "/farms/presales/",
        {
            "form": "open",
            "product": hood.products[0].pk,
            "price": "6.80",
            "harvest_on": harvest,
            "total": "200",
            "minimum": "50",
        },
    )
    assert response.status_code == 302
    presale = Presale.objects.get()
    assert (presale.price_fen, presale.total, presale.minimum) == (680, 200, 50)
    leader = browse(hood.leader_user, "zh-hans")
    page = text(leader.get("/farms/presales/"))
    assert f'id="sell-{presale.pk}"' in page
    response = leader.post(
        "/farms/presales/",
        {
            "form": "sell",
            "presale": presale.pk,
            "community": hood.community.pk,
            "stock": "80",
            "cutoff_at": _cutoff(),
        },
    )
    assert response.status_code == 302
    group_buy = GroupBuy.objects.get()
    item = group_buy.items.get()
    assert (item.presale_id, item.stock_initial, item.price_fen) == (presale.pk, 80, 680)
    # Picked up after the harvest.
    assert timezone.localtime(group_buy.pickup_starts_at).date() > presale.harvest_on
    # The farmer sees the community's quantities, no household.
    groupbuys.place_order(actor=hood.members[1], group_buy_id=group_buy.pk, lines={item.pk: 3})
    farm_page = text(farmer.get("/farms/presales/"))
    assert hood.community.name in farm_page and "3 / 200" in farm_page
    assert hood.households[1].contact_name not in farm_page


def test_bad_presale_input_comes_back_with_messages(hood, browse):
    farmer = browse(hood.supplier_user)
    before = snapshot()
    response = farmer.post(
        "/farms/presales/",
        {
            "form": "open",
            "product": hood.products[0].pk,
            "price": "abc",
            "harvest_on": timezone.localdate().isoformat(),
            "total": "10",
            "minimum": "1",
        },
    )
    assert response.status_code == 422
    assert "Write an amount in yuan" in text(response)
    assert snapshot() == before
    assert browse(hood.members[1]).get("/farms/presales/").status_code == 404


def test_offer_pass_on_stop_and_sell_through_the_pages(hood, browse):
    supplier = browse(hood.supplier_user)
    response = supplier.post(
        "/farms/help-sell/",
        {
            "form": "offer",
            "product": hood.products[1].pk,
            "supply_price": "22",
            "suggested_price": "29.90",
            "leaders": [str(hood.leader.pk)],
        },
    )
    assert response.status_code == 302
    offer = HelpSellOffer.objects.get()
    first = HelpSellPass.objects.get()
    leader = browse(hood.leader_user)
    before = snapshot()
    refused = leader.post(
        "/farms/help-sell/",
        {
            "form": "pass",
            "pass": first.pk,
            "leader": hood.other_leader_user.leader.pk,
            "share": "120",
        },
    )
    assert refused.status_code == 422 and "1,000,000" in text(refused)
    assert snapshot() == before
    response = leader.post(
        "/farms/help-sell/",
        {
            "form": "pass",
            "pass": first.pk,
            "leader": hood.other_leader_user.leader.pk,
            "share": "25",
        },
    )
    assert response.status_code == 302
    passed = HelpSellPass.objects.get(depth=2)
    assert passed.share_ppm == 250_000
    helper = browse(hood.other_leader_user)
    page = text(helper.get("/farms/help-sell/"))
    assert "25%" in page and offer.product.name in page
    # The helper is at the deepest level: no form to pass it on.
    assert f'id="pass-on-{passed.pk}"' not in page
    response = helper.post(
        "/farms/help-sell/",
        {
            "form": "sell",
            "pass": passed.pk,
            "community": hood.other_community.pk,
            "stock": "30",
            "price": "",
            "cutoff_at": _cutoff(),
        },
    )
    assert response.status_code == 302
    item = GroupBuy.objects.get().items.get()
    assert (item.help_sell_id, item.price_fen) == (passed.pk, 2990)
    assert leader.post("/farms/help-sell/", {"form": "stop", "pass": first.pk}).status_code == 302
    assert HelpSellPass.objects.get(pk=first.pk).stopped_at is not None
    # The supplier's page: each leader's level and share; members are refused.
    supplier_page = text(supplier.get("/farms/help-sell/"))
    assert "25%" in supplier_page
    assert browse(hood.members[1]).get("/farms/help-sell/").status_code == 404
