"""What consumer connect does when a household changes its mind (``consent.withdrawn``)."""

from linli.communities.models import Consent
from linli.core.events import Event, subscriber

from . import services


@subscriber("consent.withdrawn", name="connect.consent_withdrawn", same_transaction=True)
def consent_withdrawn(event: Event) -> None:
    """No more hosting, or no more verbatim quotes, from the moment the household says so."""
    purpose = event.payload.get("purpose")
    household = int(event.payload["household"])
    if purpose == Consent.Purpose.CONNECT_HOST:
        services.host_withdrew(household)
    elif purpose == Consent.Purpose.QUOTED:
        services.quotes_withdrawn(household)
