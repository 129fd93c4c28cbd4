"""The warmest path from our staff to a person: the shortest path in the graph of who knows
whom, where each edge costs 1 / strength (a strong tie is a short step).

Edges: each relationship of one of our staff with a person (its strength today), and each tie
between two people (a fixed strength by its kind: family closer than an introduction).
Bidirectional Dijkstra from every staff member at once (or from one), with networkx.
"""

import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import networkx as nx
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Sum

from . import rules
from .limits import half_life_days
from .models import Person, Relationship, Tie

#: How strong a tie between two of their people is, by kind (a visit today is 2).
TIES: dict[str, float] = {
    Tie.Kind.FAMILY: 5.0,
    Tie.Kind.COLLEAGUE: 3.0,
    Tie.Kind.CLASSMATE: 3.0,
    Tie.Kind.FRIEND: 3.0,
    Tie.Kind.INTRODUCED_BY: 2.0,
}


#: The start of a search from every staff member at once (never in a stored graph).
EVERYONE = ("everyone", 0)


def staff_node(user_id: int) -> tuple[str, int]:
    return ("staff", user_id)


def person_node(person_id: int) -> tuple[str, int]:
    return ("person", person_id)


def graph_of(
    relationships: Iterable[tuple[int, int, float]], ties: Iterable[tuple[int, int, str]]
) -> nx.Graph:
    """The graph from ``(staff, person, strength)`` and ``(person, other, kind)`` rows; of two
    edges between the same nodes the stronger is kept."""
    graph = nx.Graph()
    for staff, person, value in relationships:
        if value > 0:
            _edge(graph, staff_node(staff), person_node(person), value)
    for person, other, kind in ties:
        _edge(graph, person_node(person), person_node(other), TIES[kind])
    return graph


def _edge(graph: nx.Graph, one, two, value: float) -> None:
    known = graph.get_edge_data(one, two)
    if known is None or known["strength"] < value:
        graph.add_edge(one, two, strength=value, cost=1.0 / value)


def graph(today: date) -> nx.Graph:
    """The whole book's graph as of ``today``."""
    half_life = half_life_days()
    relationships = (
        (staff, person, rules.strength_now(value, on, today, half_life))
        for staff, person, value, on in Relationship.objects.filter(strength__gt=0).values_list(
            "staff_id", "person_id", "strength", "strength_on"
        )
    )
    ties = Tie.objects.values_list("person_id", "other_id", "kind")
    return graph_of(relationships, ties)


@dataclass(frozen=True)
class Step:
    kind: str  # staff or person
    id: int
    strength: float  # of the edge that leads here (0 for the start)


def warmest(
    book: nx.Graph, person_id: int, *, from_staff: int | None = None
) -> tuple[float, list[Step]] | None:
    """The cheapest path to the person (from one staff member, or any), or ``None``."""
    target = person_node(person_id)
    if target not in book:
        return None
    if from_staff is not None:
        if staff_node(from_staff) not in book:
            return None
        return _path(book, staff_node(from_staff), target)
    staff = [node for node in book if node[0] == "staff"]
    if not staff:
        return None
    # From every staff member at once: a start joined to each of them at no cost, so that one
    # bidirectional search (a ball from each end, far fewer nodes than a search from the
    # start alone) finds the cheapest of all; taken away again after.
    book.add_edges_from(((EVERYONE, node) for node in staff), strength=0.0, cost=0.0)
    try:
        found = _path(book, EVERYONE, target)
    finally:
        book.remove_node(EVERYONE)
    if found is None:
        return None
    cost, steps = found
    return cost, [Step(steps[1].kind, steps[1].id, 0.0), *steps[2:]]


def _path(book: nx.Graph, source, target) -> tuple[float, list[Step]] | None:
    try:
        cost, nodes = nx.bidirectional_dijkstra(book, source, target, weight="cost")
    except nx.NetworkXNoPath:
        return None
    steps = [Step(nodes[0][0], nodes[0][1], 0.0)]
    for before, node in itertools.pairwise(nodes):
        steps.append(Step(node[0], node[1], book.edges[before, node]["strength"]))
    return cost, steps


def names(steps: list[Step]) -> dict[tuple[str, int], str]:
    """The names to show for a path's steps."""
    people = dict(
        Person.objects.filter(pk__in=[s.id for s in steps if s.kind == "person"]).values_list(
            "pk", "name"
        )
    )
    users = {
        user.pk: str(user)
        for user in get_user_model()._default_manager.filter(
            pk__in=[s.id for s in steps if s.kind == "staff"]
        )
    }
    return {
        (s.kind, s.id): people.get(s.id, "") if s.kind == "person" else users.get(s.id, "")
        for s in steps
    }


def signature() -> tuple:
    """What changes whenever the book's graph does: a relationship's strength (or its day)
    changes the sum or the newest day, one added or erased the count or the highest id; a tie
    is only ever added or erased with its person. Two aggregate queries, against seconds to
    read the graph."""
    relationships = Relationship.objects.filter(strength__gt=0).aggregate(
        n=Count("id"), top=Max("id"), total=Sum("strength"), on=Max("strength_on")
    )
    ties = Tie.objects.aggregate(n=Count("id"), top=Max("id"))
    return (*relationships.values(), *ties.values())


class _Kept:
    """The last graph read in this process, by day and signature, and the lock searches on it
    take (a search from every staff member adds a start node and takes it away again)."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.graph: nx.Graph | None = None
        self.lock = threading.Lock()


_kept = _Kept()


def warmest_today(
    today: date, person_id: int, *, from_staff: int | None = None
) -> tuple[float, list[Step]] | None:
    """:func:`warmest` on the book as of ``today``, read again only when it has changed."""
    key = (today, signature())
    with _kept.lock:
        if _kept.key != key or _kept.graph is None:
            _kept.graph, _kept.key = graph(today), key
        return warmest(_kept.graph, person_id, from_staff=from_staff)
