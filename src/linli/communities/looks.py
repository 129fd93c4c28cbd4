"""Who looked: reading a household's address (building and room) or its unmasked phone leaves
an audit event per household (``household.looked``), which the household sees in the copy of
its data (``docs/decisions/0040``). Recorded by the pages and the API that show them, one
insert for all the households a page shows."""

from collections.abc import Iterable

from linli.accounts.roles import Roles
from linli.core.context import current
from linli.core.models import AuditEvent

LOOKED = "household.looked"


def record_looks(*, actor, who: Roles, household_ids: Iterable[int], what: str) -> int:
    """Record that ``actor`` read the households' address or phone on ``what`` (a page or
    file's name). A household reading its own data is not recorded."""
    ids = sorted({pk for pk in household_ids if pk != who.household_id})
    if not ids or actor is None or not actor.is_authenticated:
        return 0
    context = current()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_label=actor.get_username(),
            action=LOOKED,
            target_type="communities.household",
            target_id=str(pk),
            data={"what": what, "phone": "full" if who.operator else "masked"},
            channel=context.channel,
            request_id=context.request_id,
            ip=context.ip,
        )
        for pk in ids
    )
    return len(ids)
