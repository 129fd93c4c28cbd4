import json

from django.contrib import admin
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from . import audit, events
from .models import AuditEvent, Delivery


def _snapshot(obj) -> dict:
    return {key: str(value) for key, value in model_to_dict(obj).items()}


def is_operator(request) -> bool:
    """Operators (staff) run the city: they manage its communities, people and catalogue."""
    user = request.user
    return bool(user.is_active and user.is_staff)


class OperatorPermissions:
    """Open to every operator, without handing out Django permissions one by one."""

    def has_module_permission(self, request):
        return is_operator(request)

    def has_view_permission(self, request, obj=None):
        return is_operator(request)

    def has_add_permission(self, request, *args):
        return is_operator(request)

    def has_change_permission(self, request, obj=None):
        return is_operator(request)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request)


class OperatorAdmin(OperatorPermissions, admin.ModelAdmin):
    pass


class OperatorInline(OperatorPermissions, admin.TabularInline):
    extra = 0


class ReadOnly:
    """Shown, never added, changed or deleted in the admin: records the services write."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, OperatorAdmin):
    pass


class ReadOnlyInline(ReadOnly, OperatorInline):
    can_delete = False
    show_change_link = False


class AuditedAdmin(OperatorAdmin):
    """A model admin whose every save and delete leaves an audit event (channel "admin")."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = f"{obj._meta.model_name}.{'changed' if change else 'added'}"
        changed = list(form.changed_data) if form is not None else []
        audit.record(actor=request.user, action=action, target=obj, data={"fields": changed})

    def delete_model(self, request, obj):
        data = _snapshot(obj)
        label, pk = obj._meta.label_lower, obj.pk
        super().delete_model(request, obj)
        audit.record(
            actor=request.user,
            action=f"{obj._meta.model_name}.deleted",
            target_type=label,
            target_id=pk,
            data=data,
        )

    def delete_queryset(self, request, queryset):
        rows = [(obj._meta.label_lower, obj.pk, _snapshot(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for label, pk, data in rows:
            audit.record(
                actor=request.user,
                action=f"{label.split('.')[1]}.deleted",
                target_type=label,
                target_id=pk,
                data=data,
            )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "action", "target_type", "target_id", "channel")
    list_filter = ("channel", "action")
    search_fields = ("actor_label", "action", "target_id", "request_id")
    date_hierarchy = "at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Published events and where each went: pending, done, or parked after its last try."""

    list_display = ["id", "event", "subscriber", "status", "attempts", "due_at", "done_at"]
    list_filter = ["status", "subscriber", "event__name"]
    list_select_related = ["event"]
    readonly_fields = (
        "event",
        "subscriber",
        "status",
        "attempts",
        "due_at",
        "done_at",
        "payload",
        "last_error",
    )
    actions = ["retry"]

    @admin.display(description=_("payload"))
    def payload(self, obj: Delivery) -> str:
        return json.dumps(obj.event.payload, ensure_ascii=False, indent=1)

    @admin.action(description=_("Retry the selected parked deliveries"))
    def retry(self, request, queryset):
        count = events.retry_parked(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": count})


# The worker's tasks, for operators (the package's own admin is for superusers only).
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(ReadOnlyAdmin):
    """Queued, running, failed and finished background tasks (``linli worker``)."""

    list_display = ["task_path", "status", "enqueued_at", "started_at", "finished_at"]
    list_filter = ["status", "task_path"]
    fields = readonly_fields = (
        "task_path",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "worker_ids",
        "return_value",
        "exception_class_path",
        "traceback",
    )
    ordering = ["-enqueued_at"]
