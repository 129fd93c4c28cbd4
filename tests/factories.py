"""Test data, built through the models with readable defaults. Group buys and orders that a
test acts on are made through the services, like a user would (see ``conftest.py``)."""

from datetime import timedelta

import factory
from django.utils import timezone

from linli.accounts.models import User
from linli.catalog.models import Product, Supplier
from linli.communities.models import Building, Community, Household, Leader, Member
from linli.jielong.models import NicknameBook
from linli.jielong.rules import nickname_key


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    password = factory.django.Password("pw-for-tests")


class OperatorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"operator{n}")
    is_staff = True


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"幸福里{n}小区")
    city = "上海"
    district = "浦东新区"
    address = factory.Sequence(lambda n: f"张杨路{n}号")
    default_pickup_place = "南门快递柜旁"


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"{n + 1}号楼")
    position = factory.Sequence(lambda n: n)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    building = factory.SubFactory(BuildingFactory)
    room = factory.Sequence(lambda n: f"{(n % 30) + 1}{(n // 30) % 4 + 1:02d}{n // 120 or ''}")
    contact_name = factory.Sequence(lambda n: f"住户{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    household = factory.SubFactory(HouseholdFactory)


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"leader{n}"))
    commission_bp = 1000

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.add(*extracted)


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"崇明{n}号农场")
    kind = Supplier.Kind.FARM
    region = "崇明"

    @factory.post_generation
    def users(self, create, extracted, **kwargs):
        if create and extracted:
            self.users.add(*extracted)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    supplier = factory.SubFactory(SupplierFactory)
    name = factory.Sequence(lambda n: f"青菜{n}")
    unit = "斤"
    spec = ""
    category = Product.Category.VEGETABLE
    cost_fen = 300
    suggested_price_fen = 450


class NicknameBookFactory(factory.django.DjangoModelFactory):
    """An entry of a community's nickname book, written directly (a test that matches a
    nickname as a leader does calls ``jielong.services.remember_nickname``)."""

    class Meta:
        model = NicknameBook

    household = factory.SubFactory(HouseholdFactory)
    community = factory.LazyAttribute(lambda entry: entry.household.building.community)
    nickname = factory.Sequence(lambda n: f"邻居{n}")
    key = factory.LazyAttribute(lambda entry: nickname_key(entry.nickname))
    matched_by = factory.SubFactory(UserFactory)
    matched_at = factory.LazyFunction(timezone.now)


def iso(moment) -> str:
    """A moment as the API takes it: ISO 8601 with the Shanghai offset."""
    return timezone.localtime(moment).isoformat()


def times(now=None, *, cutoff_in=timedelta(hours=20)):
    """Opening now, cutoff tomorrow evening, pickup the day after: the usual rhythm."""
    now = now or timezone.now()
    cutoff = now + cutoff_in
    return {
        "opens_at": now - timedelta(minutes=1),
        "cutoff_at": cutoff,
        "pickup_starts_at": cutoff + timedelta(hours=14),
        "pickup_ends_at": cutoff + timedelta(hours=20),
    }


def photo_bytes(
    image_format: str = "JPEG", size: tuple[int, int] = (64, 48), *, exif: bytes | None = None
) -> bytes:
    """A small picture in ``image_format`` (JPEG, PNG, WEBP), optionally with EXIF data."""
    import io

    from PIL import Image

    picture = Image.new("RGB", size, (200, 60, 40))
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    picture.save(out, image_format, **options)
    return out.getvalue()
