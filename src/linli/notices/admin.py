"""Notices and their sendings, for operators: read only, and parked sendings sent again."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Notice, Sending


class SendingInline(ReadOnlyInline):
    model = Sending
    fields = ("channel", "status", "attempts", "due_at", "sent_at", "last_error")
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("id", "recipient", "kind", "key", "created_at", "in_inbox", "read_at")
    list_filter = ("kind", "in_inbox")
    search_fields = ("key", "recipient__username")
    inlines = [SendingInline]


@admin.register(Sending)
class SendingAdmin(ReadOnlyAdmin):
    list_display = ("id", "notice", "channel", "status", "attempts", "due_at", "sent_at")
    list_filter = ("status", "channel")
    actions = ["send_again"]

    @admin.action(description=_("Send the selected parked sendings again"))
    def send_again(self, request, queryset):
        count = queryset.filter(status=Sending.Status.PARKED).update(
            status=Sending.Status.PENDING, attempts=0, due_at=timezone.now()
        )
        self.message_user(request, _("%(count)d sendings queued again.") % {"count": count})
