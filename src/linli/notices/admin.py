from django.contrib import admin
from django.utils import timezone

from .models import Notice, Sending


class SendingInline(admin.TabularInline):
    model = Sending
    extra = 0
    readonly_fields = ("channel", "status", "attempts", "due_at", "sent_at", "last_error")
    can_delete = False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("id", "recipient", "kind", "key", "created_at", "in_inbox", "read_at")
    list_filter = ("kind", "in_inbox")
    search_fields = ("key", "recipient__username")
    readonly_fields = ("recipient", "kind", "key", "params", "created_at", "in_inbox", "read_at")
    inlines = [SendingInline]


@admin.register(Sending)
class SendingAdmin(admin.ModelAdmin):
    list_display = ("id", "notice", "channel", "status", "attempts", "due_at", "sent_at")
    list_filter = ("status", "channel")
    readonly_fields = ("notice", "channel", "attempts", "sent_at", "last_error")
    actions = ["retry"]

    @admin.action(description="Send again")
    def retry(self, request, queryset):
        queryset.exclude(status=Sending.Status.SENT).update(
            status=Sending.Status.PENDING, attempts=0, due_at=timezone.now()
        )
