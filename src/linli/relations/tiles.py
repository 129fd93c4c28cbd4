"""The relationship book on the front door, for operators (the book itself checks that they
hold its permission)."""

from django.utils.translation import gettext_lazy as _

from linli.pages.registry import Tile, register

register(
    Tile(
        key="relations",
        title=_("Relationship book"),
        description=_("People around each community, our ties with them, and reminders."),
        url_name="relations:book",
        order=60,
        shown_to=lambda who: who.operator,
    )
)
