"""Privacy on the front door: every member reaches their data; leaders and operators reach
the room changes to confirm and their customers' contacts."""

from django.utils.translation import gettext_lazy as _

from linli.pages.registry import Tile, register

register(
    Tile(
        key="privacy",
        title=_("Your data"),
        description=_("Copy, correct or delete your household's data; choose your consents."),
        url_name="privacy:home",
        order=90,
        shown_to=lambda who: who.household_id is not None,
    )
)
register(
    Tile(
        key="privacy-leader",
        title=_("Households' data"),
        description=_("Room changes to confirm; export the contacts that agreed."),
        url_name="privacy:leader",
        order=91,
        shown_to=lambda who: who.operator or bool(who.led_community_ids),
    )
)
