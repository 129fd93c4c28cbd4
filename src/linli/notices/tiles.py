"""The inbox's tile on the front door, with the number of unread notices."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.roles import Roles
from linli.pages.registry import Entry, Tile, register

from . import selectors


def unread(request, who: Roles) -> list[Entry]:
    """One line: how many notices are unread (none when all are read). One query."""
    count = selectors.unread_count(who.user_id) if who.user_id else 0
    if not count:
        return []
    return [Entry(label=_("%(count)s unread") % {"count": count}, url=reverse("notices:inbox"))]


register(
    Tile(
        key="inbox",
        title=gettext_lazy("Inbox"),
        description=gettext_lazy("Your goods are here, money back, closing soon."),
        url_name="notices:inbox",
        order=5,
        entries=unread,
    )
)
