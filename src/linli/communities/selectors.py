from functools import cache

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Roles
from linli.core.errors import NotFound
from linli.core.rows import Picked

from .models import Building, Community, Consent, Household


class CommunityNotFound(NotFound):
    code = "community_not_found"
    template = _("There is no such community, or it is not yours to see.")


def visible_communities(who: Roles) -> QuerySet[Community]:
    # Explicitly ordered: a model's Meta.ordering is not applied to a GROUP BY query, so pages
    # of this list came in whatever order PostgreSQL chose (found by tests/core/test_paging).
    communities = Community.objects.annotate(building_count=Count("buildings")).order_by(
        "city", "district", "name", "id"
    )
    if who.operator:
        return communities
    scope = Q(pk__in=who.led_community_ids)
    if who.community_id is not None:
        scope |= Q(pk=who.community_id)
    return communities.filter(scope)


def community_for(who: Roles, community_id: int) -> Community:
    community = (
        visible_communities(who).prefetch_related("buildings").filter(pk=community_id).first()
    )
    if community is None:
        raise CommunityNotFound()
    return community


def households_of(who: Roles, community: Community, *, building_id=None, query="") -> QuerySet:
    """A community's households, for its leaders and operators only."""
    if not who.manages(community.pk):
        raise CommunityNotFound()
    households = Household.objects.filter(building__community=community).select_related("building")
    if building_id is not None:
        households = households.filter(building_id=building_id)
    if query:
        households = households.filter(
            Q(room__icontains=query) | Q(contact_name__icontains=query) | Q(phone__endswith=query)
        )
    return households.order_by("building__position", "building__name", "room")


def households_to_order_for(who: Roles, community_id: int) -> list[Household]:
    """Households of the community that the caller may order for besides their own: those a
    leader marked "ordered for by neighbours" (they agreed; they have no phone), each with its
    building. Written out: every member's view of a group-buy page asks it."""
    if not who.sees(community_id):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _neighbours_sql(),
            [community_id, who.household_id or 0, Consent.Purpose.NEIGHBOURS_ORDER],
        )
        rows = cursor.fetchall()
    found = []
    for row in rows:
        household, rest = _HOUSEHOLD.build(row)
        assert household is not None
        household.building = _BUILDING.build(rest)[0]
        found.append(household)
    return found


_HOUSEHOLD, _BUILDING = Picked(Household, "h"), Picked(Building, "b")


@cache
def _neighbours_sql() -> str:
    h, b = _HOUSEHOLD, _BUILDING
    return (
        f"SELECT {h.columns}, {b.columns} FROM {h.table}"
        f" JOIN {b.table} ON b.id = {h.column('building')}"
        f" WHERE {b.column('community')} = %s AND {h.column('neighbours_may_order')}"
        f" AND h.id <> %s AND ({_newest_consent_sql()}) ORDER BY {b.column('position')}, {b.column('name')}, {h.column('room')}"
    )


def _newest_consent_sql() -> str:
    """SQL true when the household ``h``'s newest answer for the purpose (a parameter) is yes."""
    consent = connection.ops.quote_name(Consent._meta.db_table)
    return (
        f"SELECT c.granted FROM {consent} c WHERE c.household_id = h.id AND c.purpose = %s"
        " ORDER BY c.id DESC LIMIT 1"
    )


def has_consent(household_id: int, purpose: str) -> bool:
    """Whether the household's newest choice for ``purpose`` is yes (never asked is no)."""
    newest = (
        Consent.objects.filter(household_id=household_id, purpose=purpose)
        .order_by("-id")
        .values_list("granted", flat=True)
        .first()
    )
    return bool(newest)


def consenting_household_ids(purpose: str) -> QuerySet:
    """The ids of the households whose newest choice for ``purpose`` is yes, as a subquery
    for set-based reads (``household_id__in=consenting_household_ids(...)``)."""
    newest = (
        Consent.objects.filter(household=OuterRef("pk"), purpose=purpose)
        .order_by("-id")
        .values("granted")[:1]
    )
    return Household.objects.annotate(consent=Subquery(newest)).filter(consent=True).values("pk")


def consents_of(household_id: int) -> dict[str, Consent]:
    """Each purpose's newest record for the household (purposes never asked are absent)."""
    newest: dict[str, Consent] = {}
    for consent in Consent.objects.filter(household_id=household_id).order_by("-id"):
        newest.setdefault(consent.purpose, consent)
    return newest
