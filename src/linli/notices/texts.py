"""What a notice says, written when it is read: in the reader's language on a page, in the
person's chosen language (``User.language``) in an e-mail. A notice stores its kind and
parameters only (names, amounts, times, codes), never text."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.core.formatting import LocalTime, yuan

from .rules import Kind


@dataclass(frozen=True)
class Text:
    title: str
    body: str
    link: str  # the page to go to (a path on the site); "" when there is none


def shown(kind: str, params: dict) -> Text:
    """The notice in the active language."""
    return _WRITERS[kind](params)


def shown_in(language: str, kind: str, params: dict) -> Text:
    with translation.override(language):
        return shown(kind, params)


def _at(iso: str) -> str:
    return str(LocalTime(datetime.fromisoformat(iso)))


def _codes(codes: list[str]) -> str:
    return ", ".join(codes)


def _goods_arrived(p: dict) -> Text:
    return Text(
        title=_("Your goods are here: %(title)s") % {"title": p["title"]},
        body=ngettext(
            "%(products)s arrived. Collect them at %(place)s by %(until)s with your pickup "
            "code %(codes)s.",
            "%(products)s arrived. Collect them at %(place)s by %(until)s with your pickup "
            "codes %(codes)s.",
            len(p["codes"]),
        )
        % {
            "products": "、".join(p["products"]),
            "place": p["place"],
            "until": _at(p["until"]),
            "codes": _codes(p["codes"]),
        },
        link=reverse("orders"),
    )


def _cutoff_soon(p: dict) -> Text:
    return Text(
        title=_("Closing within the hour: %(title)s") % {"title": p["title"]},
        body=_(
            "Orders for %(title)s close at %(cutoff)s. You often order from this group buy's "
            "leader; you have not ordered this time."
        )
        % {"title": p["title"], "cutoff": _at(p["cutoff"])},
        link=reverse("group-buy", args=[p["group_buy_id"]]),
    )


def _group_buy_failed(p: dict) -> Text:
    return Text(
        title=_("%(title)s did not form") % {"title": p["title"]},
        body=_(
            "The group buy closed short of its minimum, so your order of %(amount)s is off. "
            "What you paid for it is due back to you."
        )
        % {"amount": yuan(p["amount_fen"])},
        link=reverse("ledger:mine"),
    )


def _shortfall_refunded(p: dict) -> Text:
    return Text(
        title=_("Short delivery credited: %(title)s") % {"title": p["title"]},
        body=_(
            "Less %(product)s arrived than was ordered. What you will not get, %(amount)s, "
            "has been credited back to your account."
        )
        % {"product": p["product"], "amount": yuan(p["amount_fen"])},
        link=reverse("ledger:mine"),
    )


def _after_sales_decided(p: dict) -> Text:
    names = {"product": p["product"], "title": p["title"]}
    if p["decision"] == "rejected":
        title = _("After-sales report on %(product)s rejected") % names
        body = _("The leader of %(title)s rejected your report: %(reason)s") % {
            **names,
            "reason": p["reason"],
        }
    else:
        if p["decision"] == "approved":
            title = _("After-sales report on %(product)s approved") % names
        else:
            title = _("After-sales report on %(product)s partly approved") % names
        body = ngettext(
            "%(quantity)s unit approved; %(amount)s has been credited back to your account.",
            "%(quantity)s units approved; %(amount)s has been credited back to your account.",
            p["quantity"],
        ) % {"quantity": p["quantity"], "amount": yuan(p["credit_fen"])}
        if p.get("reason"):
            body += " " + _("The leader says: %(reason)s") % {"reason": p["reason"]}
    return Text(title=title, body=body, link=reverse("orders"))


def _data_copy_ready(p: dict) -> Text:
    return Text(
        title=_("Your copy of your data is ready"),
        body=_(
            "Download it from the privacy page by %(until)s. It can be downloaded once, by a "
            "member of your household."
        )
        % {"until": _at(p["until"])},
        link=reverse("privacy:home"),
    )


def _room_change_decided(p: dict) -> Text:
    where = {"building": p["building"], "room": p["room"]}
    if p["confirmed"]:
        title = _("Your move to %(building)s %(room)s is confirmed") % where
        body = _("Your leader confirmed it: your goods are now sorted for %(building)s %(room)s.")
    else:
        title = _("Your move to %(building)s %(room)s was not confirmed") % where
        body = _("Your leader did not confirm it. Ask them, or correct it again.")
    return Text(title=title, body=body % where, link=reverse("privacy:home"))


def _connect_outcome(p: dict) -> Text:
    return Text(
        title=_("What came of what you told us"),
        body=_("When our visitor stayed with you, you told us something. What we did: %(outcome)s")
        % {"outcome": p["outcome"]},
        link=reverse("connect:home"),
    )


_WRITERS: dict[str, Callable[[dict], Text]] = {
    Kind.GOODS_ARRIVED: _goods_arrived,
    Kind.CUTOFF_SOON: _cutoff_soon,
    Kind.GROUP_BUY_FAILED: _group_buy_failed,
    Kind.SHORTFALL_REFUNDED: _shortfall_refunded,
    Kind.AFTER_SALES_DECIDED: _after_sales_decided,
    Kind.DATA_COPY_READY: _data_copy_ready,
    Kind.ROOM_CHANGE_DECIDED: _room_change_decided,
    Kind.CONNECT_OUTCOME: _connect_outcome,
}
