from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin

from .models import DataCopy, RoomChange


@admin.register(DataCopy)
class DataCopyAdmin(ReadOnlyAdmin):
    """Who asked for a copy and when; never its content (it is the household's)."""

    list_display = ("id", "household", "status", "requested_at", "ready_at", "taken_at")
    list_filter = ("status",)
    exclude = ("stored_as",)


@admin.register(RoomChange)
class RoomChangeAdmin(ReadOnlyAdmin):
    list_display = ("id", "household", "building", "room", "status", "requested_at")
    list_filter = ("status",)
