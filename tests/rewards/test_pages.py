"""The pages: a member redeems, collects, starts and waters a tree; the forest; the model; an
operator's forms; who may see what."""

import pytest

from linli.rewards.models import EarningRule, EnergyDrop, Perk, PlantingBatch, Redemption, Tree

from ..conftest import text
from .conftest import picked_up, points, rule
from .world import rewards_world

pytestmark = pytest.mark.django_db


def test_a_member_redeems_a_perk_on_the_points_page(hood, browse):
    rewards_world(hood)
    page = browse(hood.members[1])
    shown = page.get("/rewards/")
    assert shown.status_code == 200
    assert 'id="points">100<' in text(shown)
    assert "<strong>五元券</strong> · a leader-funded coupon<br>" in text(shown)
    perk = Perk.objects.get(name="五元券")
    done = page.post("/rewards/", {"perk": perk.pk})
    assert done.status_code == 302
    assert points(hood.households[1]) == 90
    code = Redemption.objects.get().code
    assert code in text(page.get(done["Location"]))


def test_redeeming_without_points_says_why_in_chinese_and_changes_nothing(hood, browse):
    rewards_world(hood)
    perk = Perk.objects.get(name="五元券")
    refused = browse(hood.members[2], "zh-hans").post("/rewards/", {"perk": perk.pk})
    assert refused.status_code == 409
    assert "需要10积分" in text(refused)
    assert "<strong>五元券</strong> · 团长出资的优惠券<br>" in text(refused)
    assert not Redemption.objects.exists()


def test_a_member_collects_and_waters_on_the_energy_page(hood, browse):
    rewards_world(hood)
    page = browse(hood.members[1])
    shown = page.get("/rewards/energy/")
    assert "Collect 200 g" in text(shown)
    assert "<svg" in text(shown)
    collected = page.post("/rewards/energy/", {"action": "collect"})
    assert collected.status_code == 302
    assert "Collected 200 g" in text(page.get(collected["Location"]))
    tree = Tree.objects.get(grown_at__isnull=True)
    watered = page.post("/rewards/energy/", {"action": "water"})
    assert watered.status_code == 302
    tree.refresh_from_db()
    assert tree.energy_g == 500
    again = page.post("/rewards/energy/", {"action": "collect"})
    assert again.status_code == 409


def test_the_certificate_is_the_households_own(hood, browse):
    rewards_world(hood)
    code = Tree.objects.get(batch__isnull=False).code
    pdf = browse(hood.members[1]).get(f"/rewards/trees/{code}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert browse(hood.members[2]).get(f"/rewards/trees/{code}/certificate.pdf").status_code == 404


def test_the_forest_and_the_model(hood, browse):
    rule(hood, amount=10)
    picked_up(hood, 2)
    forest = browse(hood.leader_user).get("/rewards/forest/")
    assert forest.status_code == 200
    assert hood.community.name in text(forest)
    model = browse(hood.members[1], "zh-hans").get("/rewards/model/")
    assert "181" in text(model) and "Edwards" in text(model)


def test_the_operator_manages_rules_perks_species_and_plantings(hood, browse):
    rewards_world(hood)
    page = browse(hood.operator)
    assert page.get("/rewards/manage/").status_code == 200
    bad = page.post("/rewards/manage/", {"form": "rule", "name": "", "amount": "-3"})
    assert bad.status_code == 422
    assert EarningRule.objects.count() == 1
    ok = page.post(
        "/rewards/manage/",
        {
            "form": "rule",
            "name": "准时",
            "trigger": "on_time",
            "unit": "PTS",
            "effect": "fixed",
            "amount": "5",
        },
    )
    assert ok.status_code == 302 and EarningRule.objects.count() == 2
    assert (
        page.post(
            "/rewards/manage/",
            {
                "form": "perk",
                "name": "提前",
                "kind": "early_access",
                "cost": "30",
                "hours_early": "4",
            },
        ).status_code
        == 302
    )
    grown = Tree.objects.filter(grown_at__isnull=False, batch__isnull=True).count()
    assert grown == 1
    planted = page.post(
        "/rewards/manage/",
        {
            "form": "batch",
            "partner": "阿拉善SEE",
            "place": "阿拉善",
            "lat": "38.8",
            "lng": "105.7",
            "planted_on": "2026-11-01",
            "species": Tree.objects.first().species_id,
            "count": "1",
        },
    )
    assert planted.status_code == 302
    assert PlantingBatch.objects.count() == 2


def test_members_and_leaders_cannot_manage(hood, browse):
    for user in (hood.members[1], hood.leader_user):
        assert browse(user).get("/rewards/manage/").status_code == 403


def test_someone_without_a_household_is_told_so(hood, browse):
    page = browse(hood.supplier_user).get("/rewards/")
    assert page.status_code == 403


def test_the_front_door_has_the_tiles(hood, browse):
    home = text(browse(hood.members[1]).get("/"))
    assert "/rewards/" in home and "/rewards/energy/" in home
    assert "/rewards/manage/" in text(browse(hood.operator).get("/"))


def test_energy_shown_per_order(hood, browse):
    picked_up(hood, 1)
    drop = EnergyDrop.objects.get()
    shown = text(browse(hood.members[1]).get("/rewards/energy/"))
    assert f"{drop.avoided_g} g" in shown
