from django.contrib import admin

from linli.accounts.roles import roles
from linli.core.admin import AuditedAdmin, OperatorInline

from .looks import record_looks
from .models import Building, Community, Household, Leader, Member


class BuildingInline(OperatorInline):
    model = Building
    extra = 0
    fields = ("name", "position")


@admin.register(Community)
class CommunityAdmin(AuditedAdmin):
    list_display = ("name", "city", "district", "default_pickup_place")
    list_filter = ("city", "district")
    search_fields = ("name", "district", "address")
    inlines = [BuildingInline]


@admin.register(Building)
class BuildingAdmin(AuditedAdmin):
    list_display = ("name", "community", "position")
    list_filter = ("community",)
    search_fields = ("name", "community__name")
    list_select_related = ("community",)
    autocomplete_fields = ("community",)


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin):
    list_display = ("building", "room", "contact_name", "phone", "vulnerable", "vulnerability")
    list_filter = ("vulnerable", "vulnerability", "building__community")
    search_fields = ("room", "contact_name", "phone", "building__name", "building__community__name")
    list_select_related = ("building__community",)
    autocomplete_fields = ("building",)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An operator opening a household reads its phone and address: recorded (who looked,
        decision 0040)."""
        if request.method == "GET" and str(object_id).isdigit():
            record_looks(
                actor=request.user,
                who=roles(request.user),
                household_ids=Household.objects.filter(pk=int(object_id)).values_list(
                    "pk", flat=True
                ),
                what="admin",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    list_display = ("user", "household")
    search_fields = ("user__username", "user__display_name", "household__contact_name")
    list_select_related = ("user", "household__building__community")
    autocomplete_fields = ("user", "household")


@admin.register(Leader)
class LeaderAdmin(AuditedAdmin):
    list_display = ("user", "commission_bp", "active")
    list_filter = ("active",)
    search_fields = ("user__username", "user__display_name")
    filter_horizontal = ("communities",)
    autocomplete_fields = ("user",)
