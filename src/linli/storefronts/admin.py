"""Storefronts in the admin: read only (every change goes through the services, which check
the photos and audit it)."""

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin

from .models import Follow, Photo, ProductStory, Rating, Storefront, Update


@admin.register(Storefront)
class StorefrontAdmin(ReadOnlyAdmin):
    list_display = ["id", "supplier", "place", "updated_at"]
    search_fields = ["supplier__name", "place"]


@admin.register(ProductStory)
class ProductStoryAdmin(ReadOnlyAdmin):
    list_display = ["id", "product", "season", "updated_at"]


@admin.register(Update)
class UpdateAdmin(ReadOnlyAdmin):
    list_display = ["id", "supplier", "text", "posted_at"]


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdmin):
    list_display = ["id", "supplier", "product", "content_type", "added_at"]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ["id", "supplier", "since"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["id", "product", "stars", "rated_at"]
    exclude = ["household", "rated_by"]
