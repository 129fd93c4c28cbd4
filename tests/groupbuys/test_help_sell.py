"""Help-sell chains (帮卖): a supplier offers a product to a leader at a supply price, the
leader passes it on; shares in ppm, depth limited, cycles refused, stop passing on; on
completion the ledger splits each sale between the supplier, every leader and the operator,
exactly to the fen."""

from datetime import timedelta

import pytest

from linli.groupbuys import errors, services
from linli.groupbuys.models import HelpSellPass, PurchaseOrderLine
from linli.ledger import rules as ledger_rules
from linli.ledger.models import Entry
from linli.ledger.services.posting import OPERATOR, Acct, Kind, balance

from .. import factories
from ..apiclient import Api
from ..state import snapshot


@pytest.fixture
def chain(hood, settings):
    """The supplier offers 奶油草莓 at ¥25.00 to the leader of 幸福里 (level 1), who passes it
    to the leader of 远方花园 keeping 70% (the helper keeps 30%)."""
    settings.LINLI_HELP_SELL = {"MAX_DEPTH": 2, "OPERATOR_PPM": 100_000}
    product = factories.ProductFactory(
        supplier=hood.supplier, name="奶油草莓", unit="盒", cost_fen=2000, suggested_price_fen=3500
    )
    offer = services.offer_help_sell(
        actor=hood.supplier_user,
        product_id=product.pk,
        supply_price_fen=2500,
        suggested_price_fen=3900,
        leader_ids=[hood.leader.pk],
    )
    first = offer.passes.get()
    helper = hood.other_leader_user.leader
    passed = services.pass_on(
        actor=hood.leader_user, pass_id=first.pk, to_leader_id=helper.pk, share_ppm=300_000
    )
    return offer, first, passed, product


def test_the_chain_is_stored_with_its_shares(hood, chain):
    offer, first, passed, _product = chain
    assert (first.depth, first.share_ppm, first.parent_id) == (1, 1_000_000, None)
    assert (passed.depth, passed.share_ppm, passed.parent_id) == (2, 300_000, first.pk)
    assert offer.max_depth == 2


def test_bad_passes_are_refused_and_change_nothing(hood, chain, settings):
    _offer, first, passed, _product = chain
    third = factories.LeaderFactory(communities=[factories.CommunityFactory()])
    before = snapshot()
    with pytest.raises(errors.ShareTooLarge):
        services.pass_on(
            actor=hood.leader_user, pass_id=first.pk, to_leader_id=third.pk, share_ppm=1_000_001
        )
    with pytest.raises(errors.ShareTooLarge):
        services.pass_on(
            actor=hood.leader_user, pass_id=first.pk, to_leader_id=third.pk, share_ppm=-1
        )
    # The helper is at level 2 of 2: no deeper.
    with pytest.raises(errors.ChainTooDeep):
        services.pass_on(
            actor=hood.other_leader_user, pass_id=passed.pk, to_leader_id=third.pk, share_ppm=1
        )
    # Not the actor's pass.
    with pytest.raises(errors.OfferNotFound):
        services.pass_on(
            actor=hood.other_leader_user, pass_id=first.pk, to_leader_id=third.pk, share_ppm=1
        )
    with pytest.raises(errors.AlreadyHolds):
        services.pass_on(
            actor=hood.leader_user,
            pass_id=first.pk,
            to_leader_id=hood.other_leader_user.leader.pk,
            share_ppm=1,
        )
    assert snapshot() == before


def test_a_chain_cannot_come_back_to_a_leader_in_it(hood, settings):
    settings.LINLI_HELP_SELL = {"MAX_DEPTH": 4, "OPERATOR_PPM": 0}
    offer = services.offer_help_sell(
        actor=hood.supplier_user,
        product_id=hood.products[0].pk,
        supply_price_fen=300,
        suggested_price_fen=450,
        leader_ids=[hood.leader.pk],
    )
    first = offer.passes.get()
    helper = hood.other_leader_user
    second = services.pass_on(
        actor=hood.leader_user, pass_id=first.pk, to_leader_id=helper.leader.pk, share_ppm=1
    )
    before = snapshot()
    with pytest.raises(errors.ChainCycle) as refused:
        services.pass_on(
            actor=helper, pass_id=second.pk, to_leader_id=hood.leader.pk, share_ppm=500_000
        )
    assert refused.value.status == 422
    assert snapshot() == before


def test_stopping_passes_to_nobody_new_and_running_group_buys_keep_their_terms(hood, chain):
    _offer, first, passed, product = chain
    group_buy = _helper_group_buy(hood, product, passed)
    services.stop_passing(actor=hood.leader_user, pass_id=first.pk)
    services.stop_passing(actor=hood.leader_user, pass_id=first.pk)  # twice: the same
    third = factories.LeaderFactory(communities=[factories.CommunityFactory()])
    with pytest.raises(errors.PassingStopped):
        services.pass_on(
            actor=hood.leader_user, pass_id=first.pk, to_leader_id=third.pk, share_ppm=1
        )
    assert group_buy.items.get().help_sell_id == passed.pk
    assert HelpSellPass.objects.get(pk=passed.pk).share_ppm == 300_000


def _helper_group_buy(hood, product, passed):
    return services.open_group_buy(
        actor=hood.other_leader_user,
        community_id=hood.other_community.pk,
        title="草莓帮卖团",
        items=[
            services.ItemSpec(
                product_id=product.pk, price_fen=None, stock=20, help_sell_id=passed.pk
            )
        ],
        min_to_form=1,
        **factories.times(),
    )


def test_only_the_holder_sells_an_offer(hood, chain):
    _offer, _first, passed, product = chain
    before = snapshot()
    with pytest.raises(errors.Invalid):
        # The first leader sells in its own community with the helper's pass: not its own.
        services.open_group_buy(
            actor=hood.leader_user,
            community_id=hood.community.pk,
            title="x",
            items=[
                services.ItemSpec(
                    product_id=product.pk, price_fen=None, stock=5, help_sell_id=passed.pk
                )
            ],
            min_to_form=1,
            **factories.times(),
        )
    assert snapshot() == before


def test_completion_splits_each_sale_along_the_chain_exactly(hood, chain):
    _offer, _first, passed, product = chain
    group_buy = _helper_group_buy(hood, product, passed)
    item = group_buy.items.get()
    assert item.price_fen == 3900  # the offer's suggested price
    order = services.place_order(
        actor=hood.other_member, group_buy_id=group_buy.pk, lines={item.pk: 3}
    )
    services.close_group_buy(actor=hood.other_leader_user, group_buy_id=group_buy.pk, early=True)
    assert PurchaseOrderLine.objects.get(item=item).unit_cost_fen == 2500  # the supply price
    services.confirm_pickup(
        actor=hood.other_leader_user, group_buy_id=group_buy.pk, order_id=order.pk
    )
    group_buy.refresh_from_db()
    services.catch_up(
        group_buy_id=group_buy.pk, now=group_buy.pickup_ends_at + timedelta(seconds=1)
    )
    settlement = Entry.objects.get(kind=Entry.Kind.SETTLEMENT, group_buy=group_buy)
    expected = ledger_rules.help_sell_split(
        sales_fen=3 * 3900, cost_fen=3 * 2500, operator_ppm=100_000, shares_ppm=[10**6, 300_000]
    )
    # 11,700 sold, 7,500 cost: 4,200 margin; the operator 420; 3,780 reaches the first leader,
    # who keeps 70% (2,646) and the helper 30% (1,134).
    assert (expected.operator, expected.leaders) == (420, [2646, 1134])
    amounts = {(p.account.kind, p.account.owner_id): p.amount for p in settlement.postings.all()}
    assert amounts[("leader", hood.leader.pk)] == -2646
    assert amounts[("leader", hood.other_leader_user.leader.pk)] == -1134
    assert amounts[("supplier", hood.supplier.pk)] == -7500
    assert amounts[("operator", 0)] == -420
    assert sum(amounts.values()) == 0
    assert balance(Acct(Kind.LEADER, hood.leader.pk)) == -2646
    assert balance(OPERATOR) == -420


def test_who_sees_what(hood, chain):
    """Members never see the supply price or the shares; each leader sees its own share and
    the chain above it; the supplier sees every leader's level and sales, never a household."""
    _offer, _first, passed, product = chain
    group_buy = _helper_group_buy(hood, product, passed)
    item = group_buy.items.get()
    services.place_order(actor=hood.other_member, group_buy_id=group_buy.pk, lines={item.pk: 2})
    member_view = Api(hood.other_member).get(f"/group-buys/{group_buy.pk}")
    assert member_view.status_code == 200
    text = member_view.content.decode()
    assert "supply" not in text and "ppm" not in text and "2500" not in text
    # The helper: its chain from the first leader down, and its own share.
    helper_view = Api(hood.other_leader_user).get("/help-sell/passes").json()["items"]
    (held,) = helper_view
    assert [level["depth"] for level in held["chain"]] == [1, 2]
    assert (held["share_ppm"], held["units"]) == (300_000, 2)
    # The first leader does not see the helper's sales in its own list, only who it passed to.
    first_view = Api(hood.leader_user).get("/help-sell/passes").json()["items"]
    assert [(p["units"], [t["depth"] for t in p["passed_to"]]) for p in first_view] == [(0, [2])]
    # The supplier: every leader, its level and what it sold; no household.
    offers = Api(hood.supplier_user).get("/help-sell/offers").json()["items"]
    assert [(row["depth"], row["units"]) for row in offers[0]["leaders"]] == [(1, 0), (2, 2)]
    household = hood.other_member.member.household
    body = Api(hood.supplier_user).get("/help-sell/offers").content.decode()
    assert household.contact_name not in body and household.phone not in body
