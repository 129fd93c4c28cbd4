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


def _true_cost(problem_, host_of) -> int:
    """Distance points plus variety within the run, recomputed from an assignment."""
    km = np.abs(problem_.p_lat[:, None] - problem_.h_lat[None, :]) * 111.32
    distance = int(sum(round(km[p, h] * matching.KM_COST) for p, h in enumerate(host_of) if h >= 0))
    departments = int(problem_.p_dept.max()) + 1
    profiles = int(problem_.h_profile.max()) + 1
    offered = len(set(problem_.h_profile.tolist()))
    variety = 0
    for d in range(departments):
        size = int((problem_.p_dept == d).sum())
        share = -(-size // offered)
        for k in range(profiles):
            n = sum(
                1 for p, h in enumerate(host_of)
                if h >= 0 and problem_.p_dept[p] == d and problem_.h_profile[h] == k
            )  # fmt: skip
            over = max(0, n - share)
            variety += matching.VARIETY_STEP * over * over // (2 * share)
    return distance + variety


def test_variety_within_the_run_spreads_a_department():
    # One department of 4 beside 4 hosts of profile 0 (1 km) and 4 of profile 1 (3 km): its
    # fair share of each profile is 2. All four at 1 km: 40 + 30 × 2² / 4 = 70; three and one:
    # 30 + 30 + 30 × 1 / 4 (rounded down: 7) = 67; two and two: 80.
    found = matching.solve(_two_profiles([0.0] * 4, [1.0] * 4, [3.0] * 4))
    profiles = sorted(int(h >= 4) for h in found.flow.host.tolist())
    assert profiles == [0, 0, 0, 1]
    assert found.flow.cost == 67 and found.variety == 7
    assert found.bound == 67 and found.gap == 0.0 and found.status == "optimal"
    # Greedy takes the four nearest and pays the variety in the same cost.
    assert found.greedy.cost == 70


def _two_profiles(p, near, far):
    made = problem(p, near + far)
    made.h_profile[len(near) :] = 1
    return made


def _random_departments(seed):
    """Six participants of two departments, six hosts of two profiles, at random; and the
    least true cost over every way of placing all six (6! assignments)."""
    import itertools

    rng = np.random.default_rng(seed)
    made = problem(rng.uniform(0, 20, 6), rng.uniform(0, 20, 6))
    made.p_dept[:] = rng.integers(0, 2, 6)
    made.h_profile[:] = rng.integers(0, 2, 6)
    best = min(_true_cost(made, list(order)) for order in itertools.permutations(range(6)))
    return made, best


@pytest.mark.parametrize("seed", [4, 5, 6, 7, 8, 9])
def test_variety_bound_holds_against_every_assignment(seed):
    made, best = _random_departments(seed)
    found = matching.solve(made)
    assert found.method == matching.RELAXATION
    assert found.flow.placed == 6
    assert found.flow.cost == _true_cost(made, found.flow.host.tolist())
    assert found.bound <= best <= found.flow.cost
    # The convex relaxation is whole here, and its optimum the optimum.
    assert found.flow.cost == best == found.bound


def test_the_dual_bound_holds_for_any_prices():
    # The bound is checked from the prices alone, whatever they are (the LP's duals or not):
    # never above the least cost of placing all six.
    made, best = _random_departments(11)
    arcs = matching.candidate_arcs(made)
    spread = matching._spread(made, arcs)
    rng = np.random.default_rng(12)
    for _ in range(50):
        prices = rng.normal(0, 40, len(spread.quota))
        host_prices = rng.uniform(0, 60, 6) * (rng.random(6) < 0.5)
        assert matching._dual_bound(made, arcs, spread, arcs.cost, prices, host_prices) <= best


def test_participants_the_relaxation_splits_are_placed_by_a_flow(monkeypatch):
    # The relaxation is made to split participant 0 half and half over two of its hosts: the
    # flow over the split ones alone, on the places left, puts it where the optimum has it.
    made, best = _random_departments(5)
    relaxed = matching._relaxed

    def split(problem_, arcs, spread, cost):
        found = relaxed(problem_, arcs, spread, cost)
        mine = np.flatnonzero(arcs.participant == 0)
        found.x[mine] = 0.0
        found.x[mine[:2]] = 0.5
        return found

    monkeypatch.setattr(matching, "_relaxed", split)
    found = matching.solve(made)
    assert found.passes == 1 and found.flow.placed == 6
    assert found.flow.cost == _true_cost(made, found.flow.host.tolist()) == best == found.bound


def test_priced_flow_passes_when_the_relaxation_does_not_finish(monkeypatch):
    made, best = _random_departments(6)
    monkeypatch.setattr(matching, "_relaxed", lambda *args: None)
    found = matching.solve(made)
    assert found.method == matching.PRICED and found.passes >= 1
    assert found.flow.cost == _true_cost(made, found.flow.host.tolist())
    assert found.bound <= best <= found.flow.cost


def test_moves_count_the_variety_as_it_is_rounded():
    # One department of eight, two profiles: a fair share of 4. All eight with hosts of profile
    # 0 where they are cost 30 × 4² // 8 = 60; one moved to the host of profile 1 at 2.8 km
    # saves 60 − 30 × 3² // 8 = 27 of variety (not 30 × (4² // 8 − 3² // 8) = 30) for 28 of
    # distance: no move (61 after it).
    made = problem([0.0] * 8, [0.0] * 8 + [2.8], stays=2)
    made.h_profile[8] = 1
    arcs = matching.candidate_arcs(made)
    spread = matching._spread(made, arcs)
    here = np.arange(8, dtype=np.int64)
    _host, _week, cost, variety = matching._spread_out(
        made, arcs, spread, here, np.zeros(8, dtype=np.int64)
    )
    assert (cost, variety) == (60, 60)
    found = matching.solve(made)
    assert found.flow.cost == found.bound == 60


def test_long_stays_take_weeks_in_a_row_at_one_host():
    # Two new employees need two weeks in a row; one colleague needs one. One host, four
    # weeks, one place a week, three stays a year: the long stays take weeks 0-1 and 2-3, and
    # the colleague finds no week left.
    made = problem([0.0, 0.5, 1.0], [0.0], weeks=4, stays=3, p_weeks=np.array([2, 2, 1]))
    found = matching.solve(made)
    assert sorted(found.flow.week[:2].tolist()) == [0, 2]
    assert found.flow.host.tolist() == [0, 0, -1]
    assert found.flow.reasons == {2: matching.HOSTS_FULL}
    assert found.flow.cost == 0 + 5 and found.bound == 5
    assert found.long == {
        "participants": 2, "placed": 2, "pieces": 1, "optimal_pieces": 1, "cost": 5,
        "seconds": found.long["seconds"],
    }  # fmt: skip


def test_long_stay_needs_a_free_block_and_leaves_the_rest_to_the_flow():
    # Host 0 is free in weeks 0 and 2 only (no two in a row); host 1 (10 km) in weeks 0-1.
    made = problem([0.0, 0.1], [0.0, 10.0], weeks=3, stays=4, p_weeks=np.array([2, 1]))
    made.h_free[0] = [1, 0, 1]
    made.h_free[1] = [1, 1, 0]
    found = matching.solve(made)
    assert (found.flow.host[0], found.flow.week[0]) == (1, 0)  # the block at host 1
    assert found.flow.host[1] == 0  # the flow gets host 0
    assert found.greedy.host[0] == 1 and found.greedy.week[0] == 0
    made.h_free[1] = [1, 0, 1]
    found = matching.solve(made)
    assert found.flow.reasons == {0: matching.NO_WEEKS_IN_A_ROW}
    assert found.greedy.reasons == {0: matching.NO_WEEKS_IN_A_ROW}


def test_long_stays_are_solved_per_district():
    # Two districts; each long stay is placed with a host of its own district.
    made = problem(
        [0.0, 100.0], [1.0, 101.0], weeks=2, stays=1, p_weeks=np.array([2, 2]),
        h_district=np.array([0, 1]),
    )  # fmt: skip
    found = matching.solve(made)
    assert found.flow.host.tolist() == [0, 1] and found.long["pieces"] == 2
    assert found.flow.cost == 20 and found.bound == 20


def test_a_new_employee_stays_five_weeks_in_a_row(world):
    # 30 days owed in stays of 7: five weeks in a row at one host, one stay of 30 days.
    world.programme.weeks = 6
    world.programme.save(update_fields=["weeks"])
    newcomer = world.participants[0]
    newcomer.new_staff = True
    newcomer.save(update_fields=["new_staff"])
    run = planning.run(actor=world.runner, programme=world.programme)
    stay = Stay.objects.get(participant=newcomer)
    assert stay.days_planned == 30 and stay.week in (0, 1)
    assert run.report["long"]["participants"] == 1 and run.report["long"]["placed"] == 1
    others = Stay.objects.filter(host=stay.host).exclude(pk=stay.pk)
    # The host's other stays (one place a week) fall outside the five weeks.
    assert all(not stay.week <= s.week < stay.week + 5 for s in others)
    # A re-run keeps a confirmed long stay and its five weeks taken off the host.
    services.confirm_stay(actor=world.runner, stay_id=stay.pk)
    planning.run(actor=world.runner, programme=world.programme)
    assert Stay.objects.get(participant=newcomer).pk == stay.pk
    others = Stay.objects.filter(host=stay.host).exclude(pk=stay.pk)
    assert all(not stay.week <= s.week < stay.week + 5 for s in others)


def test_the_api_run_reports_passes_variety_and_long_stays(world):
    from ..apiclient import Api

    newcomer = world.participants[0]
    newcomer.new_staff = True
    newcomer.save(update_fields=["new_staff"])
    answer = Api(world.runner).post(f"/connect/programmes/{world.programme.pk}/match", key="m1")
    assert answer.status_code == 201
    body = answer.json()
    run = world.programme.runs.get()
    assert (body["passes"], body["variety"]) == (run.report["passes"], run.report["variety"])
    assert body["method"] == run.report["method"] == "relaxation"
    # Four weeks: the 30 days need five in a row, more than the programme has; so four.
    assert body["long_stays"]["participants"] == 1 and body["long_stays"]["placed"] == 1
    assert Stay.objects.get(participant=newcomer).days_planned == 28
