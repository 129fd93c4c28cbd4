"""Build the demo city phase by phase, and find out what a database already holds.

``build`` is what ``linli demo`` runs: the standing city, the history and the present, each
phase in its own transaction with its own progress bar, bracketed by a ``DemoCity`` row that
records the seed, the size and the logins to print.
"""

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.db import connection, transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.catalog.models import Product, Supplier
from linli.communities.models import Building, Community, Household, Leader, Member
from linli.core import events
from linli.demo import connect as demo_connect
from linli.demo import forecasts as demo_forecasts
from linli.demo import privacy as demo_privacy
from linli.demo import rewards as demo_rewards
from linli.groupbuys.models import (
    GroupBuy,
    GroupBuyItem,
    Order,
    OrderLine,
    PurchaseOrder,
    PurchaseOrderLine,
)

from . import relations
from . import storefronts as demo_storefronts
from .city import LEADER, MEMBER, OPERATOR, SHANGHAI, SUPPLIER, CityBuilder
from .history import History
from .loader import foreign_keys_checked_after, reset_sequences
from .models import DemoCity
from .present import Present
from .scale import Scale

DEFAULT_SEED = 20260415
ROLES = (MEMBER, LEADER, SUPPLIER, OPERATOR)
HISTORY = (GroupBuy, GroupBuyItem, Order, OrderLine, PurchaseOrder, PurchaseOrderLine)

Advance = Callable[[int], None]


class Phases(Protocol):
    """Shows progress: one bar per phase, advanced as the phase gets on."""

    def phase(self, label: str, total: int) -> contextlib.AbstractContextManager[Advance]: ...


class Quiet:
    """Progress that nobody watches (tests, scripts)."""

    @contextlib.contextmanager
    def phase(self, label: str, total: int) -> Iterator[Advance]:
        yield lambda steps: None


@dataclass(frozen=True)
class Holdings:
    """What a database holds, as far as the demo is concerned."""

    demo: DemoCity | None
    others: dict[str, int]  # rows that are not the demo's, by what they are

    @property
    def empty(self) -> bool:
        return self.demo is None and not any(self.others.values())


def holdings() -> Holdings:
    """The finished or unfinished demo in this database, and any other data in it."""
    demo = DemoCity.objects.order_by("-pk").first()
    others = {}
    if demo is None:
        others = {
            "users": User.objects.count(),
            "communities": Community.objects.count(),
            "suppliers": Supplier.objects.count(),
            "group buys": GroupBuy.objects.count(),
        }
    return Holdings(demo=demo, others=others)


def figures() -> dict[str, int]:
    """Counts of what the city holds, for the summary table."""
    return {
        "communities": Community.objects.count(),
        "buildings": Building.objects.count(),
        "households": Household.objects.count(),
        "vulnerable households": Household.objects.filter(vulnerable=True).count(),
        "members": Member.objects.count(),
        "leaders": Leader.objects.count(),
        "suppliers": Supplier.objects.count(),
        "products": Product.objects.count(),
        "group buys": GroupBuy.objects.count(),
        "group buys open": GroupBuy.objects.filter(status=GroupBuy.Status.OPEN).count(),
        "group buys failed": GroupBuy.objects.filter(status=GroupBuy.Status.FAILED).count(),
        "items": GroupBuyItem.objects.count(),
        "orders": Order.objects.count(),
        "orders cancelled": Order.objects.filter(status=Order.Status.CANCELLED).count(),
        "order lines": OrderLine.objects.count(),
        "purchase orders": PurchaseOrder.objects.count(),
    }


def logins(demo: DemoCity) -> dict[str, User | None]:
    """The printed users, by role, as they are now in the database."""
    users = User.objects.in_bulk(list(demo.logins.values()), field_name="username")
    return {role: users.get(demo.logins.get(role, "")) for role in ROLES}


def build(
    *,
    seed: int = DEFAULT_SEED,
    scale: Scale,
    now: datetime | None = None,
    phases: Phases | None = None,
) -> DemoCity:
    """Generate the whole demo city into an empty database; returns its ``DemoCity`` row.

    The same seed, size and day give the same city: names, numbers and history. Only the few
    orders placed through the services today get pickup codes of their own.
    """
    started = time.monotonic()
    now = (now or timezone.now()).replace(microsecond=0)
    today: date = timezone.localtime(now, SHANGHAI).date()
    phases = phases or Quiet()
    demo = DemoCity.objects.create(seed=seed, size=scale.name, today=today, started_at=now)

    builder = CityBuilder(seed=seed, scale=scale, today=today)
    with phases.phase("小区 · 楼栋 · 住户", scale.communities) as advance, transaction.atomic():
        builder.communities(advance)
        reset_sequences([Community, Building, Household])
    with phases.phase("团员 · 团长", scale.communities) as advance, transaction.atomic():
        builder.people(advance)
        reset_sequences([User, Leader])
    with phases.phase("供货商 · 商品", scale.suppliers) as advance, transaction.atomic():
        city, _ = builder.suppliers(advance)
        reset_sequences([User, Supplier, Product])
    with (
        phases.phase(f"{scale.days}天团购历史", scale.communities) as advance,
        transaction.atomic(),
        foreign_keys_checked_after(HISTORY),
    ):
        History(city, seed=seed, scale=scale, today=today).run(advance)
        reset_sequences([GroupBuy, GroupBuyItem, Order, PurchaseOrder])
    # Statistics for what was just bulk-loaded, as autovacuum would gather them on a live
    # server: without them PostgreSQL plans today's service calls (a group buy's fill, say)
    # as scans of every order line in the city.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # One transaction for the hundreds of service calls of today, not one commit each (each
    # waits for the disk on PostgreSQL).
    with phases.phase("今日团购", 2 * scale.communities) as advance, transaction.atomic():
        Present(city, seed=seed, now=now).run(advance)
    with phases.phase("关系簿", 1) as advance, transaction.atomic():
        relations.build(city, seed=seed, now=now)
        advance(1)
    with phases.phase("农户店铺 · 预售 · 帮卖", 1) as advance, transaction.atomic():
        farms = demo_storefronts.build(city, seed=seed, now=now)
        advance(1)

    with phases.phase("走进用户", 1) as advance, transaction.atomic():
        demo_connect.build(city, seed=seed, now=now)
        advance(1)

    # The printed people have e-mail addresses, so that their notices by e-mail are written
    # to var/mail (no mail server in the demo); then what the worker does first when it
    # starts: deliver today's events, so the notices they make (goods arrived …) are in the
    # inboxes as soon as the demo is served, and the e-mails are sent by the worker.
    for user in User.objects.filter(pk__in=list(city.logins.values())):
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@demo.linli.localhost")
    with phases.phase("通知", 1) as advance:
        while events.deliver():
            pass
        advance(1)

    with phases.phase("需求预测", 1) as advance:
        demo_forecasts.add(city)
        advance(1)
    with phases.phase("隐私", 1) as advance, transaction.atomic():
        demo_privacy.add(city, seed=seed)
        advance(1)

    with phases.phase("积分 · 绿色能量", 1) as advance, transaction.atomic():
        demo_rewards.build(city, seed=seed, now=now)
        advance(1)

    users = User.objects.in_bulk(list(city.logins.values()))
    demo.logins = {role: users[city.logins[role]].username for role in ROLES}
    demo.figures = figures()
    demo.figures.update(farms)
    demo.figures["seconds"] = round(time.monotonic() - started, 1)
    demo.finished_at = timezone.now()
    demo.save()
    return demo
