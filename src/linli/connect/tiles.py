"""Consumer connect on the front door: for everyone signed in (their stays, their visitors;
operators who run programmes see those too)."""

from django.utils.translation import gettext_lazy as _

from linli.pages.registry import Tile, register

register(
    Tile(
        key="connect",
        title=_("Consumer connect"),
        description=_("Stays with the households and farmers we serve, and what we learnt."),
        url_name="connect:home",
        order=65,
    )
)
