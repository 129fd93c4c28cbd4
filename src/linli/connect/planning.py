"""A programme's matching run: the problem read from the database, solved (``matching``), and
its stays written (docs/decisions/0035).

Stays the hosts have confirmed, and those begun or done, are kept: their participants are not
placed again and their places are taken off the hosts' capacity. The other live stays of
earlier runs are replaced by this run's. A household whose consent to host was withdrawn is
not a host.
"""

import time
from collections import Counter, defaultdict
from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import Q

from linli.communities.models import Consent
from linli.communities.selectors import consenting_household_ids
from linli.core import audit

from . import matching, rules
from .limits import CANDIDATES
from .models import Host, MatchRun, Pairing, Participant, Programme, Stay


def _mask(languages: str, bits: dict[str, int]) -> int:
    mask = 0
    for language in filter(None, languages.split(",")):
        mask |= 1 << bits.setdefault(language, len(bits) % 62)
    return mask


def build(programme: Programme):
    """The :class:`matching.Problem` of a programme, with the rows behind its indices."""
    kept = list(
        Stay.objects.filter(programme=programme, status__in=rules.KEPT).values_list(
            "participant_id", "host_id", "week", "days_planned"
        )
    )
    kept_participants = {p for p, _, _, _ in kept}
    participants = list(
        Participant.objects.filter(programme=programme)
        .exclude(pk__in=kept_participants)
        .order_by("pk")
        .values_list(
            "pk", "latitude", "longitude", "department", "languages", "needs_step_free",
            "new_staff",
        )
    )  # fmt: skip
    hosts_q = Host.objects.filter(programme=programme, active=True, kind__in=programme.kinds)
    hosts_q = hosts_q.filter(
        Q(household__isnull=True)
        | Q(household_id__in=consenting_household_ids(Consent.Purpose.CONNECT_HOST))
    )
    hosts = list(
        hosts_q.order_by("pk").values_list(
            "pk", "latitude", "longitude", "profile", "languages", "step_free", "capacity",
            "stays_per_year", "available_weeks", "kind", "household_id", "supplier_id",
            "leader_id", "district",
        )
    )  # fmt: skip
    p_index = {row[0]: i for i, row in enumerate(participants)}
    h_index = {row[0]: i for i, row in enumerate(hosts)}
    bits: dict[str, int] = {}
    departments = sorted({row[3] for row in participants})
    d_index = {name: i for i, name in enumerate(departments)}
    profiles = list(Host.Profile.values)
    weeks = programme.weeks
    free = np.zeros((len(hosts), weeks), dtype=np.int64)
    stays_left = np.zeros(len(hosts), dtype=np.int64)
    for i, row in enumerate(hosts):
        available = row[8] or list(range(weeks))
        for w in available:
            if 0 <= w < weeks:
                free[i, w] = row[6]
        stays_left[i] = row[7]
    for _, host_id, week, days in kept:
        if host_id in h_index:
            span = rules.weeks_spanned(days, programme.stay_days)
            for w in range(week, min(weeks, week + span)):
                if w >= 0:
                    free[h_index[host_id], w] -= 1
            stays_left[h_index[host_id]] -= 1
    np.maximum(free, 0, out=free)
    excluded: set[tuple[int, int]] = set()
    pins: dict[int, int] = {}
    for participant_id, host_id, rule in Pairing.objects.filter(
        participant__programme=programme
    ).values_list("participant_id", "host_id", "rule"):
        if participant_id not in p_index or host_id not in h_index:
            continue
        pair = (p_index[participant_id], h_index[host_id])
        if rule == Pairing.Rule.FORBID:
            excluded.add(pair)
        else:
            pins[pair[0]] = pair[1]
    # No repeat host within the years: earlier programmes' stays, matched by staff number and
    # by the host's household, farm or shop.
    since = programme.year - programme.no_repeat_years + 1
    staff = {row[0]: None for row in participants}
    staff_no = dict(
        Participant.objects.filter(pk__in=staff).values_list("pk", "staff_no").order_by()
    )
    by_staff = {number: p_index[pk] for pk, number in staff_no.items()}
    host_keys = {f"{r[9]}:{r[10] or r[11] or r[12]}": h_index[r[0]] for r in hosts}
    history: dict[str, Counter[str]] = defaultdict(Counter)
    earlier = (
        Stay.objects.filter(
            programme__year__gte=since,
            status=Stay.Status.CHECKED_OUT,
        )
        .exclude(programme=programme)
        .values_list(
            "participant__staff_no", "participant__department", "host__kind",
            "host__household_id", "host__supplier_id", "host__leader_id", "host__profile",
        )
        .order_by()
    )  # fmt: skip
    for number, department, kind, household, supplier, leader, profile in earlier.iterator():
        key = f"{kind}:{household or supplier or leader}"
        if number in by_staff and key in host_keys:
            excluded.add((by_staff[number], host_keys[key]))
        history[department][profile] += 1
    variety = np.zeros((max(1, len(departments)), len(profiles)))
    for department, counts in history.items():
        if department in d_index:
            total = sum(counts.values())
            for profile, count in counts.items():
                variety[d_index[department], profiles.index(profile)] = count / total
    districts: dict[str, int] = {}
    problem = matching.Problem(
        weeks=weeks,
        max_km=float(programme.max_distance_km),
        candidates=CANDIDATES,
        p_lat=np.array([r[1] for r in participants], dtype=float),
        p_lon=np.array([r[2] for r in participants], dtype=float),
        p_dept=np.array([d_index[r[3]] for r in participants], dtype=np.int64),
        p_lang=np.array([_mask(r[4], bits) for r in participants], dtype=np.int64),
        p_step_free=np.array([r[5] for r in participants], dtype=bool),
        h_lat=np.array([r[1] for r in hosts], dtype=float),
        h_lon=np.array([r[2] for r in hosts], dtype=float),
        h_profile=np.array([profiles.index(r[3]) for r in hosts], dtype=np.int64),
        h_lang=np.array([_mask(r[4], bits) for r in hosts], dtype=np.int64),
        h_step_free=np.array([r[5] for r in hosts], dtype=bool),
        h_stays_left=stays_left,
        h_free=free,
        excluded=excluded,
        pins=pins,
        variety=variety,
        p_weeks=np.array(
            [rules.weeks_needed(programme, new_staff=bool(r[6])) for r in participants],
            dtype=np.int64,
        ),
        h_district=np.array([districts.setdefault(r[13], len(districts)) for r in hosts],
                            dtype=np.int64),
    )  # fmt: skip
    return problem, [r[0] for r in participants], [r[0] for r in hosts]


def _summary(assignment: matching.Assignment) -> dict:
    return {
        "cost": assignment.cost,
        "placed": assignment.placed,
        "unplaced": assignment.unplaced,
        "seconds": round(assignment.seconds, 3),
        "reasons": dict(Counter(assignment.reasons.values())),
    }


def run(*, actor, programme: Programme) -> MatchRun:
    """Solve and write: the stays of this run replace the unconfirmed ones of earlier runs."""
    started = time.perf_counter()
    problem, participant_ids, host_ids = build(programme)
    newcomers = set(
        Participant.objects.filter(programme=programme, new_staff=True).values_list("pk", flat=True)
    )
    result = matching.solve(problem)
    flow = result.flow
    unplaced = [
        {"participant": participant_ids[p], "reason": reason}
        for p, reason in sorted(flow.reasons.items())
    ]
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        replaced = dict(
            Stay.objects.filter(programme=programme, status=Stay.Status.SCHEDULED).values_list(
                "participant_id", "pk"
            )
        )
        Stay.objects.filter(pk__in=replaced.values()).delete()
        report = {
            "flow": _summary(flow),
            "greedy": _summary(result.greedy),
            "gap": result.gap,
            "greedy_gap": result.greedy_gap,
            "arcs": result.arcs,
            "passes": result.passes,
            "method": result.method,
            "variety": result.variety,
            "long": result.long,
            "kept": Stay.objects.filter(programme=programme, status__in=rules.KEPT).count(),
            "unplaced": unplaced[:1000],
        }
        match = MatchRun.objects.create(
            programme=programme,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            cost=flow.cost,
            bound=result.bound,
            placed=flow.placed,
            unplaced=flow.unplaced,
            greedy_cost=result.greedy.cost,
            greedy_placed=result.greedy.placed,
            greedy_unplaced=result.greedy.unplaced,
            report=report,
        )
        cancelled = dict(
            Stay.objects.filter(programme=programme, status=Stay.Status.CANCELLED)
            .order_by("participant_id", "-id")
            .values_list("participant_id", "pk")
        )
        stays = []
        for p in np.flatnonzero(flow.host >= 0).tolist():
            week = int(flow.week[p])
            span = int(problem.p_weeks[p]) if problem.p_weeks is not None else 1
            participant_id = participant_ids[p]
            earlier = cancelled.get(participant_id)
            stays.append(
                Stay(
                    programme=programme,
                    participant_id=participant_id,
                    host_id=host_ids[int(flow.host[p])],
                    week=week,
                    starts_on=rules.week_start(programme.starts_on, week),
                    days_planned=rules.days_planned(
                        programme, span, new_staff=participant_id in newcomers
                    ),
                    run=match,
                    replaces_id=earlier
                    if earlier and not Stay.objects.filter(replaces_id=earlier).exists()
                    else None,
                )
            )
        Stay.objects.bulk_create(stays, batch_size=2000)
        match.seconds = time.perf_counter() - started
        match.save(update_fields=["seconds"])
        audit.record(
            actor=actor,
            action="connect.matched",
            target=match,
            data={"placed": flow.placed, "unplaced": flow.unplaced, "cost": flow.cost},
        )
    return match


def today_week(programme: Programme, today: date) -> int:
    return (today - programme.starts_on).days // 7
