"""What the privacy app holds about a household (its copies and room changes), and the audit
trail of who looked at or changed it, which core keeps without knowing any household
(``linli.core.personal_data``)."""

from django.db.models import Q

from linli.aftersales.models import Report
from linli.core.models import AuditEvent
from linli.core.personal_data import Rows, plain_rows
from linli.groupbuys.models import Order

from .models import DataCopy, RoomChange
from .storage import drop_files

COVERS = ("privacy.datacopy", "privacy.roomchange", "core.auditevent")

#: What an audit event about an erased household keeps of its data: the keys that never hold
#: personal words (ids, amounts, purposes, field names).
KEPT_AUDIT_KEYS = frozenset(
    {
        "household",
        "community",
        "group_buy",
        "purpose",
        "text_version",
        "fields",
        "amount_fen",
        "method",
        "allowed",
        "lines",
        "changes",
        "status",
        "kind",
        "quantity",
        "by",
        "what",
        "count",
    }
)


def about(household_id: int) -> Q:
    """The audit events about the household: itself, its orders and after-sales reports, its
    copies and room changes."""
    targets = {
        "communities.household": [household_id],
        "groupbuys.order": Order.objects.filter(household_id=household_id).values_list(
            "pk", flat=True
        ),
        "aftersales.report": Report.objects.filter(household_id=household_id).values_list(
            "pk", flat=True
        ),
        "privacy.datacopy": DataCopy.objects.filter(household_id=household_id).values_list(
            "pk", flat=True
        ),
        "privacy.roomchange": RoomChange.objects.filter(household_id=household_id).values_list(
            "pk", flat=True
        ),
    }
    found = Q(pk__in=[])
    for target_type, ids in targets.items():
        found |= Q(target_type=target_type, target_id__in=[str(pk) for pk in ids])
    return found


def export(household_id: int) -> dict[str, Rows]:
    return {
        "audit_trail": plain_rows(
            AuditEvent.objects.filter(about(household_id)).order_by("at", "pk"),
            "at",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "data",
            "channel",
        ),
        "data_copies": plain_rows(
            DataCopy.objects.filter(household_id=household_id).order_by("pk"),
            "id",
            "status",
            "requested_at",
            "ready_at",
            "expires_at",
            "taken_at",
        ),
        "room_changes": plain_rows(
            RoomChange.objects.filter(household_id=household_id).order_by("pk"),
            "building__name",
            "room",
            "status",
            "requested_at",
            "decided_at",
        ),
    }


def erase(household_id: int) -> None:
    """Copies not yet taken are withdrawn (their files go with them), room changes lose their
    room, and the audit events about the household keep what was done and when, but only the
    data keys that name no one (:data:`KEPT_AUDIT_KEYS`)."""
    drop_files(DataCopy.objects.filter(household_id=household_id).exclude(stored_as=""))
    RoomChange.objects.filter(household_id=household_id).update(room="×")
    events = AuditEvent.objects.filter(about(household_id))
    for event in events.only("pk", "data").iterator():
        kept = {key: value for key, value in (event.data or {}).items() if key in KEPT_AUDIT_KEYS}
        if kept != event.data:
            AuditEvent.objects.filter(pk=event.pk).update(data=kept)
