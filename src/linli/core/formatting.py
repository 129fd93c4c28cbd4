"""How numbers, times and phone numbers look to people."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _


class LocalTime:
    """A moment shown in Asia/Shanghai (the configured zone), rendered when printed."""

    __slots__ = ("moment",)

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __str__(self) -> str:
        return timezone.localtime(self.moment).strftime("%Y-%m-%d %H:%M")


def yuan(fen: int) -> str:
    """¥12.50 for 1250 fen."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole}.{cents:02d}"


def mask_phone(phone: str) -> str:
    """138****1234: enough for a leader to match a resident, not enough to call them."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def time_left(moment: datetime) -> str:
    """ "2 d 3 h", "3 h 20 min", "12 min" until ``moment``; "closed" once it has passed."""
    seconds = int((moment - timezone.now()).total_seconds())
    if seconds <= 0:
        return _("closed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = max(rest // 60, 1) if not (days or hours) else rest // 60
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}
