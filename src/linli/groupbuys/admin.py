"""Group buys in the admin are for looking, not editing: every change to them goes through the
services (API, command line), which keep stock, numbering and the audit trail right."""

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import GroupBuy, GroupBuyItem, Order, OrderLine, PurchaseOrder, PurchaseOrderLine


class ItemInline(ReadOnlyInline):
    model = GroupBuyItem
    fields = ("product", "price_fen", "stock_initial", "stock_left", "per_household_limit")


class LineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("item", "quantity", "unit_price_fen", "allocated", "picked_up")


class PurchaseOrderLineInline(ReadOnlyInline):
    model = PurchaseOrderLine
    fields = (
        "product",
        "quantity",
        "unit_cost_fen",
        "delivered",
        "allocation_policy",
        "allocated_at",
        "handed_out",
    )


@admin.register(GroupBuy)
class GroupBuyAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "status", "cutoff_at", "pickup_starts_at", "min_to_form")
    list_filter = ("status", "threshold", "community")
    search_fields = ("title", "community__name")
    date_hierarchy = "cutoff_at"
    list_select_related = ("community",)
    inlines = [ItemInline]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "group_buy",
        "seq",
        "household",
        "status",
        "pickup",
        "total_fen",
        "placed_at",
    )
    list_filter = ("status", "pickup")
    search_fields = ("=id", "=pickup_code", "household__contact_name", "household__room")
    list_select_related = ("group_buy", "household__building__community")
    raw_id_fields = ("group_buy", "household", "placed_by")
    inlines = [LineInline]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdmin):
    list_display = ("id", "supplier", "group_buy", "created_at", "delivery_recorded_at")
    list_filter = ("supplier",)
    search_fields = ("=id", "supplier__name", "group_buy__title")
    list_select_related = ("supplier", "group_buy")
    inlines = [PurchaseOrderLineInline]
