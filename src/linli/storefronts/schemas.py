from datetime import date, datetime
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import Field, StrictInt

from linli.core.schemas import In, text

from .limits import (
    MAX_CAPTION,
    MAX_COMMENT,
    MAX_MAP_URL,
    MAX_PLACE,
    MAX_SEASON,
    MAX_SHORT,
    MAX_STORY,
    MAX_UPDATE,
)


class StorefrontIn(In):
    place: text(MAX_PLACE, default="")
    map_url: text(MAX_MAP_URL, default="")
    story: text(MAX_STORY, default="")
    story_en: text(MAX_STORY, default="")
    growing: text(MAX_STORY, default="")
    growing_en: text(MAX_STORY, default="")
    certifications: text(MAX_SHORT, default="")


class ProductStoryIn(In):
    growing: text(MAX_SHORT, default="")
    season: text(MAX_SEASON, default="")
    keeping: text(MAX_SHORT, default="")
    preparing: text(MAX_SHORT, default="")
    english: text(MAX_SHORT, default="")


class PhotosIn(In):
    """Sent as a multipart form, with up to three files under ``photos``."""

    product_id: Annotated[int, Field(ge=1, le=2**62)] | None = None
    caption: Annotated[str, Field(max_length=MAX_CAPTION)] = ""


class UpdateIn(In):
    """Sent as a multipart form, with up to three files under ``photos``."""

    text: Annotated[str, Field(min_length=1, max_length=MAX_UPDATE)]


class RatingIn(In):
    stars: Annotated[StrictInt, Field(ge=1, le=5)]
    comment: text(MAX_COMMENT, default="")


def photo_url(photo_id: int) -> str:
    return reverse("storefronts:photo", args=[photo_id])


class StorefrontSupplierOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    followers: int

    @staticmethod
    def resolve_followers(supplier) -> int:
        return supplier.follower_count


class ProductStoryOut(Schema):
    product_id: int
    name: str
    unit: str
    growing: str = ""
    season: str = ""
    keeping: str = ""
    preparing: str = ""
    english: str = ""
    photos: list[str]
    ratings: int
    average_stars: float | None


class UpdateOut(Schema):
    id: int
    text: str
    posted_at: datetime
    photos: list[str]


class StorefrontOut(Schema):
    """A farm's public page: no household is in it, only counts."""

    supplier_id: int
    name: str
    kind: str
    place: str
    map_url: str
    story: str
    story_en: str
    growing: str
    growing_en: str
    certifications: str
    photos: list[str]
    products: list[ProductStoryOut]
    updates: list[UpdateOut]
    followers: int
    following: bool


class PhotoOut(Schema):
    id: int
    url: str
    width: int
    height: int


class FollowOut(Schema):
    supplier_id: int
    following: bool
    followers: int


class RatingOut(Schema):
    product_id: int
    stars: int
    comment: str
    rated_at: datetime


# Presales and help-sell (decision 0038).

Ppm = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
Fen = Annotated[StrictInt, Field(gt=0, le=10_000_000)]
Count_ = Annotated[StrictInt, Field(ge=0, le=1_000_000)]


class PresaleIn(In):
    product_id: Annotated[StrictInt, Field(ge=1, le=2**62)]
    price_fen: Fen
    harvest_on: date
    total: Annotated[StrictInt, Field(ge=1, le=1_000_000)]
    minimum: Annotated[StrictInt, Field(ge=1, le=1_000_000)]


class HarvestIn(In):
    harvested: Count_
    policy: Literal["proportional", "equal", "fcfs"] = "proportional"


class PresaleCommunityOut(Schema):
    group_buy_id: int
    community: str
    status: str
    status_label: str
    ordered: int
    delivered: int | None


class PresaleOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    product_id: int
    product: str
    unit: str
    price_fen: int
    harvest_on: date
    total: int
    left: int
    sold: int
    minimum: int
    status: str
    harvested: int | None
    policy: str
    communities: list[PresaleCommunityOut] = []


class HarvestShareOut(Schema):
    group_buy_id: int
    community_id: int
    ordered: int
    delivered: int


class HarvestOut(Schema):
    presale_id: int
    harvested: int
    sold: int
    policy: str
    shares: list[HarvestShareOut]


class OfferIn(In):
    product_id: Annotated[StrictInt, Field(ge=1, le=2**62)]
    supply_price_fen: Fen
    suggested_price_fen: Fen
    leader_ids: Annotated[list[Annotated[StrictInt, Field(ge=1, le=2**62)]], Field(max_length=50)]
    max_depth: Annotated[StrictInt, Field(ge=1, le=5)] | None = None


class PassOnIn(In):
    to_leader_id: Annotated[StrictInt, Field(ge=1, le=2**62)]
    share_ppm: StrictInt  # checked by the service, which names the bound in the message


class ChainLevelOut(Schema):
    """One level of a chain: who holds it and the share it keeps of the level above."""

    pass_id: int
    leader_id: int
    leader: str
    depth: int
    share_ppm: int
    stopped: bool


class LeaderSoldOut(ChainLevelOut):
    units: int
    sales_fen: int


class OfferOut(Schema):
    """A supplier's offer: its price to leaders, and every leader's level, share and sales."""

    id: int
    product_id: int
    product: str
    supply_price_fen: int
    suggested_price_fen: int
    max_depth: int
    operator_ppm: int
    leaders: list[LeaderSoldOut]


class PassOut(Schema):
    """An offer as the leader holding it sees it: the chain above and its own share, the
    leaders it passed it to, and what its own group buys sold."""

    id: int
    offer_id: int
    product_id: int
    product: str
    supplier: str
    supply_price_fen: int
    suggested_price_fen: int
    depth: int
    max_depth: int
    share_ppm: int
    stopped: bool
    may_pass_on: bool
    chain: list[ChainLevelOut]
    passed_to: list[ChainLevelOut]
    units: int
    sales_fen: int
