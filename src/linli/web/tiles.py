"""The frame's own tiles on the home page (see ``linli.pages.registry``): administration and the
API documentation. Each app declares its tiles in its own ``tiles.py``."""

from django.utils.translation import gettext_lazy as _

from linli.pages.registry import Tile, register

register(
    Tile(
        key="admin",
        title=_("Administration"),
        description=_("Communities, households, leaders, suppliers."),
        url_name="admin:index",
        order=90,
        shown_to=lambda who: who.operator,
    )
)
register(
    Tile(
        key="api",
        title=_("API documentation"),
        description=_("For programs: every step as a JSON call."),
        url_name="ninja:openapi-view",
        order=100,
    )
)
