"""`linli rewards …`: the check, the jobs, the rules, a household's standing, a planting and a
certificate."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linli.rewards.models import EarningRule, Lot, Tree

from .conftest import picked_up, rule
from .world import rewards_world

pytestmark = pytest.mark.django_db


def test_the_cli(hood, capsys, tmp_path):
    rewards_world(hood)
    rule(hood, amount=7)
    group_buy, _orders = picked_up(hood, 1, deliver_events=False)
    call_command("rewards", "earn", str(group_buy.pk))
    assert "2 points earned" in capsys.readouterr().out  # the world's rule and this one
    call_command("rewards", "earn", str(group_buy.pk))
    assert "0 points earned" in capsys.readouterr().out
    call_command("rewards", "check")
    assert "agree with the ledger" in capsys.readouterr().out
    call_command("rewards", "rules")
    assert "取货积分" in capsys.readouterr().out
    call_command(
        "rewards",
        "add-rule",
        "--name",
        "准时",
        "--trigger",
        "on_time",
        "--amount",
        "3",
        "--as",
        hood.operator.username,
    )
    assert EarningRule.objects.filter(name="准时").exists()
    call_command("rewards", "me", "--as", hood.members[1].username)
    assert "207 points" in capsys.readouterr().out  # 100 + 100 + 7
    call_command("rewards", "expire")
    call_command("rewards", "lapse")
    call_command("rewards", "review-tiers")
    code = Tree.objects.get(batch__isnull=False).code
    out = tmp_path / "c.pdf"
    call_command("rewards", "certificate", code, "-o", str(out), "--as", hood.members[1].username)
    assert out.read_bytes().startswith(b"%PDF")
    call_command(
        "rewards",
        "plant",
        "--species",
        str(Tree.objects.first().species_id),
        "--count",
        "1",
        "--partner",
        "阿拉善SEE",
        "--place",
        "阿拉善",
        "--lat",
        "38.8",
        "--lng",
        "105.7",
        "--date",
        "2026-11-01",
        "--as",
        hood.operator.username,
    )
    assert Tree.objects.filter(batch__isnull=False).count() == 2


def test_the_check_finds_a_lot_that_disagrees(hood):
    rewards_world(hood)
    Lot.objects.update(remaining=1)
    with pytest.raises(CommandError):
        call_command("rewards", "check")


def test_a_member_cannot_add_rules_from_the_cli(hood):
    with pytest.raises(CommandError):
        call_command(
            "rewards",
            "add-rule",
            "--name",
            "x",
            "--trigger",
            "on_time",
            "--amount",
            "3",
            "--as",
            hood.members[1].username,
        )
