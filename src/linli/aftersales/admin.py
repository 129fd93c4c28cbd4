from django.contrib import admin

from .models import Photo, Report


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    can_delete = False
    readonly_fields = ("position", "name", "content_type", "size", "width", "height")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "product", "kind", "quantity", "status", "community", "reported_at")
    list_filter = ("status", "kind")
    list_select_related = ("product", "community")
    raw_id_fields = ("order_line", "order", "item", "household", "group_buy", "community")
    raw_id_fields += ("supplier", "product", "reported_by", "decided_by")
    inlines = [PhotoInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # decisions go through the service: it posts the money and audits

    def has_add_permission(self, request) -> bool:
        return False
