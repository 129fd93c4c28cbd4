"""Shared test setup: a small community with a leader, members, a supplier and an operator,
and helpers that open group buys and place orders through the services."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from hypothesis import HealthCheck, settings

from linli.accounts.models import User
from linli.catalog.models import Product, Supplier
from linli.communities.models import Community, Household, Leader
from linli.groupbuys import services
from linli.groupbuys.models import GroupBuy, Order

from . import factories

settings.register_profile(
    "linli",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("linli")


@dataclass
class Neighbourhood:
    """One community in the city, and the people around it."""

    community: Community
    leader: Leader
    leader_user: User
    households: list[Household]
    members: list[User]
    supplier: Supplier
    supplier_user: User
    products: list[Product]
    operator: User
    other_community: Community
    other_leader_user: User
    other_member: User
    other_supplier_user: User

    def open(
        self,
        *,
        stock=(50, 50),
        limit=None,
        min_to_form=1,
        threshold="units",
        max_to_close=None,
        cutoff_in=timedelta(hours=20),
        now=None,
    ) -> GroupBuy:
        """Open a group buy of the first products with the given stock, through the service."""
        items = [
            services.ItemSpec(
                product_id=product.pk,
                price_fen=product.suggested_price_fen,
                stock=quantity,
                per_household_limit=limit,
            )
            for product, quantity in zip(self.products, stock, strict=False)
        ]
        return services.open_group_buy(
            actor=self.leader_user,
            community_id=self.community.pk,
            title="周末蔬菜团",
            items=items,
            min_to_form=min_to_form,
            threshold=threshold,
            max_to_close=max_to_close,
            now=now,
            **factories.times(now, cutoff_in=cutoff_in),
        )

    def formed(self, count: int = 2) -> tuple[GroupBuy, list[Order]]:
        """A group buy closed early and formed, with ``count`` members' orders of 2 of its
        first item (as read back, with their pickup codes)."""
        group_buy = self.open()
        first = group_buy.items.order_by("position").first()
        orders = [
            services.place_order(actor=member, group_buy_id=group_buy.pk, lines={first.pk: 2})
            for member in self.members[1 : count + 1]
        ]
        services.close_group_buy(actor=self.leader_user, group_buy_id=group_buy.pk, early=True)
        return group_buy, [Order.objects.get(pk=order.pk) for order in orders]


def text(response) -> str:
    """A page's body as text."""
    return response.content.decode()


@pytest.fixture
def browse():
    """A page client signed in as ``user`` (anonymous for ``None``), speaking ``language``.
    It skips CSRF checks, as Django's test client does; ``tests/web/test_csrf.py`` posts the
    pages' own tokens with the checks on, and the browser tests post real forms."""

    def make(user=None, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests sign in with real passwords, hashed quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """A request leaves its language active in the thread; each test starts from the default."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_throttles(settings):
    """Throttle counters live in the cache; each test starts with none spent. In process, a
    memory cache (tests without a database use it too); `linli serve` started by a test uses
    the database's, as in production."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """`linli serve` collects static files into a hashed manifest; tests read them in place."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_site_url(settings):
    """Addresses come from the request, as without ``LINLI_SITE_URL``, unless a test sets it."""
    settings.LINLI_SITE_URL = ""


@pytest.fixture
def hood(db) -> Neighbourhood:
    return make_neighbourhood()


@pytest.fixture
def live_hood(transactional_db) -> Neighbourhood:
    """The shared neighbourhood, committed, for tests whose threads need to see it."""
    return make_neighbourhood()


def make_neighbourhood(members: int = 4) -> Neighbourhood:
    community = factories.CommunityFactory()
    buildings = factories.BuildingFactory.create_batch(2, community=community)
    households = [
        factories.HouseholdFactory(building=buildings[index % 2]) for index in range(members)
    ]
    member_users = [factories.MemberFactory(household=household).user for household in households]
    leader = factories.LeaderFactory(communities=[community])
    # Leaders live in their communities too.
    factories.MemberFactory(user=leader.user, household=households[0])
    supplier_user = factories.UserFactory()
    supplier = factories.SupplierFactory(users=[supplier_user])
    products = [
        factories.ProductFactory(
            supplier=supplier, name="崇明青菜", unit="斤", suggested_price_fen=450
        ),
        factories.ProductFactory(
            supplier=supplier,
            name="土鸡蛋",
            unit="盒",
            suggested_price_fen=2800,
            cost_fen=2000,
            category=Product.Category.EGGS_DAIRY,
        ),
        factories.ProductFactory(
            name="五常大米",
            unit="袋",
            suggested_price_fen=6900,
            cost_fen=5200,
            category=Product.Category.GRAIN,
        ),
    ]
    other = factories.CommunityFactory(name="远方花园")
    other_household = factories.HouseholdFactory(
        building=factories.BuildingFactory(community=other)
    )
    other_leader = factories.LeaderFactory(communities=[other])
    return Neighbourhood(
        community=community,
        leader=leader,
        leader_user=leader.user,
        households=households,
        members=member_users,
        supplier=supplier,
        supplier_user=supplier_user,
        products=products,
        operator=factories.OperatorFactory(),
        other_community=other,
        other_leader_user=other_leader.user,
        other_member=factories.MemberFactory(household=other_household).user,
        other_supplier_user=factories.SupplierFactory(users=[factories.UserFactory()]).users.get(),
    )


@pytest.fixture
def now():
    return timezone.now()
