"""Reads: a person's inbox and choices, and who a notice is for. A read never writes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet, Sum

from linli.accounts.models import User
from linli.catalog.models import Product
from linli.communities.models import Member
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order

from . import rules
from .channels import Channel, channels
from .errors import NoticeNotFound
from .models import Notice, Preference
from .rules import Kind

# --- a person's own ------------------------------------------------------------------------


def inbox(user_id: int) -> QuerySet[Notice]:
    """The notices ``user_id`` sees in the inbox, newest first."""
    return Notice.objects.filter(recipient_id=user_id, in_inbox=True).order_by("-created_at", "-id")


def unread_count(user_id: int) -> int:
    return Notice.objects.filter(recipient_id=user_id, in_inbox=True, read_at__isnull=True).count()


def notice_for(user_id: int, notice_id: int) -> Notice:
    """One of ``user_id``'s notices; anyone else's is not found."""
    notice = inbox(user_id).filter(pk=notice_id).first()
    if notice is None:
        raise NoticeNotFound()
    return notice


def chosen(user_ids: Iterable[int]) -> dict[int, dict[tuple[str, str], bool]]:
    """What each person chose, by (kind, channel); a person without a choice has none here."""
    found: dict[int, dict[tuple[str, str], bool]] = defaultdict(dict)
    for user_id, kind, channel, enabled in Preference.objects.filter(
        user_id__in=list(user_ids)
    ).values_list("user_id", "kind", "channel", "enabled"):
        found[user_id][(kind, channel)] = enabled
    return found


@dataclass(frozen=True)
class ChannelChoice:
    channel: Channel
    wanted: bool
    reaches: bool  # False: the channel cannot reach this person (no e-mail address)


@dataclass(frozen=True)
class KindChoices:
    kind: str
    label: Any
    channels: list[ChannelChoice]


def preferences(user: User) -> list[KindChoices]:
    """Every kind of notice, and for each channel whether ``user`` gets it that way."""
    mine = chosen([user.pk]).get(user.pk, {})
    return [
        KindChoices(
            kind=kind.value,
            label=kind.label,
            channels=[
                ChannelChoice(
                    channel=channel,
                    wanted=rules.wants(kind.value, channel.name, mine),
                    reaches=channel.reaches(user),
                )
                for channel in channels()
            ],
        )
        for kind in Kind
    ]


# --- who a notice is for ----------------------------------------------------------------------


def members_of(household_ids: Iterable[int]) -> dict[int, list[int]]:
    """The signed-in people of each household (user ids), by household."""
    found: dict[int, list[int]] = defaultdict(list)
    for household_id, user_id in (
        Member.objects.filter(household_id__in=list(household_ids), user__is_active=True)
        .order_by("household_id", "user_id")
        .values_list("household_id", "user_id")
    ):
        found[household_id].append(user_id)
    return found


def group_buy(group_buy_id: int) -> GroupBuy:
    return GroupBuy.objects.get(pk=group_buy_id)


def arrived_for(group_buy_id: int, product_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Households with a confirmed order in the group buy holding any of ``product_ids``: the
    names of those products they ordered and their orders' pickup codes, by household."""
    found: dict[int, dict[str, Any]] = {}
    rows = (
        Order.objects.filter(
            group_buy_id=group_buy_id,
            status=Order.Status.CONFIRMED,
            lines__item__product_id__in=product_ids,
        )
        .order_by("household_id", "seq", "id", "lines__item__position")
        .values_list("household_id", "pickup_code", "lines__item__product__name")
    )
    for household_id, code, product in rows:
        got = found.setdefault(household_id, {"codes": [], "products": []})
        if code not in got["codes"]:
            got["codes"].append(code)
        if product not in got["products"]:
            got["products"].append(product)
    return found


def failed_amounts(group_buy_id: int) -> dict[int, int]:
    """What each household had ordered in a failed group buy, in fen."""
    return {
        row["household_id"]: row["fen"]
        for row in Order.objects.filter(group_buy_id=group_buy_id, status=Order.Status.FAILED)
        .values("household_id")
        .annotate(fen=Sum("total_fen"))
        .order_by("household_id")
    }


def item_product_name(item_id: int) -> str:
    return GroupBuyItem.objects.select_related("product").get(pk=item_id).product.name


def product_name(product_id: int) -> str:
    return Product.objects.values_list("name", flat=True).get(pk=product_id)


def closing_soon(now: datetime) -> list[GroupBuy]:
    """Open group buys whose cutoff is still ahead and within ``rules.REMIND_BEFORE``."""
    return list(
        GroupBuy.objects.filter(
            status=GroupBuy.Status.OPEN,
            cutoff_at__gt=now,
            cutoff_at__lte=now + rules.REMIND_BEFORE,
        ).order_by("cutoff_at", "id")
    )


def usual_orderers(group_buy: GroupBuy) -> set[int]:
    """Households of the group buy's community that usually order from its leader there
    (``rules.usually_orders`` over the leader's last ``rules.USUAL_WINDOW`` closed group buys
    in the community) and have no order placed in this one. Two queries."""
    recent = list(
        GroupBuy.objects.filter(
            community_id=group_buy.community_id,
            leader_id=group_buy.leader_id,
            closed_at__isnull=False,
        )
        .order_by("-closed_at", "-id")
        .values_list("id", flat=True)[: rules.USUAL_WINDOW]
    )
    counts = (
        Order.objects.filter(group_buy_id__in=recent)
        .exclude(status=Order.Status.CANCELLED)
        .values("household_id")
        .annotate(group_buys=Count("group_buy_id", distinct=True))
        .order_by()
    )
    usual = {row["household_id"] for row in counts if rules.usually_orders(row["group_buys"])}
    ordered = set(
        Order.objects.filter(
            group_buy_id=group_buy.pk, household_id__in=usual, status=Order.Status.PLACED
        ).values_list("household_id", flat=True)
    )
    return usual - ordered
