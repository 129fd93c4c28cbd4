from ninja import Router
from ninja.pagination import paginate

from linli.accounts.roles import roles
from linli.core.schemas import QueryId, QueryText

from . import selectors
from .schemas import CommunityDetailOut, CommunityOut, HouseholdOut

router = Router(tags=["communities"])


@router.get("/communities", response=list[CommunityOut], summary="Communities I may see")
@paginate
def list_communities(request):
    return selectors.visible_communities(roles(request.auth))


@router.get("/communities/{community_id}", response=CommunityDetailOut)
def get_community(request, community_id: int):
    community = selectors.community_for(roles(request.auth), community_id)
    return {
        **CommunityOut.from_orm(community).model_dump(),
        "buildings": list(community.buildings.all()),
    }


@router.get(
    "/communities/{community_id}/households",
    response=list[HouseholdOut],
    summary="Households of a community I lead (phones masked for leaders)",
)
@paginate
def list_households(
    request, community_id: int, building_id: QueryId | None = None, q: QueryText = ""
):
    who = roles(request.auth)
    community = selectors.community_for(who, community_id)
    return selectors.households_of(who, community, building_id=building_id, query=q[:40])
