"""Participants to hosts and weeks, as a min-cost flow (docs/decisions/0035).

Pure arrays in, arrays out: the services build a :class:`Problem` from the database, the
benchmark builds one at random. The network, per programme:

    participant p (supply 1) ──cost c(p,h)──▶ host h ──cap stays left──▶ h' ──cap free places
    in week w, one arc per week──▶ sink;  and p ──cost UNPLACED──▶ sink

Arcs p→h exist only for the ``CANDIDATES`` nearest hosts within the maximum travel distance
that the rules allow (kind, step-free access, not forbidden, not hosted p within the
no-repeat years); a pin leaves p only its pinned host. ``UNPLACED`` is larger than any path,
so the optimum places as many participants as can be placed and, among those placements, has
the least cost; a pin is honoured before any other placement. The arc cost, in points (documented in 0035):

    10 per km of travel
    + 200 when the host speaks none of the participant's languages or dialects
    + up to 300 for variety: 300 × the share of the participant's department's earlier stays
      that were with hosts of this profile (elderly living alone, young family, farmer, …)

Network flow has integral optimal vertices, so the solver's optimum is also the bound of the
linear relaxation: the gap of the flow is 0 by proof (the tests check the optimum against an
assignment solver on instances small enough for one). The greedy comparison, in the same run,
takes participants in order (pins first, then those with the fewest candidates) and gives
each their cheapest candidate with room.
"""

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.spatial import cKDTree

KM_COST = 10
LANGUAGE_COST = 200
VARIETY_COST = 300
UNPLACED = 10**7
#: Taken off a pinned arc's cost in the flow (not in the reported cost): a pin is honoured
#: before any unpinned placement, and a placement before any cost.
PIN_PRIORITY = 10**6
EARTH_KM_PER_DEGREE = 111.32

#: Why a participant was not placed.
NO_HOST_IN_REACH = "no_host_in_reach"
ALL_EXCLUDED = "all_excluded"
HOSTS_FULL = "hosts_full"
PIN_UNAVAILABLE = "pin_unavailable"


@dataclass
class Problem:
    weeks: int
    max_km: float
    candidates: int
    # Participants.
    p_lat: np.ndarray
    p_lon: np.ndarray
    p_dept: np.ndarray  # department index
    p_lang: np.ndarray  # bit mask of languages; 0: any
    p_step_free: np.ndarray  # bool
    # Hosts.
    h_lat: np.ndarray
    h_lon: np.ndarray
    h_profile: np.ndarray  # profile index
    h_lang: np.ndarray
    h_step_free: np.ndarray
    h_stays_left: np.ndarray  # stays the host may still take in this programme
    h_free: np.ndarray  # [hosts, weeks]: free places each week (0 when not available)
    # {(p, h)}: never together (forbidden by an operator, or hosted within the no-repeat years).
    excluded: set[tuple[int, int]] = field(default_factory=set)
    # {p: h}: an operator's pin.
    pins: dict[int, int] = field(default_factory=dict)
    # [departments, profiles]: the share of each department's earlier stays with each profile.
    variety: np.ndarray | None = None


@dataclass
class Assignment:
    host: np.ndarray  # per participant: host index, or -1
    week: np.ndarray  # per participant: week, or -1
    cost: int
    placed: int
    unplaced: int
    reasons: dict[int, str]  # participant -> reason, for each unplaced one
    seconds: float


@dataclass
class Result:
    flow: Assignment
    greedy: Assignment
    bound: int  # the flow's optimum: the linear relaxation's bound (integral network)
    arcs: int
    status: str

    @property
    def gap(self) -> float:
        """The flow's relative gap to the bound (0 when the solver proved optimality)."""
        return 0.0 if self.bound == 0 else (self.flow.cost - self.bound) / self.bound

    @property
    def greedy_gap(self) -> float | None:
        """Greedy's cost above the bound, when it placed as many (else not comparable)."""
        if self.greedy.placed != self.flow.placed:
            return None
        return 0.0 if self.bound == 0 else (self.greedy.cost - self.bound) / self.bound


def _xy(lat: np.ndarray, lon: np.ndarray, lat0: float) -> np.ndarray:
    """Kilometres on a local plane (equirectangular: within a city, off by well under 1%)."""
    return np.column_stack(
        (
            lon * EARTH_KM_PER_DEGREE * np.cos(np.radians(lat0)),
            lat * EARTH_KM_PER_DEGREE,
        )
    )


@dataclass
class Arcs:
    participant: np.ndarray
    host: np.ndarray
    cost: np.ndarray
    reasons: dict[int, str]


def candidate_arcs(problem: Problem) -> Arcs:
    """Each participant's allowed hosts among the nearest, with the arc cost."""
    n_p, n_h = len(problem.p_lat), len(problem.h_lat)
    reasons: dict[int, str] = {}
    if n_p == 0 or n_h == 0:
        reasons = dict.fromkeys(range(n_p), NO_HOST_IN_REACH)
        empty = np.zeros(0, dtype=np.int64)
        return Arcs(empty, empty, empty, reasons)
    lat0 = float(np.mean(problem.h_lat))
    tree = cKDTree(_xy(problem.h_lat, problem.h_lon, lat0))
    # Look further than the candidates wanted: some near hosts are excluded below.
    k = min(n_h, problem.candidates * 2 + 8)
    dist, idx = tree.query(
        _xy(problem.p_lat, problem.p_lon, lat0), k=k, distance_upper_bound=problem.max_km
    )
    dist = dist.reshape(n_p, k)
    idx = idx.reshape(n_p, k)
    in_reach = idx < n_h
    safe = np.where(in_reach, idx, 0)
    open_ = (problem.h_stays_left > 0) & (problem.h_free.sum(axis=1) > 0)
    allowed = in_reach & open_[safe]
    allowed &= ~problem.p_step_free[:, None] | problem.h_step_free[safe]
    for p, h in problem.excluded:
        if p < n_p:
            allowed[p] &= idx[p] != h
    cost = np.rint(np.where(np.isfinite(dist), dist, 0) * KM_COST).astype(np.int64)
    both = (problem.p_lang[:, None] != 0) & (problem.h_lang[safe] != 0)
    cost += np.where(both & ((problem.p_lang[:, None] & problem.h_lang[safe]) == 0),
                     LANGUAGE_COST, 0)  # fmt: skip
    if problem.variety is not None:
        cost += np.rint(
            VARIETY_COST * problem.variety[problem.p_dept[:, None], problem.h_profile[safe]]
        ).astype(np.int64)
    # Keep the cheapest ``candidates`` allowed arcs of each participant.
    ranked = np.where(allowed, cost, np.iinfo(np.int64).max)
    order = np.argsort(ranked, axis=1, kind="stable")[:, : problem.candidates]
    rows = np.arange(n_p)[:, None]
    keep = allowed[rows, order]
    participant = np.broadcast_to(rows, order.shape)[keep]
    host = idx[rows, order][keep]
    arc_cost = cost[rows, order][keep]
    for none in np.flatnonzero(~keep.any(axis=1)).tolist():
        reasons[none] = ALL_EXCLUDED if in_reach[none].any() else NO_HOST_IN_REACH
    if problem.pins:
        pinned = np.array(sorted(problem.pins), dtype=np.int64)
        drop = np.isin(participant, pinned)
        extra_p, extra_h, extra_c = [], [], []
        for p, h in problem.pins.items():
            reasons.pop(p, None)
            if problem.h_stays_left[h] <= 0 or problem.h_free[h].sum() <= 0:
                reasons[p] = PIN_UNAVAILABLE
                continue
            km = float(
                np.hypot(*(_xy(problem.p_lat[[p]], problem.p_lon[[p]], lat0)
                           - _xy(problem.h_lat[[h]], problem.h_lon[[h]], lat0))[0])
            )  # fmt: skip
            extra_p.append(p)
            extra_h.append(h)
            extra_c.append(round(km * KM_COST))
        participant = np.concatenate([participant[~drop], np.array(extra_p, dtype=np.int64)])
        host = np.concatenate([host[~drop], np.array(extra_h, dtype=np.int64)])
        arc_cost = np.concatenate([arc_cost[~drop], np.array(extra_c, dtype=np.int64)])
    return Arcs(
        participant.astype(np.int64), host.astype(np.int64), arc_cost.astype(np.int64), reasons
    )


def solve(problem: Problem) -> Result:
    """The min-cost flow and, in the same run, the greedy assignment."""
    started = time.perf_counter()
    arcs = candidate_arcs(problem)
    n_p, n_h, n_w = len(problem.p_lat), len(problem.h_lat), problem.weeks
    sink = n_p + 2 * n_h
    flow = min_cost_flow.SimpleMinCostFlow()
    # participant -> host
    pinned = np.zeros(len(arcs.host), dtype=bool)
    if problem.pins:
        pins = np.full(n_p, -1, dtype=np.int64)
        for p, h in problem.pins.items():
            pins[p] = h
        pinned = pins[arcs.participant] == arcs.host
    first = flow.add_arcs_with_capacity_and_unit_cost(
        arcs.participant,
        n_p + arcs.host,
        np.ones(len(arcs.host), dtype=np.int64),
        arcs.cost - PIN_PRIORITY * pinned,
    )
    # participant -> sink (unplaced)
    everyone = np.arange(n_p, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        everyone,
        np.full(n_p, sink, dtype=np.int64),
        np.ones(n_p, dtype=np.int64),
        np.full(n_p, UNPLACED, dtype=np.int64),
    )
    hosts = np.arange(n_h, dtype=np.int64)
    # host -> host' (stays left)
    flow.add_arcs_with_capacity_and_unit_cost(
        n_p + hosts,
        n_p + n_h + hosts,
        np.maximum(problem.h_stays_left, 0).astype(np.int64),
        np.zeros(n_h, dtype=np.int64),
    )
    # host' -> sink, one arc per week with free places
    free = np.maximum(problem.h_free, 0).astype(np.int64)
    week_host, week = np.nonzero(free)
    week_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        n_p + n_h + week_host.astype(np.int64),
        np.full(len(week_host), sink, dtype=np.int64),
        free[week_host, week],
        np.zeros(len(week_host), dtype=np.int64),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_p] = 1
    supplies[sink] = -n_p
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:  # cannot happen: the unplaced arcs make it always feasible
        raise RuntimeError(f"min cost flow: status {status}")
    used = flow.flows(first) if len(arcs.host) else np.zeros(0, dtype=np.int64)
    host_of = np.full(n_p, -1, dtype=np.int64)
    chosen = used > 0
    host_of[arcs.participant[chosen]] = arcs.host[chosen]
    # Weeks: hand each host's flow out over its week arcs.
    week_flow = flow.flows(week_arcs) if len(week_arcs) else np.zeros(0, dtype=np.int64)
    week_of = _weeks(host_of, week_host, week, week_flow, n_w)
    cost = int(arcs.cost[chosen].sum())
    placed = int(chosen.sum())
    reasons = {p: arcs.reasons.get(p, HOSTS_FULL) for p in np.flatnonzero(host_of < 0).tolist()}
    solved = Assignment(
        host_of, week_of, cost, placed, n_p - placed, reasons, time.perf_counter() - started
    )
    return Result(
        flow=solved,
        greedy=greedy(problem, arcs),
        bound=int(flow.optimal_cost())
        - (n_p - placed) * UNPLACED
        + PIN_PRIORITY * int((pinned & chosen).sum()),
        arcs=flow.num_arcs(),
        status="optimal",
    )


def _weeks(host_of, week_host, week, week_flow, n_w) -> np.ndarray:
    week_of = np.full(len(host_of), -1, dtype=np.int64)
    slots: dict[int, list[int]] = {}
    for h, w, f in zip(week_host.tolist(), week.tolist(), week_flow.tolist(), strict=True):
        if f:
            slots.setdefault(h, []).extend([w] * f)
    for p in np.flatnonzero(host_of >= 0).tolist():
        week_of[p] = slots[int(host_of[p])].pop()
    return week_of


def greedy(problem: Problem, arcs: Arcs) -> Assignment:
    """Pins first, then the participants with the fewest candidates, each on their cheapest
    candidate host that still has a stay left and a free week."""
    started = time.perf_counter()
    n_p = len(problem.p_lat)
    order = np.lexsort((arcs.cost, arcs.participant))
    participant, host, cost = arcs.participant[order], arcs.host[order], arcs.cost[order]
    starts = np.searchsorted(participant, np.arange(n_p + 1))
    count = np.diff(starts)
    pinned = np.zeros(n_p, dtype=bool)
    pinned[list(problem.pins)] = True
    sequence = np.lexsort((count, ~pinned))
    stays_left = problem.h_stays_left.astype(np.int64).copy()
    free = np.maximum(problem.h_free, 0).astype(np.int64).copy()
    host_of = np.full(n_p, -1, dtype=np.int64)
    week_of = np.full(n_p, -1, dtype=np.int64)
    total = 0
    for p in sequence.tolist():
        for i in range(starts[p], starts[p + 1]):
            h = host[i]
            if stays_left[h] <= 0:
                continue
            weeks = np.flatnonzero(free[h])
            if not len(weeks):
                continue
            w = weeks[0]
            free[h, w] -= 1
            stays_left[h] -= 1
            host_of[p], week_of[p] = h, w
            total += int(cost[i])
            break
    placed = int((host_of >= 0).sum())
    reasons = {p: arcs.reasons.get(p, HOSTS_FULL) for p in np.flatnonzero(host_of < 0).tolist()}
    return Assignment(
        host_of, week_of, total, placed, n_p - placed, reasons, time.perf_counter() - started
    )
