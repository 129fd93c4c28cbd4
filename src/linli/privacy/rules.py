"""Pure decisions of the privacy app: no database."""

import re
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Message

from .errors import BadCorrection, CopyGone, CopyNotReady
from .limits import COPY_KEEPS, MAX_NAME, MAX_PHONE, MAX_ROOM
from .models import DataCopy

#: What a member types to confirm closing the household's account.
CLOSING_WORD = "注销"

#: A phone as households give it: a mainland mobile number (11 digits, 1 first), or empty.
PHONE = re.compile(r"^(1\d{10})?$")


def check_taking(copy: DataCopy, now: datetime) -> None:
    """Refuse a download of ``copy`` at ``now``: not ready yet, taken, or expired."""
    if copy.status == DataCopy.Status.REQUESTED:
        raise CopyNotReady()
    if copy.status != DataCopy.Status.READY or copy.expires_at is None or now >= copy.expires_at:
        raise CopyGone(days=COPY_KEEPS.days)


def may_take(copy: DataCopy, now: datetime) -> bool:
    return (
        copy.status == DataCopy.Status.READY
        and copy.expires_at is not None
        and now < copy.expires_at
    )


def checked_profile(contact_name: str, phone: str) -> tuple[str, str]:
    """A corrected name and phone, tidied; a :class:`BadCorrection` naming each bad field."""
    contact_name = " ".join(contact_name.split())
    phone = re.sub(r"[\s-]", "", phone)
    details = []
    if not contact_name:
        details.append({"field": "contact_name", "message": Message(_("Please give a name."))})
    elif len(contact_name) > MAX_NAME:
        details.append(
            {
                "field": "contact_name",
                "message": Message(_("At most %(max)s characters."), max=MAX_NAME),
            }
        )
    if len(phone) > MAX_PHONE or not PHONE.match(phone):
        details.append(
            {"field": "phone", "message": Message(_("A mobile number: 11 digits starting with 1."))}
        )
    if details:
        raise BadCorrection(details=details)
    return contact_name, phone


def checked_room(room: str) -> str:
    room = "".join(room.split())
    if not room or len(room) > MAX_ROOM:
        raise BadCorrection(
            details=[
                {"field": "room", "message": Message(_("1 to %(max)s characters."), max=MAX_ROOM)}
            ]
        )
    return room
