"""The channels a notice goes out by, behind one small interface, so that an operator can add
SMS or WeChat subscription messages later without touching the notices themselves::

    class Sms:
        name = "sms"
        label = _("Text message")
        queued = True
        def reaches(self, person): return bool(person.phone)
        def send(self, notice, person): gateway.send(person.phone, shown_in(...).body)

    register(Sms())

Two are built in: the in-app **inbox** and **e-mail** through Django's mail. No gateway is
faked here: a channel is only added when a real one is there to send by.
"""

from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.groupbuys.pickup_codes import site_url

from .models import Notice
from .rules import EMAIL, INBOX
from .texts import shown_in


class Channel(Protocol):
    #: Stored in preferences and sendings; never renamed.
    name: str
    #: What the person sees on the preferences page.
    label: Any
    #: Sent later by the worker, retried on failure (True); or the notice row written for the
    #: person is itself the sending (the inbox).
    queued: bool

    def reaches(self, person: User) -> bool:
        """Whether this channel can reach ``person`` at all (an address, a phone …)."""
        ...

    def send(self, notice: Notice, person: User) -> None:
        """Send ``notice`` to ``person``; raise if it did not go (the worker retries)."""
        ...


class Inbox:
    """The inbox on the front door: the notice row is the message (``Notice.in_inbox``)."""

    name = INBOX
    label = _("In Linli (inbox)")
    queued = False

    def reaches(self, person: User) -> bool:
        return True

    def send(self, notice: Notice, person: User) -> None:
        """Nothing to send: a notice is written with ``in_inbox`` set when the person wants
        it in the inbox."""


class Email:
    """An e-mail to the person's address, in their language; people without an address are
    skipped."""

    name = EMAIL
    label = _("E-mail")
    queued = True

    def reaches(self, person: User) -> bool:
        return bool(person.email)

    def send(self, notice: Notice, person: User) -> None:
        text = shown_in(person.language, notice.kind, notice.params)
        body = text.body
        if text.link and (site := site_url()):
            body += f"\n\n{site}{text.link}"
        send_mail(
            subject=f"{text.title} · 邻里 Linli",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[person.email],
            fail_silently=False,
        )


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    """Add (or replace, by name) a channel."""
    _channels[channel.name] = channel
    return channel


def unregister(name: str) -> None:
    _channels.pop(name, None)


def channels() -> list[Channel]:
    """Every channel, the inbox first."""
    return sorted(_channels.values(), key=lambda channel: (channel.name != INBOX, channel.name))


def channel(name: str) -> Channel | None:
    return _channels.get(name)


register(Inbox())
register(Email())
