"""The relationship book in the admin: read only (every change goes through the services,
which audit it)."""

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin

from .models import Interaction, Organisation, Person, Relationship


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "pinyin"]
    search_fields = ["name", "pinyin", "initials"]
    exclude = ["phone", "wechat", "email"]


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "happened_on", "value_fen", "review"]
    list_filter = ["kind", "review"]


@admin.register(Relationship)
class RelationshipAdmin(ReadOnlyAdmin):
    list_display = ["id", "staff", "person", "strength", "strength_on", "cadence_days"]
    raw_id_fields = ["staff", "person"]
