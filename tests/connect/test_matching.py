"""Matching: the min-cost flow is optimal (checked against an assignment solver), beats or
ties greedy, keeps the rules, says why someone was not placed; a re-run keeps confirmed
stays; a household that withdrew its consent is not a host."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from linli.communities.models import Consent
from linli.communities.services import withdraw_consent
from linli.connect import matching, planning, services
from linli.connect.models import Pairing, Stay


def problem(p_xy, h_xy, *, weeks=1, stays=1, places=1, max_km=1000.0, candidates=50, **extra):
    p_xy, h_xy = np.asarray(p_xy, float), np.asarray(h_xy, float)
    n_p, n_h = len(p_xy), len(h_xy)
    # Latitude degrees only: 1 degree = 111.32 km.
    return matching.Problem(
        weeks=weeks, max_km=max_km, candidates=candidates,
        p_lat=p_xy / 111.32, p_lon=np.zeros(n_p), p_dept=np.zeros(n_p, dtype=np.int64),
        p_lang=np.zeros(n_p, dtype=np.int64), p_step_free=np.zeros(n_p, dtype=bool),
        h_lat=h_xy / 111.32, h_lon=np.zeros(n_h), h_profile=np.zeros(n_h, dtype=np.int64),
        h_lang=np.zeros(n_h, dtype=np.int64), h_step_free=np.zeros(n_h, dtype=bool),
        h_stays_left=np.full(n_h, stays, dtype=np.int64),
        h_free=np.full((n_h, weeks), places, dtype=np.int64),
        **extra,
    )  # fmt: skip


def test_flow_is_optimal_and_greedy_is_not_on_a_crossing():
    # Greedy gives participant 0 (fewest candidates: tie, so first) host 0 at 1 km, leaving
    # participant 1 host 1 at 10 km; the optimum crosses: 0→1 (3 km), 1→0 (2 km).
    found = matching.solve(problem([0.0, 2.0], [1.0 - 0.0, 3.0], max_km=100))
    assert found.flow.placed == found.greedy.placed == 2
    assert found.flow.cost <= found.greedy.cost
    assert found.bound == found.flow.cost and found.gap == 0.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flow_equals_the_assignment_optimum(seed):
    rng = np.random.default_rng(seed)
    p, h = rng.uniform(0, 50, 40), rng.uniform(0, 50, 40)
    found = matching.solve(problem(p, h))
    distance = np.abs(p[:, None] - h[None, :])
    rows, cols = linear_sum_assignment(np.rint(distance * matching.KM_COST))
    assert found.flow.placed == 40
    assert found.flow.cost == int(np.rint(distance * matching.KM_COST)[rows, cols].sum())
    assert found.greedy.cost >= found.flow.cost
    # Each host once: one place, one stay.
    assert len(set(found.flow.host.tolist())) == 40


def test_capacity_weeks_and_stays_left():
    # One host, two weeks, one place a week, three stays a year: two of three placed.
    found = matching.solve(problem([0.0, 1.0, 2.0], [0.5], weeks=2, stays=3))
    assert found.flow.placed == 2
    assert sorted(found.flow.week[found.flow.host >= 0].tolist()) == [0, 1]
    assert list(found.flow.reasons.values()) == [matching.HOSTS_FULL]


def test_reasons_distance_and_exclusions():
    found = matching.solve(
        problem([0.0, 500.0, 1.0], [0.0, 2.0], max_km=10, excluded={(2, 0), (2, 1)})
    )
    assert found.flow.reasons == {1: matching.NO_HOST_IN_REACH, 2: matching.ALL_EXCLUDED}
    assert found.flow.host[0] == 0


def test_pin_and_step_free():
    base = problem([0.0, 0.1], [0.0, 30.0], pins={0: 1})
    found = matching.solve(base)
    assert found.flow.host.tolist() == [1, 0]
    base.p_step_free[:] = True
    base.h_step_free[:] = [False, True]
    found = matching.solve(base)
    assert found.flow.host.tolist() == [1, -1]  # host 0 is not step-free; 1 is pinned to 0
    assert found.flow.reasons[1] == matching.HOSTS_FULL  # its one step-free host is taken


def test_run_writes_stays_and_report(world):
    run = planning.run(actor=world.runner, programme=world.programme)
    assert run.placed == 3 and run.unplaced == 0
    assert run.report["flow"]["cost"] == run.cost
    assert run.report["greedy"]["placed"] == run.greedy_placed
    stays = Stay.objects.filter(programme=world.programme)
    assert stays.count() == 3
    assert all(s.days_planned == 7 and s.status == "scheduled" for s in stays)


def test_rerun_keeps_confirmed_and_honours_forbid(world):
    first = planning.run(actor=world.runner, programme=world.programme)
    stays = {s.participant_id: s for s in Stay.objects.filter(run=first)}
    kept = stays[world.participants[0].pk]
    services.confirm_stay(actor=world.runner, stay_id=kept.pk)
    other = world.participants[1]
    services.set_pairing(
        actor=world.runner,
        participant_id=other.pk,
        host_id=stays[other.pk].host_id,
        rule=Pairing.Rule.FORBID,
    )
    second = planning.run(actor=world.runner, programme=world.programme)
    kept.refresh_from_db()
    assert kept.status == "confirmed" and kept.run_id == first.pk
    assert second.report["kept"] == 1
    new = {s.participant_id: s for s in Stay.objects.filter(run=second)}
    assert kept.participant_id not in new
    if other.pk in new:
        assert new[other.pk].host_id != stays[other.pk].host_id
    assert Stay.objects.filter(run=first).count() == 1  # the unconfirmed ones were replaced


def test_withdrawn_household_is_not_a_host(world):
    household = world.hosts[0].household
    withdraw_consent(
        actor=world.hood.members[0], household_id=household.pk, purpose=Consent.Purpose.CONNECT_HOST
    )
    run = planning.run(actor=world.runner, programme=world.programme)
    assert not Stay.objects.filter(run=run, host=world.hosts[0]).exists()
    world.hosts[0].refresh_from_db()
    assert world.hosts[0].active is False


def test_only_runners_match(world, hood):
    from linli.connect.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.programme_for(hood.operator, world.programme.pk)
