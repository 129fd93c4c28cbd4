"""Record state changes. Call :func:`record` inside the service's transaction."""

from typing import Any

from django.db import models

from .context import current
from .models import AuditEvent


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    data: dict | None = None,
) -> AuditEvent:
    context = current()
    if target is not None:
        target_type = target._meta.label_lower
        target_id = target.pk
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        data=data or {},
        channel=context.channel,
        request_id=context.request_id,
        ip=context.ip,
    )
