"""Rewards' part of a household's copy and erasure: its own rows only; erasure removes who
invited whom and the green actions, and keeps the book-keeping behind the ledger."""

import json

import pytest

from linli.core import personal_data
from linli.rewards import services
from linli.rewards.models import Lot, Referral

from .world import rewards_world

pytestmark = pytest.mark.django_db


def test_a_households_copy_and_erasure(hood):
    rewards_world(hood)
    services.record_referral(
        actor=hood.leader_user,
        household_id=hood.households[2].pk,
        invited_by_id=hood.households[1].pk,
    )
    holder = next(h for h in personal_data.holders() if h.name == "rewards")
    mine = holder.export(hood.households[1].pk)
    json.dumps(mine)  # plain JSON
    assert len(mine["rewards_lot"]) == 1 and len(mine["rewards_tree"]) == 3
    assert mine["rewards_referral"] == [
        {
            "household_id": hood.households[2].pk,
            "invited_by_id": hood.households[1].pk,
            "at": mine["rewards_referral"][0]["at"],
        }
    ]
    theirs = holder.export(hood.households[3].pk)
    assert not any(theirs.values())
    holder.erase(hood.households[1].pk)
    assert not Referral.objects.exists()
    assert Lot.objects.filter(household=hood.households[1]).exists()  # behind the ledger
    assert "rewards.lot" in holder.covers
