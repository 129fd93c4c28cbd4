from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from linli.access import Roles
from linli.core.errors import NotFound

from .models import Community, Household


class CommunityNotFound(NotFound):
    code = "community_not_found"
    template = _("There is no such community, or it is not yours to see.")


def visible_communities(who: Roles) -> QuerySet[Community]:
    communities = Community.objects.annotate(building_count=Count("buildings"))
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


def households_to_order_for(who: Roles, community_id: int) -> QuerySet[Household]:
    """Households of the community that the caller may order for besides their own: those a
    leader marked "ordered for by neighbours" (they agreed; they have no phone)."""
    if not who.sees(community_id):
        return Household.objects.none()
    households = Household.objects.filter(
        building__community_id=community_id, neighbours_may_order=True
    ).select_related("building")
    if who.household_id is not None:
        households = households.exclude(pk=who.household_id)
    return households.order_by("building__position", "building__name", "room")
