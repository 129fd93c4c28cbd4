from datetime import datetime
from typing import Annotated

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


class SupplierOut(Schema):
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
