"""What can go wrong with a household's privacy requests, each in the caller's language."""

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


class NoHousehold(Forbidden):
    code = "no_household"
    template = _("Only a member of a household can do this for their household.")


class CopyNotFound(NotFound):
    code = "copy_not_found"
    template = _("There is no such copy of your data, or it is not yours.")


class CopyNotReady(Conflict):
    code = "copy_not_ready"
    template = _("This copy is still being prepared: you will find a notice in your inbox.")


class CopyGone(Conflict):
    code = "copy_gone"
    template = _(
        "This copy can no longer be downloaded (each copy can be downloaded once, within "
        "%(days)s days). Ask for a new one."
    )


class TooManyCopies(Conflict):
    code = "too_many_copies"
    template = _("Your household asked for %(count)s copies today: ask again tomorrow.")


class BadCorrection(Invalid):
    code = "bad_correction"
    template = _("Please check the highlighted fields.")


class RoomTaken(Conflict):
    code = "room_taken"
    template = _("Another household is already registered in %(building)s %(room)s.")


class RoomChangeNotFound(NotFound):
    code = "room_change_not_found"
    template = _("There is no such room change, or it is not yours to decide.")


class RoomChangeDecided(Conflict):
    code = "room_change_decided"
    template = _("This room change has already been decided (%(status)s).")


class NotConfirmed(Invalid):
    code = "closing_not_confirmed"
    template = _("To close your account, type the confirmation word shown: %(word)s.")


class LeaderCannotLeave(Conflict):
    code = "leader_cannot_leave"
    template = _(
        "You are a group leader or serve a supplier: hand over those roles before closing "
        "your household's account."
    )


class OrdersWaiting(Conflict):
    code = "orders_waiting"
    template = _(
        "Your household has %(count)s orders that are already with the supplier or waiting "
        "for pickup: close the account once they are collected or the pickup has ended."
    )


class NotLeader(NotFound):
    code = "community_not_found"
    template = _("There is no such community, or it is not yours to see.")
