"""Every write of the privacy app, by what the household (or its leader) does."""

from .closing import Closed, Preview, close_household, closing_preview
from .contacts import export_contacts
from .copies import expire_copies, prepare_copy, request_copy, take_copy
from .corrections import correct_profile, decide_room_change, request_room_change

__all__ = [
    "Closed",
    "Preview",
    "close_household",
    "closing_preview",
    "correct_profile",
    "decide_room_change",
    "expire_copies",
    "export_contacts",
    "prepare_copy",
    "request_copy",
    "request_room_change",
    "take_copy",
]
