"""What the forecasts do when something happens below them. The group buys publish and know
nothing of forecasts; the handler is queued (the worker delivers it) and idempotent."""

from linli.core.events import Event, subscriber

from . import services


@subscriber("group_buy.opened", name="forecasts.keep_suggestions")
def keep_suggestions(event: Event) -> None:
    """Keep the suggested stock of each item beside the stock the leader chose, as the open
    form worked it out when the group buy was opened (``event.at``)."""
    services.keep_suggestions(group_buy_id=event.payload["group_buy_id"], at=event.at)
