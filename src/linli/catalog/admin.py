from django.contrib import admin

from linli.core.admin import AuditedAdmin, OperatorInline

from .models import Product, Supplier


class ProductInline(OperatorInline):
    model = Product
    extra = 0
    fields = ("name", "unit", "spec", "category", "cost_fen", "suggested_price_fen", "active")


@admin.register(Supplier)
class SupplierAdmin(AuditedAdmin):
    list_display = ("name", "kind", "region", "contact_name", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "region", "contact_name")
    filter_horizontal = ("users",)
    inlines = [ProductInline]


@admin.register(Product)
class ProductAdmin(AuditedAdmin):
    list_display = (
        "name",
        "unit",
        "spec",
        "category",
        "supplier",
        "cost_fen",
        "suggested_price_fen",
    )
    list_filter = ("category", "active", "supplier__kind")
    search_fields = ("name", "supplier__name")
    list_select_related = ("supplier",)
    autocomplete_fields = ("supplier",)
