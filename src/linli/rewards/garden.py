"""A household's green energy and trees, as its energy page and ``GET /api/rewards/energy``
read them: energy ready to collect and still to come, what each pickup avoided, its tree and
its building's. Every member's energy page asks it, so its reads are written out, three
statements whatever the history (decisions 0008 and 0015)."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection
from django.utils import timezone

from linli.communities.models import Household
from linli.core.rows import Picked, moment
from linli.groupbuys.models import Order

from . import rules
from .limits import HISTORY
from .models import EnergyDrop, PlantingBatch, Species, Tree
from .services import book

_DROP, _ORDER = Picked(EnergyDrop, "e"), Picked(Order, "o")
_TREE, _SPECIES, _BATCH = Picked(Tree, "t"), Picked(Species, "s"), Picked(PlantingBatch, "b")
#: A drop's columns, in the order of :class:`Drop`'s fields after its id.
_DROP_FIELDS = (
    "source",
    "order",
    "avoided_g",
    "grams",
    "earned_at",
    "appears_at",
    "lapses_at",
    "collected_at",
    "lapsed_at",
)


@dataclass(frozen=True, slots=True)
class Drop:
    """Energy one pickup (or green action) earned, and what became of it."""

    pk: int
    source: str
    order_id: int | None
    avoided_g: int
    grams: int
    earned_at: datetime
    appears_at: datetime
    lapses_at: datetime
    collected_at: datetime | None
    lapsed_at: datetime | None
    order_seq: int | None


@dataclass
class Energy:
    household_id: int
    balance: int
    ready: list[Drop]
    coming: list[Drop]
    recent: list[Drop]
    #: Whether the drops go on beyond ``recent`` (the page links to the earlier ones).
    more: bool
    ready_g: int
    tree: Tree | None
    shared_tree: Tree | None
    grown: list[Tree]
    stage: int
    shared_stage: int


READY, COMING, RECENT = 1, 2, 3
GROWING, SHARED, GROWN = 1, 2, 3


def energy(
    household_id: int, *, now: datetime | None = None, lines: int = HISTORY, skip: int = 0
) -> Energy:
    """Energy ready to collect (a tap), energy still to appear, ``lines`` drops with the CO₂
    each pickup avoided (newest first, after skipping ``skip``), and the household's trees."""
    now = now or timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    drops: dict[int, list[Drop]] = {READY: [], COMING: [], RECENT: []}
    trees: dict[int, list[Tree]] = {GROWING: [], SHARED: [], GROWN: []}
    with connection.cursor() as cursor:
        cursor.execute(
            _drops_sql(), [at, at, household_id, at, household_id, household_id, lines + 1, skip]
        )
        for part, pk, *values, seq in cursor.fetchall():
            times = [moment(value) for value in values[4:]]
            drops[part].append(Drop(pk, *values[:4], *times, seq))  # type: ignore[arg-type]
        cursor.execute(_trees_sql(), [household_id] * 4)
        for part, *row in cursor.fetchall():
            tree, rest = _TREE.build(row)
            tree.species, rest = _SPECIES.build(rest)  # type: ignore[union-attr]
            tree.batch, _ = _BATCH.build(rest)  # type: ignore[union-attr]
            trees[part].append(tree)  # type: ignore[arg-type]
    tree = trees[GROWING][0] if trees[GROWING] else None
    shared = trees[SHARED][0] if trees[SHARED] else None
    return Energy(
        household_id=household_id,
        balance=book.energy_of(household_id),
        ready=drops[READY],
        coming=drops[COMING],
        recent=drops[RECENT][:lines],
        more=len(drops[RECENT]) > lines,
        ready_g=sum(d.grams for d in drops[READY]),
        tree=tree,
        shared_tree=shared,
        grown=trees[GROWN],
        stage=rules.stage(tree.energy_g, tree.species.energy_g) if tree else 0,
        shared_stage=rules.stage(shared.energy_g, shared.species.energy_g) if shared else 0,
    )


@cache
def _drops_sql() -> str:
    """Ready (parameters: now, now, household), coming (now, household) and recent
    (household, lines + 1, skip), each in its order, as one ``UNION ALL``."""
    e = _DROP
    picked = ", ".join(e.column(name) for name in _DROP_FIELDS)
    select = (
        f"SELECT %d AS part, e.id, {picked}, {_ORDER.column('seq')} FROM {e.table}"
        f" LEFT JOIN {_ORDER.table} ON o.id = {e.column('order')}"
    )
    ready = (
        f"{select % READY} WHERE {e.column('appears_at')} <= %s AND {e.column('lapses_at')} > %s"
        f" AND {e.column('collected_at')} IS NULL AND {e.column('lapsed_at')} IS NULL"
        f" AND {e.column('grams')} > 0 AND {e.column('household')} = %s"
        f" ORDER BY {e.column('lapses_at')}, e.id LIMIT {HISTORY}"
    )
    coming = (
        f"{select % COMING} WHERE {e.column('appears_at')} > %s AND {e.column('grams')} > 0"
        f" AND {e.column('household')} = %s ORDER BY {e.column('appears_at')}, e.id"
        f" LIMIT {HISTORY}"
    )
    recent = (
        f"{select % RECENT} WHERE {e.column('household')} = %s"
        f" ORDER BY {e.column('earned_at')} DESC, e.id DESC LIMIT %s OFFSET %s"
    )
    return " UNION ALL ".join(
        f"SELECT * FROM ({part}) p{n}" for n, part in enumerate((ready, coming, recent))
    )


@cache
def _trees_sql() -> str:
    """The household's growing tree, its building's, and the grown ones of either (newest
    first, at most HISTORY): parameters household × 4."""
    t, h = _TREE, Picked(Household, "h")
    building = f"(SELECT {h.column('building')} FROM {h.table} WHERE h.id = %s)"
    select = (
        f"SELECT %d AS part, {t.columns}, {_SPECIES.columns}, {_BATCH.columns} FROM {t.table}"
        f" JOIN {_SPECIES.table} ON s.id = {t.column('species')}"
        f" LEFT JOIN {_BATCH.table} ON b.id = {t.column('batch')}"
    )
    growing = (
        f"{select % GROWING} WHERE {t.column('household')} = %s"
        f" AND {t.column('grown_at')} IS NULL ORDER BY {t.column('started_at')} DESC, t.id DESC"
        " LIMIT 1"
    )
    shared = (
        f"{select % SHARED} WHERE {t.column('building')} = {building}"
        f" AND {t.column('grown_at')} IS NULL ORDER BY {t.column('started_at')} DESC, t.id DESC"
        " LIMIT 1"
    )
    grown = (
        f"{select % GROWN} WHERE ({t.column('household')} = %s OR {t.column('building')} ="
        f" {building}) AND {t.column('grown_at')} IS NOT NULL"
        f" ORDER BY {t.column('grown_at')} DESC LIMIT {HISTORY}"
    )
    return " UNION ALL ".join(
        f"SELECT * FROM ({part}) p{n}" for n, part in enumerate((growing, shared, grown))
    )
