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

and, for variety within the run, per department d and host profile k with n placements of d
with hosts of k, beyond the department's fair share q = ⌈its participants / profiles offered⌉:

    VARIETY_STEP × max(0, n − q)² / (2q)     (one more costs VARIETY_STEP at twice the share)

That term is convex in a count over many hosts, which a flow cannot carry beside each
participant's own distance (the department-profile groups cross the host groups). So
(:func:`solve`) the problem with that term replaced by its convex hull is solved as one LP
(HiGHS' dual simplex, through SciPy): nearly all its participants come out whole, the few it
splits are placed by a flow on the places left, then single moves; the bound is checked from
the LP's dual prices (:func:`_dual_bound`: a Lagrangian bound, true for any prices). If the
LP does not finish in ``LP_SECONDS``, priced flow passes instead (subgradient steps on a price
per department and profile). Without variety in play the optimum is the bound (an integral
network: gap 0; the tests check it against an assignment solver). The greedy comparison, in
the same run, takes participants in order (pins first, then those with the fewest
candidates) and gives each their cheapest candidate with room.
"""

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy import sparse
from scipy.optimize import linprog
from scipy.spatial import cKDTree

KM_COST = 10
LANGUAGE_COST = 200
VARIETY_COST = 300
#: Variety within a run: a department's placements with hosts of one profile beyond its fair
#: share (its participants over the profiles on offer) cost this much each, twice as much beyond
#: twice the share, and so on (a convex cost in the count; docs/decisions/0035).
VARIETY_STEP = 30
#: Flow passes at most, with the prices of variety updated between them (one pass of
#: 50,000 × 20,000 takes 5 to 10 s here); and the gap to the bound below which no further pass
#: is made. A fixed number, not a time: the same problem gives the same assignment.
PASSES = 8
TOLERANCE = 0.0005
#: A problem of this many participants or more starts its prices from those a one-in-SAMPLE
#: sample of it reaches in SAMPLE_PASSES passes (each a hundredth of a full one's time).
WARM_FROM = 20_000
SAMPLE = 10
SAMPLE_PASSES = 8
#: The convex relaxation (the variety by its convex hull) solved as one LP by HiGHS' dual
#: simplex: at most this long (about 20 s for 50,000 × 20,000 here), else priced flow passes.
LP_SECONDS = 60.0
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
NO_WEEKS_IN_A_ROW = "no_weeks_in_a_row"
#: How the variety within the run was solved: one LP of the convex relaxation (then a flow for
#: the participants it split), or, when that LP ran out of time, priced flow passes.
RELAXATION = "relaxation"
PRICED = "priced"
#: Seconds CP-SAT may spend on one district's long stays.
PIECE_SECONDS = 5.0


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
    # Per participant: consecutive weeks at one host (a mandate longer than one stay); None: 1.
    p_weeks: np.ndarray | None = None
    # Per host: its district (the pieces CP-SAT places long stays in); None: one district.
    h_district: np.ndarray | None = None


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
    bound: int  # the best Lagrangian bound of the passes (a lower bound on any assignment)
    arcs: int
    status: str
    passes: int = 1  # flow passes made
    variety: int = 0  # the part of the flow's cost that is variety within the run
    method: str = PRICED
    long: dict = field(default_factory=dict)  # the long stays' pieces (CP-SAT)
    seconds: dict = field(default_factory=dict)  # where the time went

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


@dataclass
class _Spread:
    """Variety within one run: the (department, profile) pair of each arc, each department's
    fair share of one profile, and the convex cost of the counts."""

    pair: np.ndarray  # per arc
    quota: np.ndarray  # per pair: the department's fair share of a profile
    size: np.ndarray  # per pair: the department's participants
    profiles: int

    def cost(self, counts: np.ndarray) -> np.ndarray:
        """Per pair: nothing up to the fair share, then VARIETY_STEP × e² / (2 × share) for the
        e placements beyond it (one more costs VARIETY_STEP at twice the share)."""
        over = np.maximum(0, counts - self.quota)
        return VARIETY_STEP * over * over // (2 * self.quota)

    def slope(self, counts: np.ndarray) -> np.ndarray:
        """Per pair: what one more placement would cost."""
        return self.cost(counts + 1) - self.cost(counts)

    def least(self, prices: np.ndarray) -> tuple[int, np.ndarray]:
        """Σ over pairs of min over 0 ≤ m ≤ size of cost(m) − price × m (the part of the
        Lagrangian bound the flow does not see), and the m of each pair that gives it (every m
        is tried: a department has at most a few thousand participants)."""
        least, best = self.least_each(prices)
        return int(least.sum()), best

    def least_each(self, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per pair, min over 0 ≤ m ≤ size of cost(m) − price × m and the m that gives it (the
        prices may be fractions: those of the convex relaxation)."""
        least = np.zeros(len(prices), dtype=prices.dtype)
        best = np.zeros(len(prices), dtype=np.int64)
        for size in np.unique(self.size).tolist():
            rows = np.flatnonzero(self.size == size)
            m = np.arange(size + 1, dtype=np.int64)[None, :]
            over = np.maximum(0, m - self.quota[rows, None])
            value = (
                VARIETY_STEP * over * over // (2 * self.quota[rows, None]) - prices[rows, None] * m
            )
            best[rows] = value.argmin(axis=1)
            least[rows] = value.min(axis=1)
        return least, best

    def counts(self, chosen: np.ndarray) -> np.ndarray:
        return np.bincount(self.pair[chosen], minlength=len(self.quota)).astype(np.int64)


def _spread(problem: Problem, arcs: Arcs, shape: tuple[int, int] | None = None) -> _Spread:
    n_h = len(problem.h_lat)
    open_: np.ndarray = (
        (problem.h_stays_left > 0) & (problem.h_free.sum(axis=1) > 0)
        if n_h
        else np.zeros(0, dtype=bool)
    )
    profiles = shape[1] if shape else int(problem.h_profile.max()) + 1 if n_h else 1
    offered = max(1, len(np.unique(problem.h_profile[open_]))) if n_h else 1
    departments = shape[0] if shape else int(problem.p_dept.max()) + 1 if len(problem.p_dept) else 1
    size = np.bincount(problem.p_dept, minlength=departments).astype(np.int64)
    quota = np.maximum(1, -(-size // offered))  # ⌈size / profiles offered⌉
    return _Spread(
        pair=(problem.p_dept[arcs.participant] * profiles + problem.h_profile[arcs.host]).astype(
            np.int64
        ),
        quota=np.repeat(quota, profiles),
        size=np.repeat(size, profiles),
        profiles=profiles,
    )


def solve(problem: Problem) -> Result:
    """The min-cost flow and, in the same run, the greedy assignment.

    Variety within the run is a convex cost on each (department, profile) count, which a flow
    cannot carry beside each participant's own distance (docs/decisions/0035). The problem
    with it replaced by its convex hull is one LP (:func:`solve_relaxed`); its optimum is the
    best bound any prices give, and its assignment nearly whole. When that LP does not finish
    in ``LP_SECONDS``, priced flow passes (:func:`solve_priced`): each solves the flow with a
    price per (department, profile) on the arcs, moved by subgradient steps; each gives an
    assignment (its true cost counted) and a Lagrangian bound, the best of each reported."""
    started = time.perf_counter()
    every = candidate_arcs(problem)
    long = _long_stays(problem, every)
    arcs = long.rest if long else every
    problem_ = long.left if long else problem
    spread = _spread(problem_, arcs)
    timed: dict = {"arcs": round(time.perf_counter() - started, 2), "passes": []}
    relaxed = solve_relaxed(problem_, arcs, spread, timed)
    method = RELAXATION if relaxed is not None else PRICED
    if relaxed is not None:
        best, bound, passes = relaxed
        n_arcs = (
            len(arcs.host) + len(problem_.p_lat) + len(problem_.h_lat)
            + int((problem_.h_free > 0).sum())
        )  # fmt: skip
    else:  # the LP ran out of time: priced flow passes
        begun = time.perf_counter()
        prices = _warm_prices(problem_, spread)
        timed["warm"] = round(time.perf_counter() - begun, 2)
        best, bound, passes, prices, n_arcs = solve_priced(problem_, arcs, spread, prices, timed)
    assert best is not None and bound is not None
    host_of, week_of, total, placed, variety = best
    n_p = len(problem.p_lat)
    if long:
        host_of[long.participants] = long.host
        week_of[long.participants] = long.week
        total += long.cost
        bound += long.bound
        placed = int((host_of >= 0).sum())
    reasons = {p: every.reasons.get(p, HOSTS_FULL) for p in np.flatnonzero(host_of < 0).tolist()}
    if long:
        for p in long.participants[long.host < 0].tolist():
            reasons[p] = every.reasons.get(p, NO_WEEKS_IN_A_ROW)
    solved = Assignment(
        host_of, week_of, total, placed, n_p - placed, reasons, time.perf_counter() - started
    )
    plain = greedy(problem, every)
    short = np.ones(n_p, dtype=bool)
    if long:
        short[long.participants] = False
    plain.cost += int(
        spread.cost(_pairs_of(spread, problem, np.where(short, plain.host, -1))).sum()
    )
    return Result(
        flow=solved,
        greedy=plain,
        bound=min(bound, total),
        arcs=n_arcs,
        status="optimal" if total == min(bound, total) else "within tolerance",
        passes=passes,
        variety=variety,
        method=method,
        long=long.summary if long else {},
        seconds=timed | {"greedy": round(plain.seconds, 2)},
    )


def solve_priced(
    problem_: Problem, arcs: Arcs, spread: _Spread, prices, timed, passes_at_most: int = PASSES
):
    """The flow passes with variety priced (see :func:`solve`): the best assignment (host,
    week, cost, placed, variety), the best bound, the passes made, the last prices and the
    flow's arcs."""
    best: tuple | None = None
    bound = None
    passes = 0
    n_arcs = 0
    length = 1.0
    for passes in range(1, passes_at_most + 1):  # noqa: B007 (the number of passes is reported)
        begun = time.perf_counter()
        host_of, week_of, chosen, lagrangian, n_arcs = _flow(problem_, arcs, prices[spread.pair])
        timed["passes"].append(round(time.perf_counter() - begun, 2))
        counts = spread.counts(chosen)
        variety = int(spread.cost(counts).sum())
        placed = int(chosen.sum())
        if variety:  # each pass's assignment improved by moves: a better one, better steps
            begun = time.perf_counter()
            host_of, week_of, total, variety = _spread_out(problem_, arcs, spread, host_of, week_of)
            timed["moves"] = timed.get("moves", 0) + round(time.perf_counter() - begun, 2)
        else:
            total = int(arcs.cost[chosen].sum())
        if best is None or (placed, -total) > (best[3], -best[2]):
            best = (host_of, week_of, total, placed, variety)
        least, wanted = spread.least(prices)
        found = lagrangian + least
        if bound is not None and found <= bound:
            length /= 2  # no better bound: shorter steps
        bound = found if bound is None else max(bound, found)
        if best[2] - bound <= TOLERANCE * max(1, bound):
            break
        # A subgradient step on the prices (Polyak's length, halved whenever the bound did not
        # improve): up where the flow placed more than the variety's own optimum at these
        # prices would, down where fewer.
        step = counts - wanted
        norm = int((step * step).sum())
        if norm == 0:
            break
        prices = np.maximum(0, prices + np.rint(length * step * (best[2] - found) / norm)).astype(
            np.int64
        )
    assert best is not None and bound is not None
    return best, bound, passes, prices, n_arcs


def _hull(size: int, quota: int) -> tuple[np.ndarray, np.ndarray]:
    """The lower convex hull of one pair's variety cost over the counts 0 … size, as the
    lengths and slopes (rising) of its pieces. The cost is rounded down to whole points, so it
    is a little off convex between its steps; the hull is what any Lagrangian bound sees."""
    m = np.arange(size + 1, dtype=np.int64)
    over = np.maximum(0, m - quota)
    f = (VARIETY_STEP * over * over // (2 * quota)).tolist()
    corners: list[int] = []
    for x in range(size + 1):
        while len(corners) >= 2:
            a, b = corners[-2], corners[-1]
            if (f[b] - f[a]) * (x - a) >= (f[x] - f[a]) * (b - a):
                corners.pop()
            else:
                break
        corners.append(x)
    xs = np.array(corners, dtype=np.int64)
    ys = np.array([f[c] for c in corners], dtype=np.int64)
    return np.diff(xs), np.diff(ys) / np.maximum(1, np.diff(xs))


def _capacity(problem: Problem) -> np.ndarray:
    """Per host: the participants it can still take (a stay left and a free place per week)."""
    return np.minimum(
        np.maximum(problem.h_stays_left, 0), np.maximum(problem.h_free, 0).sum(axis=1)
    ).astype(np.int64)


@dataclass
class _Relaxed:
    """The convex relaxation's optimum: the share of each arc, and its dual prices."""

    x: np.ndarray  # per arc, 0 … 1
    prices: np.ndarray  # per (department, profile) pair
    host_prices: np.ndarray  # per host, ≥ 0
    value: float


def _relaxed(problem: Problem, arcs: Arcs, spread: _Spread, cost: np.ndarray) -> _Relaxed | None:
    """The problem with the variety within the run replaced by its convex hull, as one LP
    solved by HiGHS' dual simplex: Σ cost × x + UNPLACED × unplaced + Σ pieces' slope × length
    used, each participant placed once or unplaced, each host within its capacity, each pair's
    count the sum of its pieces. Its optimum is the best Lagrangian bound any prices can give
    (and nearly all its x are whole: a transportation problem with ~150 side rows). None when
    HiGHS did not finish in LP_SECONDS."""
    n_a = len(arcs.host)
    if n_a == 0:
        return None
    rows_p, p_row = np.unique(arcs.participant, return_inverse=True)
    rows_h, h_row = np.unique(arcs.host, return_inverse=True)
    rows_g, g_row = np.unique(spread.pair, return_inverse=True)
    n_rp, n_rg = len(rows_p), len(rows_g)
    hulls: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
    pieces_row, pieces_len, pieces_slope = [], [], []
    for r, g in enumerate(rows_g.tolist()):
        key = (int(spread.size[g]), int(spread.quota[g]))
        if key not in hulls:
            hulls[key] = _hull(*key)
        lengths, slopes = hulls[key]
        pieces_row.append(np.full(len(lengths), r, dtype=np.int64))
        pieces_len.append(lengths)
        pieces_slope.append(slopes)
    s_row = np.concatenate(pieces_row)
    n_s = len(s_row)
    n_v = n_a + n_rp + n_s
    x_col = np.arange(n_a)
    u_col = n_a + np.arange(n_rp)
    s_col = n_a + n_rp + np.arange(n_s)
    equal = sparse.csr_matrix(
        (
            np.concatenate([np.ones(2 * n_a + n_rp), -np.ones(n_s)]),
            (
                np.concatenate([p_row, np.arange(n_rp), n_rp + g_row, n_rp + s_row]),
                np.concatenate([x_col, u_col, x_col, s_col]),
            ),
        ),
        shape=(n_rp + n_rg, n_v),
    )
    within = sparse.csr_matrix((np.ones(n_a), (h_row, x_col)), shape=(len(rows_h), n_v))
    found = linprog(
        np.concatenate(
            [cost.astype(float), np.full(n_rp, float(UNPLACED)), np.concatenate(pieces_slope)]
        ),
        A_ub=within,
        b_ub=_capacity(problem)[rows_h].astype(float),
        A_eq=equal,
        b_eq=np.concatenate([np.ones(n_rp), np.zeros(n_rg)]),
        bounds=np.column_stack(
            [np.zeros(n_v), np.concatenate([np.ones(n_a + n_rp), np.concatenate(pieces_len)])]
        ),
        method="highs-ds",
        # Presolve finds little to take out of a transportation problem: 15.6 s without it
        # against 19.7 s with it on 50,000 × 20,000 (alternated, load 3-4).
        options={"time_limit": LP_SECONDS, "presolve": False},
    )
    if found.status != 0:
        return None
    prices = np.zeros(len(spread.quota))
    prices[rows_g] = -found.eqlin.marginals[n_rp:]
    host_prices = np.zeros(len(problem.h_lat))
    host_prices[rows_h] = np.maximum(0.0, -found.ineqlin.marginals)
    return _Relaxed(found.x[:n_a], prices, host_prices, float(found.fun))


def _dual_bound(
    problem: Problem,
    arcs: Arcs,
    spread: _Spread,
    cost: np.ndarray,
    prices: np.ndarray,
    host_prices: np.ndarray,
) -> int:
    """A lower bound on Σ cost + UNPLACED × unplaced + variety over every assignment, for any
    prices per pair and any host prices ≥ 0 (the pairs' counts and the hosts' capacities
    relaxed): Σ per participant of min(UNPLACED, its cheapest arc with both prices added)
    − Σ host price × capacity + Σ per pair of min over 0 ≤ m ≤ size of variety(m) − price × m.
    Checked here, in exact terms, rather than taken from the LP solver's tolerances; with
    the LP's duals it equals the LP's optimum."""
    cheapest = np.full(len(problem.p_lat), float(UNPLACED))
    np.minimum.at(cheapest, arcs.participant, cost + prices[spread.pair] + host_prices[arcs.host])
    least, _m = spread.least_each(prices)
    found = (
        math.fsum(cheapest.tolist())
        - math.fsum((host_prices * _capacity(problem)).tolist())
        + math.fsum(least.tolist())
    )
    # Rounding in the sums above is far below a hundredth of a point; costs are whole points.
    return math.ceil(found - 0.01)


def _weeks_at(problem: Problem, host_of: np.ndarray) -> np.ndarray:
    """A week for each placed participant, its host's free places handed out in week order."""
    free = np.maximum(problem.h_free, 0).astype(np.int64)
    week_host, week = np.nonzero(free)
    places = free[week_host, week]
    taking = np.bincount(host_of[host_of >= 0], minlength=len(free))
    before = np.cumsum(places) - places
    starts = np.searchsorted(week_host, np.arange(len(free)))
    before -= before[starts[week_host]] if len(week_host) else 0
    given = np.clip(taking[week_host] - before, 0, places)
    return _weeks(host_of, week_host, week, given, problem.weeks)


def _pinned(problem: Problem, arcs: Arcs) -> np.ndarray:
    """Per arc, whether it is its participant's pin."""
    if not problem.pins:
        return np.zeros(len(arcs.host), dtype=bool)
    pins = np.full(len(problem.p_lat), -1, dtype=np.int64)
    for p, h in problem.pins.items():
        pins[p] = h
    return pins[arcs.participant] == arcs.host


def solve_relaxed(problem_: Problem, arcs: Arcs, spread: _Spread, timed: dict):
    """The convex relaxation (:func:`_relaxed`) and an assignment from it: the participants
    it placed whole stay where it put them; the few it split between hosts are placed by a
    flow on the places left (the relaxation's prices on their arcs); then the single moves.
    The bound is :func:`_dual_bound` at the relaxation's duals. Returns None when the LP did
    not finish; else the best (host, week, cost, placed, variety), the bound and the flow
    passes made (0 or 1)."""
    n_p = len(problem_.p_lat)
    cost = arcs.cost - PIN_PRIORITY * _pinned(problem_, arcs)
    begun = time.perf_counter()
    relaxed = _relaxed(problem_, arcs, spread, cost)
    timed["lp"] = round(time.perf_counter() - begun, 2)
    if relaxed is None:
        return None
    begun = time.perf_counter()
    whole = relaxed.x > 1 - 1e-6
    host_of = np.full(n_p, -1, dtype=np.int64)
    host_of[arcs.participant[whole]] = arcs.host[whole]
    split = np.unique(arcs.participant[(relaxed.x > 1e-6) & ~whole])
    split = split[host_of[split] < 0]
    passes = 0
    if len(split):
        left = np.maximum(
            0,
            _capacity(problem_) - np.bincount(host_of[host_of >= 0], minlength=len(problem_.h_lat)),
        )
        free = np.zeros_like(problem_.h_free)
        free[:, 0] = left
        theirs = np.isin(arcs.participant, split)
        mine = Arcs(arcs.participant[theirs], arcs.host[theirs], arcs.cost[theirs], {})
        found = _flow(
            replace(problem_, h_stays_left=left, h_free=free),
            mine,
            np.rint(relaxed.prices[spread.pair[theirs]]).astype(np.int64),
        )
        host_of[split] = found[0][split]
        passes = 1
    week_of = _weeks_at(problem_, host_of)
    host_of, week_of, total, variety = _spread_out(problem_, arcs, spread, host_of, week_of)
    placed = int((host_of >= 0).sum())
    chosen_pins = sum(1 for p, h in problem_.pins.items() if host_of[p] == h)
    bound = (
        _dual_bound(problem_, arcs, spread, cost, relaxed.prices, relaxed.host_prices)
        - UNPLACED * (n_p - placed)
        + PIN_PRIORITY * chosen_pins
    )
    timed["rounding"] = round(time.perf_counter() - begun, 2)
    return (host_of, week_of, total, placed, variety), bound, passes


def _warm_prices(problem: Problem, spread: _Spread) -> np.ndarray:
    """Prices to start from: on a large problem, those a one-in-``SAMPLE`` sample of its
    participants and hosts (the same choice of hosts per participant) reaches in
    ``SAMPLE_PASSES`` quick passes; on a small one, none."""
    n_p, n_h = len(problem.p_lat), len(problem.h_lat)
    zero = np.zeros(len(spread.quota), dtype=np.int64)
    if n_p < WARM_FROM or not n_h:
        return zero
    ps, hs = np.arange(0, n_p, SAMPLE), np.arange(0, n_h, SAMPLE)
    sample = replace(
        problem,
        p_lat=problem.p_lat[ps], p_lon=problem.p_lon[ps], p_dept=problem.p_dept[ps],
        p_lang=problem.p_lang[ps], p_step_free=problem.p_step_free[ps],
        h_lat=problem.h_lat[hs], h_lon=problem.h_lon[hs], h_profile=problem.h_profile[hs],
        h_lang=problem.h_lang[hs], h_step_free=problem.h_step_free[hs],
        h_stays_left=problem.h_stays_left[hs], h_free=problem.h_free[hs],
        excluded=set(), pins={}, p_weeks=None,
        h_district=None if problem.h_district is None else problem.h_district[hs],
    )  # fmt: skip
    small = candidate_arcs(sample)
    shape = (len(spread.quota) // spread.profiles, spread.profiles)
    found = solve_priced(
        sample, small, _spread(sample, small, shape), zero, {"passes": []}, SAMPLE_PASSES
    )
    return found[3]


def _spread_out(problem: Problem, arcs: Arcs, spread: _Spread, host_of, week_of):
    """Moves that lower the true cost: a participant in a (department, profile) pair above its
    fair share goes to another of their candidates with a stay and a week still free, where
    the variety saved is more than the distance added; until no move helps (a few rounds).
    Returns the host, week, cost and variety after the moves."""
    host_of, week_of = host_of.copy(), week_of.copy()
    placed = np.flatnonzero(host_of >= 0)
    free = np.maximum(problem.h_free, 0).astype(np.int64).copy()
    np.subtract.at(free, (host_of[placed], week_of[placed]), 1)
    stays_left = problem.h_stays_left.astype(np.int64).copy()
    np.subtract.at(stays_left, host_of[placed], 1)
    room = ((stays_left > 0) & (free.max(axis=1) > 0)).tolist() if len(free) else []
    order = np.argsort(arcs.participant, kind="stable")
    host, cost = arcs.host[order].tolist(), arcs.cost[order].tolist()
    starts = np.searchsorted(arcs.participant[order], np.arange(len(problem.p_lat) + 1)).tolist()
    base = (problem.p_dept * spread.profiles).tolist()
    profile = problem.h_profile.tolist()
    quota = spread.quota.tolist()
    counts = _pairs_of(spread, problem, host_of).tolist()
    pinned = set(problem.pins)
    where = host_of.tolist()

    def pair_cost(pair: int, n: int) -> int:  # as _Spread.cost: 30 e² / 2q rounded down
        over = max(0, n - quota[pair])
        return VARIETY_STEP * over * over // (2 * quota[pair])

    def slope(pair: int, n: int) -> int:  # what the (n+1)-th placement of the pair costs
        return pair_cost(pair, n + 1) - pair_cost(pair, n)

    for _round in range(3):
        moved = 0
        for p in placed.tolist():
            h0 = where[p]
            pair0 = base[p] + profile[h0]
            if p in pinned or counts[pair0] <= quota[pair0]:
                continue
            saved = slope(pair0, counts[pair0] - 1)
            arcs_p = range(starts[p], starts[p + 1])
            here = next(cost[i] for i in arcs_p if host[i] == h0)
            best_gain, best_h = 0, -1
            for i in arcs_p:
                h = host[i]
                pair1 = base[p] + profile[h]
                if h == h0 or pair1 == pair0 or not room[h]:
                    continue
                gain = saved - slope(pair1, counts[pair1]) - (cost[i] - here)
                if gain > best_gain:
                    best_gain, best_h = gain, h
            if best_h < 0:
                continue
            w1 = int(np.flatnonzero(free[best_h])[0])
            free[h0, week_of[p]] += 1
            stays_left[h0] += 1
            room[h0] = True
            free[best_h, w1] -= 1
            stays_left[best_h] -= 1
            room[best_h] = bool(stays_left[best_h] > 0 and free[best_h].max() > 0)
            counts[pair0] -= 1
            counts[base[p] + profile[best_h]] += 1
            where[p] = best_h
            host_of[p], week_of[p] = best_h, w1
            moved += 1
        if not moved:
            break
    distance = 0
    for p in placed.tolist():
        distance += next(cost[i] for i in range(starts[p], starts[p + 1]) if host[i] == where[p])
    variety = int(spread.cost(np.array(counts, dtype=np.int64)).sum())
    return host_of, week_of, distance + variety, variety


def _pairs_of(spread: _Spread, problem: Problem, host_of: np.ndarray) -> np.ndarray:
    placed = np.flatnonzero(host_of >= 0)
    pair = problem.p_dept[placed] * spread.profiles + problem.h_profile[host_of[placed]]
    return np.bincount(pair, minlength=len(spread.quota)).astype(np.int64)


def _flow(problem: Problem, arcs: Arcs, prices: np.ndarray):
    """One min-cost flow with ``prices`` added to the arcs p→h: each participant's host and
    week (-1: unplaced), which arcs were used, and the optimum less the big numbers (the
    unplaced and the pins' priority): Σ of (cost + price) over the arcs used."""
    n_p, n_h, n_w = len(problem.p_lat), len(problem.h_lat), problem.weeks
    sink = n_p + 2 * n_h
    flow = min_cost_flow.SimpleMinCostFlow()
    # participant -> host
    pinned = _pinned(problem, arcs)
    first = flow.add_arcs_with_capacity_and_unit_cost(
        arcs.participant,
        n_p + arcs.host,
        np.ones(len(arcs.host), dtype=np.int64),
        arcs.cost + prices - PIN_PRIORITY * pinned,
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
    placed = int(chosen.sum())
    lagrangian = (
        int(flow.optimal_cost())
        - (n_p - placed) * UNPLACED
        + PIN_PRIORITY * int((pinned & chosen).sum())
    )
    return host_of, week_of, chosen, lagrangian, flow.num_arcs()


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
    span = problem.p_weeks if problem.p_weeks is not None else np.ones(n_p, dtype=np.int64)
    for p in sequence.tolist():
        length = int(span[p])
        for i in range(starts[p], starts[p + 1]):
            h = host[i]
            if stays_left[h] <= 0:
                continue
            weeks = _blocks(free[h], length)
            if not len(weeks):
                continue
            w = weeks[0]
            free[h, w : w + length] -= 1
            stays_left[h] -= 1
            host_of[p], week_of[p] = h, w
            total += int(cost[i])
            break
    placed = int((host_of >= 0).sum())
    reasons = {
        p: arcs.reasons.get(p, HOSTS_FULL if span[p] == 1 else NO_WEEKS_IN_A_ROW)
        for p in np.flatnonzero(host_of < 0).tolist()
    }
    return Assignment(
        host_of, week_of, total, placed, n_p - placed, reasons, time.perf_counter() - started
    )


def _blocks(free: np.ndarray, length: int) -> np.ndarray:
    """The weeks from which ``length`` weeks in a row all have a free place."""
    if length <= 1:
        return np.flatnonzero(free > 0)
    ok = (free > 0).astype(np.int64)
    if len(ok) < length:
        return np.zeros(0, dtype=np.int64)
    window = np.convolve(ok, np.ones(length, dtype=np.int64), mode="valid")
    return np.flatnonzero(window == length)


@dataclass
class _Long:
    """The long stays, placed first by CP-SAT per district, and what they leave the flow."""

    participants: np.ndarray
    host: np.ndarray
    week: np.ndarray
    cost: int
    bound: int
    rest: Arcs  # the arcs of everyone else
    left: Problem  # the problem with the long stays' weeks and stays taken off the hosts
    summary: dict


def _long_stays(problem: Problem, arcs: Arcs) -> _Long | None:
    """Participants whose mandate needs several weeks in a row at one host: a side rule a flow
    cannot express (one unit of flow cannot take a place in several week arcs at once). Solved
    by CP-SAT in pieces, one per district (each participant in the district of their cheapest
    candidate), one after the other, each on the places the earlier ones left: a boolean per
    (participant, candidate host, first week)
    whose weeks all have a free place; at most one per participant; each week's places and the
    host's stays left; most placed first, then least cost. Returns None when there are none."""
    from ortools.sat.python import cp_model

    if problem.p_weeks is None or not (problem.p_weeks > 1).any():
        return None
    started = time.perf_counter()
    span = problem.p_weeks
    n_h = len(problem.h_lat)
    district = (
        problem.h_district if problem.h_district is not None else np.zeros(n_h, dtype=np.int64)
    )
    longs = np.flatnonzero(span > 1)
    is_long = np.zeros(len(problem.p_lat), dtype=bool)
    is_long[longs] = True
    mine = is_long[arcs.participant]
    lp, lh, lc = arcs.participant[mine], arcs.host[mine], arcs.cost[mine]
    first = np.full(len(problem.p_lat), -1, dtype=np.int64)
    order = np.lexsort((lc, lp))
    seen = np.r_[True, lp[order][1:] != lp[order][:-1]] if len(order) else np.zeros(0, bool)
    first[lp[order][seen]] = lh[order][seen]
    piece_of = np.where(first >= 0, district[np.maximum(first, 0)], -1)
    free = np.maximum(problem.h_free, 0).astype(np.int64).copy()
    stays_left = problem.h_stays_left.astype(np.int64).copy()
    host_of = np.full(len(longs), -1, dtype=np.int64)
    week_of = np.full(len(longs), -1, dtype=np.int64)
    index = {int(p): i for i, p in enumerate(longs.tolist())}
    cost = bound = 0
    pieces = optimal = 0
    for piece in np.unique(piece_of[longs][piece_of[longs] >= 0]).tolist():
        here = piece_of[lp] == piece
        model = cp_model.CpModel()
        chosen: list[tuple[int, int, int, int, cp_model.IntVar]] = []
        for p, h, c in zip(lp[here].tolist(), lh[here].tolist(), lc[here].tolist(), strict=True):
            if stays_left[h] <= 0:
                continue
            for w in _blocks(free[h], int(span[p])).tolist():
                chosen.append((p, h, w, c, model.new_bool_var(f"x{p}_{h}_{w}")))
        if not chosen:
            continue
        by_p: dict[int, list] = {}
        by_hw: dict[tuple[int, int], list] = {}
        by_h: dict[int, list] = {}
        for p, h, w, _c, x in chosen:
            by_p.setdefault(p, []).append(x)
            by_h.setdefault(h, []).append(x)
            for week in range(w, w + int(span[p])):
                by_hw.setdefault((h, week), []).append(x)
        for xs in by_p.values():
            model.add_at_most_one(xs)
        for (h, week), xs in by_hw.items():
            if len(xs) > free[h, week]:
                model.add(sum(xs) <= int(free[h, week]))
        for h, xs in by_h.items():
            if len(xs) > stays_left[h]:
                model.add(sum(xs) <= int(stays_left[h]))
        model.minimize(sum((c - UNPLACED) * x for _p, _h, _w, c, x in chosen))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = PIECE_SECONDS
        solver.parameters.num_workers = 2
        status = solver.solve(model)
        pieces += 1
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        optimal += status == cp_model.OPTIMAL
        placed_here = 0
        for p, h, w, c, x in chosen:
            if solver.value(x):
                i = index[p]
                host_of[i], week_of[i] = h, w
                free[h, w : w + int(span[p])] -= 1
                stays_left[h] -= 1
                cost += c
                placed_here += 1
        # The piece's bound on its cost, for as many placed as it placed.
        bound += int(np.ceil(solver.best_objective_bound)) + UNPLACED * placed_here
    rest = ~is_long[arcs.participant]
    left = replace(problem, h_free=free, h_stays_left=stays_left, pins={
        p: h for p, h in problem.pins.items() if not is_long[p]
    })  # fmt: skip
    return _Long(
        participants=longs,
        host=host_of,
        week=week_of,
        cost=cost,
        bound=min(bound, cost),
        rest=Arcs(arcs.participant[rest], arcs.host[rest], arcs.cost[rest], arcs.reasons),
        left=left,
        summary={
            "participants": len(longs),
            "placed": int((host_of >= 0).sum()),
            "pieces": pieces,
            "optimal_pieces": optimal,
            "cost": cost,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
