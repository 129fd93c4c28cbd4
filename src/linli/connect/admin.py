"""Consumer connect in the admin: read only (every change goes through the services, which
audit it); hosts shown by their label."""

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin

from .models import Action, Host, Insight, MatchRun, Participant, Programme, Stay


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "year", "starts_on", "weeks", "mandated_days"]
    search_fields = ["name"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["id", "staff_no", "name", "department", "programme"]
    search_fields = ["staff_no", "name", "department"]
    raw_id_fields = ["programme", "user"]


@admin.register(Host)
class HostAdmin(ReadOnlyAdmin):
    list_display = ["id", "label", "kind", "profile", "district", "active"]
    list_filter = ["kind", "profile", "active"]
    search_fields = ["label", "district"]
    exclude = ["household", "supplier", "leader"]


@admin.register(Stay)
class StayAdmin(ReadOnlyAdmin):
    list_display = ["id", "participant", "host", "week", "status", "days_done"]
    list_filter = ["status"]
    raw_id_fields = ["participant", "host", "programme", "run", "replaces"]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "programme", "at", "cost", "bound", "placed", "unplaced", "seconds"]


@admin.register(Insight)
class InsightAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "programme"]
    search_fields = ["title"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "kind", "status", "owner"]
    list_filter = ["status", "kind"]
