"""After-sales reports in the admin: shown to operators, never changed there (a decision goes
through the service, which posts the money and audits)."""

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Photo, Report


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["position", "name", "content_type", "size", "width", "height"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "product", "kind", "quantity", "status", "community", "reported_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["product", "community"]
    search_fields = ["note", "reason", "=id", "=order__id"]
    raw_id_fields = [
        "order_line",
        "order",
        "item",
        "household",
        "group_buy",
        "community",
        "supplier",
        "product",
        "reported_by",
        "decided_by",
    ]
    inlines = [PhotoInline]
