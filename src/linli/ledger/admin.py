"""The ledger in the admin: shown to operators, never changed there (the database would refuse
anyway). Corrections are reversing entries: `POST /api/ledger/entries/{id}/reverse`."""

from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Account, Entry, Posting


class PostingInline(ReadOnlyInline):
    model = Posting
    fields = ["account", "amount"]
    raw_id_fields = ["account"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "kind", "group_buy", "method", "reference", "actor", "reverses"]
    list_filter = ["kind", "method"]
    search_fields = ["reference", "memo", "=group_buy__id", "=order__id"]
    raw_id_fields = ["group_buy", "order", "actor", "reverses"]
    date_hierarchy = "at"
    inlines = [PostingInline]
    show_full_result_count = False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "owner_id", "method", "unit"]
    list_filter = ["kind", "unit", "method"]
    search_fields = ["=owner_id"]
    show_full_result_count = False
