"""What consumer connect does when a household changes its mind (``consent.withdrawn``), and
when an action its words led to is done (``connect.outcome_reported``): the host households
are told, in their inbox."""

from linli.communities.models import Consent
from linli.core.events import Event, subscriber
from linli.notices.rules import Kind
from linli.notices.services import notify_households

from . import services
from .models import Host


@subscriber("consent.withdrawn", name="connect.consent_withdrawn", same_transaction=True)
def consent_withdrawn(event: Event) -> None:
    """No more hosting, or no more verbatim quotes, from the moment the household says so."""
    purpose = event.payload.get("purpose")
    household = int(event.payload["household"])
    if purpose == Consent.Purpose.CONNECT_HOST:
        services.host_withdrew(household)
    elif purpose == Consent.Purpose.QUOTED:
        services.quotes_withdrawn(household)


@subscriber("connect.outcome_reported", name="connect.tell_hosts")
def tell_hosts(event: Event) -> None:
    """Each household that hosted a stay whose report led to the action hears what came of
    it (once per action: the notice is keyed by it)."""
    households = (
        Host.objects.filter(pk__in=event.payload["hosts"], household__isnull=False)
        .values_list("household_id", flat=True)
        .distinct()
    )
    notify_households(
        kind=Kind.CONNECT_OUTCOME,
        key=f"connect-action:{event.payload['action']}",
        households={household: {"outcome": event.payload["outcome"]} for household in households},
        now=event.at,
    )
