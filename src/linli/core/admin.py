from django.contrib import admin
from django.forms.models import model_to_dict

from . import audit
from .models import AuditEvent


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
