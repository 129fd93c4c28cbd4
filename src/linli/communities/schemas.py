from ninja import Schema

from linli.accounts.roles import roles
from linli.core.formatting import mask_phone


class BuildingOut(Schema):
    id: int
    name: str


class CommunityOut(Schema):
    id: int
    name: str
    city: str
    district: str
    address: str
    default_pickup_place: str
    building_count: int


class CommunityDetailOut(CommunityOut):
    buildings: list[BuildingOut]


class HouseholdOut(Schema):
    id: int
    building_id: int
    building: str
    room: str
    contact_name: str
    phone: str
    vulnerable: bool
    vulnerability: str

    @staticmethod
    def resolve_building(household) -> str:
        return household.building.name

    @staticmethod
    def resolve_phone(household, context) -> str:
        """Operators see the number; leaders see 138****1234."""
        if roles(context["request"].auth).operator:
            return household.phone
        return mask_phone(household.phone)
