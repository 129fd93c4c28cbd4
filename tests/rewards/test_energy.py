"""Green energy from the documented model, collected by a tap within the window, trees grown,
planted in batches with codes and certificates, the community forest."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from linli.groupbuys import services as groupbuys
from linli.ledger import selectors as ledger
from linli.rewards import defaults, errors, rules, selectors, services, views
from linli.rewards.certificate import certificate_pdf
from linli.rewards.models import EnergyDrop, Site, Tree, Trigger
from linli.rewards.services.energy import trip_shares

from ..conftest import text
from .conftest import deliver, energy, energy_rule, picked_up, plant

pytestmark = pytest.mark.django_db


def _sites(hood, km_north: float):
    """The gate at People's Square, the depot ``km_north`` kilometres due north."""
    services.set_site(
        actor=hood.operator, kind="community", owner_id=hood.community.pk, lat=31.2304, lng=121.4737
    )
    services.set_site(
        actor=hood.operator,
        kind="supplier",
        owner_id=hood.supplier.pk,
        lat=31.2304 + km_north / 111.195,
        lng=121.4737,
    )


def test_the_model_181_g_a_van_drop_minus_the_share_of_the_bulk_trip(hood):
    _sites(hood, 10)
    group_buy, _orders = picked_up(hood, 2)
    shares, _brought = trip_shares([group_buy.pk])
    # 10 km straight × 1.3 road × 270 g/km = 3,510 g, over the 2 orders: 1,755 g.
    (share,) = shares.values()
    assert share == pytest.approx(1755, abs=1)
    drops = EnergyDrop.objects.filter(rule__isnull=True)
    assert {d.avoided_g for d in drops} == {181 - 1755}
    assert {d.grams for d in drops} == {0}  # far supplier, two orders: no saving, no energy


def test_a_near_supplier_and_many_orders_save(hood):
    _sites(hood, 0.2)
    _group_buy, _orders = picked_up(hood, 3)
    trip = rules.distance_km((31.2304, 121.4737), (31.2304 + 0.2 / 111.195, 121.4737)) * 1.3 * 270
    expected = round(181 - trip / 3)
    assert {d.avoided_g for d in EnergyDrop.objects.all()} == {expected}
    assert expected > 0


def test_energy_appears_the_next_day_is_collected_by_a_tap_and_lapses_after_72_hours(hood):
    _sites(hood, 0.1)
    picked_up(hood, 1)
    drop = EnergyDrop.objects.get()
    member = hood.members[1]
    with pytest.raises(errors.NothingToCollect):
        services.collect(actor=member)  # not yet: it appears tomorrow
    assert drop.appears_at > timezone.now()
    assert drop.lapses_at - drop.appears_at == timedelta(hours=72)
    grams = services.collect(actor=member, now=drop.appears_at + timedelta(hours=1))
    assert grams == drop.grams > 0
    assert energy(hood.households[1]) == grams
    with pytest.raises(errors.NothingToCollect):
        services.collect(actor=member, now=drop.appears_at + timedelta(hours=2))
    assert ledger.check().ok


def test_uncollected_energy_lapses_and_never_reaches_the_ledger(hood):
    _sites(hood, 0.1)
    picked_up(hood, 1)
    drop = EnergyDrop.objects.get()
    assert services.lapse_due(now=drop.lapses_at + timedelta(seconds=1)) == 1
    with pytest.raises(errors.NothingToCollect):
        services.collect(actor=hood.members[1], now=drop.lapses_at + timedelta(hours=1))
    assert energy(hood.households[1]) == 0


def test_green_actions_and_the_daily_cap(hood, settings):
    settings.LINLI_REWARDS = {**settings.LINLI_REWARDS, "ENERGY_DAY_CAP_G": 250}
    _sites(hood, 0.1)
    energy_rule(hood, Trigger.OWN_BAG, 200)
    _group_buy, orders = picked_up(hood, 1)
    services.record_green_action(actor=hood.leader_user, order_id=orders[0].pk, kind="own_bag")
    services.record_green_action(actor=hood.leader_user, order_id=orders[0].pk, kind="own_bag")
    total = sum(EnergyDrop.objects.values_list("grams", flat=True))
    assert total == 250
    assert EnergyDrop.objects.count() == 2


def test_a_member_cannot_record_green_actions(hood):
    _group_buy, orders = picked_up(hood, 1)
    with pytest.raises(errors.OrderNotFound):
        services.record_green_action(actor=hood.members[2], order_id=orders[0].pk, kind="own_bag")


def test_imperfect_produce_earns_through_its_rule(hood):
    energy_rule(hood, Trigger.IMPERFECT, 5, effect="per_yuan")
    group_buy, orders = hood.formed(1)
    first = group_buy.items.order_by("position").first()
    services.flag_imperfect(actor=hood.leader_user, item_id=first.pk)
    groupbuys.confirm_pickup(
        actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=orders[0].pk
    )
    deliver()
    assert EnergyDrop.objects.get(rule__isnull=False).grams == 45  # ¥9 × 5 g


def _grow(hood, member_index, grams, now):
    """Energy given to a member's household without a pickup: a drop collected."""
    household = hood.households[member_index]
    EnergyDrop.objects.create(
        household=household,
        source=f"test:{grams}:{now.timestamp()}",
        community=hood.community,
        building=household.building,
        avoided_g=grams,
        grams=grams,
        earned_at=now,
        appears_at=now - timedelta(hours=1),
        lapses_at=now + timedelta(hours=70),
    )
    services.collect(actor=hood.members[member_index], now=now)


def test_a_tree_grows_with_energy_and_is_planted_with_a_code_and_certificate(hood, settings):
    settings.LINLI_REWARDS = {**settings.LINLI_REWARDS, "ENERGY_DAY_CAP_G": 10**9}
    now = timezone.now()
    saxaul = defaults.species("梭梭")
    member = hood.members[1]
    with pytest.raises(errors.NoTree):
        services.water(actor=member)
    services.start_tree(actor=member, species_id=saxaul.pk)
    with pytest.raises(errors.AlreadyGrowing):
        services.start_tree(actor=member, species_id=saxaul.pk)
    with pytest.raises(errors.NoEnergy):
        services.water(actor=member)
    _grow(hood, 1, 10_000, now)
    services.water(actor=member)
    tree = Tree.objects.get()
    assert (tree.energy_g, tree.grown_at) == (10_000, None)
    assert rules.stage(tree.energy_g, saxaul.energy_g) == 2
    _grow(hood, 1, 10_000, now + timedelta(seconds=1))
    services.water(actor=member)
    tree.refresh_from_db()
    assert tree.energy_g == 17_900 and tree.grown_at is not None
    assert energy(hood.households[1]) == 2_100  # the rest stays for the next tree

    with pytest.raises(errors.NotEnoughGrownTrees):
        services.plant(
            actor=hood.operator,
            partner="阿拉善SEE",
            place="内蒙古阿拉善",
            lat=38.85,
            lng=105.7,
            planted_on=date(2026, 4, 12),
            species_id=saxaul.pk,
            count=2,
        )
    with pytest.raises(errors.NotOperator):
        services.plant(
            actor=hood.leader_user,
            partner="x",
            place="y",
            lat=0,
            lng=0,
            planted_on=date(2026, 4, 12),
            species_id=saxaul.pk,
            count=1,
        )
    batch = plant(hood.operator, saxaul)
    tree.refresh_from_db()
    assert tree.batch == batch and tree.code.startswith("LL2026-")
    pdf = certificate_pdf(selectors.certificate_tree(member, tree.code))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    with pytest.raises(errors.TreeNotFound):
        selectors.certificate_tree(hood.members[2], tree.code)
    assert ledger.check().ok


def test_planting_together_as_a_building(hood, settings):
    settings.LINLI_REWARDS = {**settings.LINLI_REWARDS, "ENERGY_DAY_CAP_G": 10**9}
    now = timezone.now()
    tamarisk = defaults.species("红柳")
    # Households 1 and 3 share a building (two buildings, alternating).
    assert hood.households[1].building_id == hood.households[3].building_id
    services.start_tree(actor=hood.members[1], species_id=tamarisk.pk, together=True)
    _grow(hood, 1, 12_000, now)
    _grow(hood, 3, 12_000, now)
    services.water(actor=hood.members[1], together=True)
    services.water(actor=hood.members[3], together=True)
    tree = Tree.objects.get()
    assert tree.building_id == hood.households[1].building_id
    assert tree.energy_g == 22_400 and tree.grown_at is not None
    assert energy(hood.households[3]) == 1_600
    forest = selectors.forest(hood.operator, community_id=hood.community.pk)
    assert forest.total_grown == 1


def test_the_forest_counts_co2_avoided_per_community_and_building(hood):
    _sites(hood, 0.1)
    picked_up(hood, 3)
    forest = selectors.forest(hood.members[1])
    assert [r.community_id for r in forest.communities] == [hood.community.pk]
    avoided = sum(EnergyDrop.objects.values_list("avoided_g", flat=True))
    assert forest.total_avoided_g == avoided > 0
    assert sum(b.avoided_g for b in forest.buildings) == avoided
    assert sum(g for _, g in forest.months) == avoided
    # Someone from another community sees only theirs.
    assert selectors.forest(hood.other_member).total_avoided_g == 0


def test_sites_are_for_operators_and_on_earth(hood):
    with pytest.raises(errors.BadInput):
        services.set_site(actor=hood.operator, kind="community", owner_id=1, lat=91, lng=0)
    with pytest.raises(errors.NotOperator):
        services.set_site(actor=hood.leader_user, kind="community", owner_id=1, lat=1, lng=0)
    assert not Site.objects.exists()


def test_the_order_page_shows_what_its_pickup_avoided_with_the_model(hood, browse):
    _sites(hood, 0.2)
    _group_buy, orders = picked_up(hood, 3)
    trip = rules.distance_km((31.2304, 121.4737), (31.2304 + 0.2 / 111.195, 121.4737)) * 1.3 * 270
    grams = round(181 - trip / 3)
    assert grams == 158  # 0.2 km × 1.3 × 270 g/km = 70.2 g over 3 orders: 181 − 23.4
    mine = orders[0]
    page = text(browse(hood.members[1], "en").get(f"/orders/{mine.pk}/"))
    assert (
        '<a href="/rewards/model/">This pickup avoided 158 g CO₂ (how it is computed).</a>' in page
    )
    zh = text(browse(hood.members[1], "zh-hans").get(f"/orders/{mine.pk}/"))
    assert "这次自提减少了 158 克二氧化碳排放（计算方法）。" in zh
    # Before the pickup is confirmed there is nothing to say.
    _gb, placed = hood.formed(1)
    assert 'id="order-notes"' not in text(
        browse(hood.members[1], "en").get(f"/orders/{placed[0].pk}/")
    )


def test_the_energy_read_lists_what_is_ready_coming_and_recent_and_whose_trees(hood):
    """``selectors.energy`` (the energy page and ``GET /api/rewards/energy``): ready drops by
    when they lapse, coming ones by when they appear, the recent ones newest first; the
    household's growing tree, its building's, and the grown trees of either, newest first.
    Another building's drops and trees are not shown."""
    now = timezone.now()
    mine, other = hood.households[1], hood.households[2]
    assert mine.building_id != other.building_id

    def drop(household, name, *, earned_h, appears_h=-1, lapses_h=70, grams=10, **fields):
        return EnergyDrop.objects.create(
            household=household,
            source=f"test:{name}",
            community=hood.community,
            building=household.building,
            avoided_g=grams + 1,
            grams=grams,
            earned_at=now + timedelta(hours=earned_h),
            appears_at=now + timedelta(hours=appears_h),
            lapses_at=now + timedelta(hours=lapses_h),
            **fields,
        )

    drop(mine, "a", earned_h=-20, lapses_h=10, grams=30)
    drop(mine, "b", earned_h=-30, lapses_h=5, grams=40)
    drop(mine, "c", earned_h=-1, appears_h=3, grams=50)
    drop(mine, "d", earned_h=-50, collected_at=now - timedelta(hours=40))
    drop(mine, "e", earned_h=-100, lapses_h=-28, lapsed_at=now - timedelta(hours=28))
    drop(mine, "f", earned_h=-60, grams=0)
    drop(other, "x", earned_h=-2, grams=70)

    saxaul, tamarisk = defaults.species("梭梭"), defaults.species("红柳")

    def tree(species, *, household=None, building=None, days, grown_days=None, energy_g=0):
        return Tree.objects.create(
            species=species,
            household=household,
            building=building,
            community=hood.community,
            energy_g=energy_g,
            started_at=now - timedelta(days=days),
            grown_at=None if grown_days is None else now - timedelta(days=grown_days),
        )

    growing = tree(saxaul, household=mine, days=1, energy_g=8_950)
    shared = tree(tamarisk, building=mine.building, days=2, energy_g=100)
    grown_mine = tree(saxaul, household=mine, days=40, grown_days=10, energy_g=17_900)
    grown_ours = tree(tamarisk, building=mine.building, days=30, grown_days=5, energy_g=22_400)
    tree(saxaul, household=other, days=3)
    tree(saxaul, household=other, days=50, grown_days=1, energy_g=17_900)
    batch = plant(hood.operator, saxaul)

    e = selectors.energy(mine.pk, now=now)
    assert [d.source for d in e.ready] == ["test:b", "test:a"]
    assert e.ready_g == 70
    assert [d.source for d in e.coming] == ["test:c"]
    assert [d.source for d in e.recent] == [f"test:{n}" for n in "cabdfe"]
    recent = e.recent[0]
    assert (recent.avoided_g, recent.grams, recent.order_id, recent.order_seq) == (
        51,
        50,
        None,
        None,
    )
    assert recent.earned_at == now - timedelta(hours=1)
    assert e.recent[3].collected_at == now - timedelta(hours=40)
    assert (e.tree.pk, e.tree.species.name, e.stage) == (growing.pk, "梭梭", 2)
    assert (e.shared_tree.pk, e.shared_tree.species.name_en) == (shared.pk, tamarisk.name_en)
    assert [t.pk for t in e.grown] == [grown_ours.pk, grown_mine.pk]
    planted = [t for t in e.grown if t.batch is not None]
    assert [(t.pk, t.batch.pk, t.batch.place) for t in planted] == [
        (batch.trees.get().pk, batch.pk, "内蒙古阿拉善")
    ]


def test_the_energy_page_shows_the_pickups_a_page_at_a_time(hood, browse, monkeypatch):
    monkeypatch.setattr(views, "PAGE_LINES", 2)
    picked_up(hood, 1)
    picked_up(hood, 1)
    picked_up(hood, 1)
    assert EnergyDrop.objects.filter(household=hood.households[1]).count() == 3
    page = browse(hood.members[1], "zh-hans")
    first = text(page.get("/rewards/energy/"))
    second = text(page.get("/rewards/energy/?from=2"))

    def rows(body):
        return body.split('id="drops"')[1].split("</table>")[0].count("<tr><td>")

    assert (rows(first), rows(second)) == (2, 1)
    assert 'href="?from=2" id="earlier">更早的取货</a>' in first
    assert '<a href="?" id="newest">最新</a>' in second and 'id="earlier"' not in second
    assert rows(text(page.get("/rewards/energy/?from=-5"))) == 2
