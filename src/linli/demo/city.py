"""The standing city: communities, buildings, households, people, suppliers and products.

Everything is drawn from the seed, kept in light in-memory records for the history and the
present, and loaded in bulk (see ``linli.demo.loader``).
"""

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password

from linli.accounts.models import User
from linli.catalog.models import Product, Supplier
from linli.communities.models import Building, Community, Household, Leader, Member

from . import names
from .goods import CATEGORY_APPEAL, GOODS, ORIGINS, TRADES, Good
from .loader import Table, next_id
from .scale import Scale

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The four people the demo prints a login for.
MEMBER, LEADER, SUPPLIER, OPERATOR = "member", "leader", "supplier", "operator"

# What the everyday group buys of the present sell.
FRESH = frozenset({"vegetable", "fruit", "eggs_dairy", "meat"})

# Regions the issue names: the first farms and co-ops come from these, so every city has them.
NAMED_ORIGINS = ("崇明", "南汇", "寿光", "五常", "嘉兴", "舟山")

Advance = Callable[[int], None]


@dataclass
class Place:
    """A community as the history needs it."""

    id: int
    index: int
    name: str
    district: str
    pickup_place: str
    households: list[int] = field(default_factory=list)
    propensity: list[float] = field(default_factory=list)  # how often each household orders
    vulnerable: set[int] = field(default_factory=set)
    placer: dict[int, int] = field(default_factory=dict)  # household → a member's user id
    leaders: list[tuple[int, int]] = field(default_factory=list)  # (leader id, user id)
    rhythm: tuple[int, ...] = ()  # weekdays (0 = Monday) on which group buys open
    activity: float = 1.0
    suppliers: list[int] = field(default_factory=list)  # the suppliers its leaders buy from


@dataclass(frozen=True)
class Ware:
    """A product as the history needs it."""

    id: int
    supplier_id: int
    name: str
    unit: str
    category: str
    cost_fen: int
    price_fen: int
    good: Good
    appeal: float


@dataclass
class City:
    places: list[Place]
    wares: list[Ware]
    wares_by_supplier: dict[int, list[Ware]]
    supplier_users: dict[int, int]  # supplier → its staff user
    logins: dict[str, int]  # MEMBER/LEADER/SUPPLIER/OPERATOR → user id
    showcase_supplier: int = 0


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A Shanghai wall-clock time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute, second), SHANGHAI).astimezone(UTC)


def _salt(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22))


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _room_order(room: str) -> tuple[int, int]:
    return int(room[:-2]), int(room[-2:])


def _rhythm(rng: random.Random) -> tuple[int, ...]:
    """The weekdays a community's group buys open: Monday and Thursday, or thereabouts."""
    return rng.choices([(0, 3), (1, 4), (0, 3, 5), (0, 2, 4), (1, 5)], weights=[5, 3, 2, 2, 1])[0]


def _shares(rng: random.Random, total: int, capacity: list[int], weight: list[float]) -> list[int]:
    """Split ``total`` among suppliers in proportion to ``weight``, none above its ``capacity``."""
    counts = [0] * len(capacity)
    left = min(total, sum(capacity))
    while left > 0:
        open_ = [i for i in range(len(capacity)) if counts[i] < capacity[i]]
        mass = sum(weight[i] for i in open_)
        given = 0
        for i in open_:
            share = min(capacity[i] - counts[i], int(left * weight[i] / mass))
            counts[i] += share
            given += share
        if given == 0:  # the remainder, one each
            for i in rng.sample(open_, min(left, len(open_))):
                counts[i] += 1
                given += 1
        left -= given
    return counts


def _prices(rng: random.Random, cost: int, category: str) -> tuple[int, int]:
    """A supplier's price near the table's, and a suggested retail price above it."""
    cost = max(10, round(cost * rng.uniform(0.88, 1.12), -1))
    packaged = category in ("household", "pantry", "grain")
    price = round(cost * (rng.uniform(1.15, 1.3) if packaged else rng.uniform(1.25, 1.45)), -1)
    if price >= 1000 and rng.random() < 0.4:
        price = price // 100 * 100 - 10  # ¥19.90, ¥39.90
    return int(cost), int(max(price, cost + 10))


class CityBuilder:
    """Draws the standing city from one seeded RNG and loads it, one phase per method."""

    def __init__(self, *, seed: int, scale: Scale, today: date) -> None:
        self.rng = random.Random(f"{seed}:city")
        self.scale = scale
        self.today = today
        self.phones: set[str] = set()
        self.places: list[Place] = []
        self.households: dict[int, tuple[str, str]] = {}  # id → (contact name, phone)
        self.logins: dict[str, int] = {}
        self.next_user = 0
        self.password = make_password(settings.LINLI["DEMO_PASSWORD"], salt=_salt(self.rng))

    # -- users -------------------------------------------------------------------------------

    def _user(self, rows: list[tuple], *, username: str, name: str, phone: str = "",
              staff: bool = False, joined: datetime) -> int:  # fmt: skip
        if not self.next_user:
            self.next_user = next_id(User)
        user_id = self.next_user
        self.next_user += 1
        rows.append(
            (
                user_id,
                self.password,
                staff,
                username,
                "",
                "",
                "",
                staff,
                True,
                int(joined.timestamp()),
                phone,
                name,
            )
        )
        return user_id

    @staticmethod
    def _insert_users(rows: list[tuple]) -> None:
        Table(
            User,
            ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
             "is_staff", "is_active", "date_joined", "phone", "display_name"],
        ).insert(rows)  # fmt: skip

    # -- communities -------------------------------------------------------------------------

    def _community_names(self, count: int) -> list[tuple[str, str]]:
        """``count`` distinct (name, suffix) pairs; every root once before any repeats."""
        rng = self.rng
        roots = list(dict.fromkeys(names.COMMUNITY_ROOTS))
        suffixes = list(names.COMMUNITY_SUFFIXES)
        chosen: list[tuple[str, str]] = []
        seen: set[str] = set()
        while len(chosen) < count:
            rng.shuffle(roots)
            for root in roots:
                free = [s for s in suffixes if root + s not in seen]
                if not free:
                    continue
                suffix = rng.choice(free)
                seen.add(root + suffix)
                chosen.append((root + suffix, suffix))
                if len(chosen) == count:
                    break
        return chosen

    def communities(self, advance: Advance) -> dict[str, int]:
        """Communities, buildings and households."""
        rng, scale = self.rng, self.scale
        community_id = next_id(Community)
        building_id = next_id(Building)
        household_id = next_id(Household)
        launched = local(self.today - timedelta(days=scale.days + 400), 9)

        # First the shape of every compound: buildings with floors and flats per floor.
        plans = []
        capacity = 0
        districts = {d: weight for d, (weight, _) in names.DISTRICTS.items()}
        for name, suffix in self._community_names(scale.communities):
            district = _pick(rng, districts)
            floors, flats = names.COMMUNITY_SUFFIXES[suffix]
            count = rng.randint(*scale.buildings)
            skip_four = suffix in ("花园", "公寓", "名邸") and rng.random() < 0.5
            buildings: list[tuple[str, int, int]] = []
            number = 0
            while len(buildings) < count:
                number += 1
                if skip_four and "4" in str(number):
                    continue
                shape = (rng.randint(*floors), rng.randint(*flats))
                buildings.append((f"{number}号楼", *shape))
                capacity += shape[0] * shape[1]
            plans.append((name, district, buildings))
        # Not every flat is on the platform: the same share of each building is.
        share = min(1.0, scale.households / capacity)

        community_rows, building_rows, household_rows = [], [], []
        for index, (name, district, buildings) in enumerate(plans):
            road = rng.choice(names.DISTRICTS[district][1])
            pickup = rng.choice(names.PICKUP_PLACES)
            joined = launched + timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 600))
            community_rows.append(
                (community_id, name, names.CITY, district, f"{road}{rng.randint(10, 2999)}弄",
                 pickup, int(joined.timestamp()))
            )  # fmt: skip
            place = Place(
                id=community_id,
                index=index,
                name=name,
                district=district,
                pickup_place=pickup,
                activity=rng.lognormvariate(0, 0.35),
            )
            for position, (building, floors, flats) in enumerate(buildings):
                building_rows.append((building_id, community_id, building, position))
                rooms = [f"{f}{n:02d}" for f in range(1, floors + 1) for n in range(1, flats + 1)]
                wanted = max(1, min(len(rooms), round(len(rooms) * share + rng.uniform(-0.5, 0.5))))
                for room in sorted(rng.sample(rooms, wanted), key=_room_order):
                    household_rows.append(self._household(place, household_id, building_id, room))
                    household_id += 1
                building_id += 1
            self.places.append(place)
            community_id += 1
            advance(1)

        Table(
            Community,
            ["id", "name", "city", "district", "address", "default_pickup_place", "created_at"],
        ).insert(community_rows)
        Table(Building, ["id", "community", "name", "position"]).insert(building_rows)
        Table(
            Household,
            ["id", "building", "room", "contact_name", "phone", "vulnerable", "vulnerability",
             "notes"],
        ).insert(household_rows)  # fmt: skip
        return {
            "communities": len(community_rows),
            "buildings": len(building_rows),
            "households": len(household_rows),
        }

    def _household(self, place: Place, household_id: int, building_id: int, room: str) -> tuple:
        """One household row; about 5% are vulnerable, some elderly without a mobile."""
        rng = self.rng
        roll = rng.random()
        vulnerability = ""
        if roll < 0.035:
            vulnerability = Household.Vulnerability.ELDERLY_ALONE.value
        elif roll < 0.05:
            vulnerability = Household.Vulnerability.MEDICAL_NEED.value
        elderly = vulnerability == Household.Vulnerability.ELDERLY_ALONE
        contact = names.contact(rng, old=elderly)
        phone = "" if elderly and rng.random() < 0.4 else names.phone(rng, self.phones)
        note = rng.choice(names.VULNERABLE_NOTES[vulnerability]) if vulnerability else ""
        place.households.append(household_id)
        place.propensity.append(rng.gammavariate(0.8, 1.0))
        if vulnerability:
            place.vulnerable.add(household_id)
        self.households[household_id] = (contact, phone)
        return (household_id, building_id, room, contact, phone, bool(vulnerability),
                vulnerability, note)  # fmt: skip

    # -- people ------------------------------------------------------------------------------

    def people(self, advance: Advance) -> dict[str, int]:
        """Members for a share of households, one or two leaders per community, the operator."""
        rng, scale = self.rng, self.scale
        joined = local(self.today - timedelta(days=scale.days + 30), 10)
        user_rows: list[tuple] = []
        member_rows: list[tuple[int, int]] = []
        leader_rows: list[tuple[int, int, int, bool]] = []
        leads_rows: list[tuple[int, int]] = []
        leader_id = next_id(Leader)
        self.logins[OPERATOR] = self._user(
            user_rows, username=OPERATOR, name="平台运营 " + names.person(rng), staff=True,
            joined=joined,
        )  # fmt: skip
        for place in self.places:
            # Who signs up: keen households more often than others.
            signed = [
                household
                for household, keen in zip(place.households, place.propensity, strict=True)
                if self.households[household][1]
                and rng.random() < scale.member_share * min(1.8, 0.55 + 0.55 * keen)
            ]
            # Leaders are residents who signed up; big compounds often have two.
            able = [h for h in signed if h not in place.vulnerable]
            count = 2 if len(place.households) > 500 and rng.random() < 0.6 else 1
            leading = rng.sample(able, min(count, len(able)))
            usernames: dict[int, str] = {}
            if place.index == 0:
                usernames[leading[0]] = LEADER
                keen = dict(zip(place.households, place.propensity, strict=True))
                others = [h for h in able if h not in leading]
                usernames[max(others, key=lambda h: keen[h])] = MEMBER
            for household in signed:
                contact, phone = self.households[household]
                user_id = self._user(
                    user_rows, username=usernames.get(household, phone), name=contact,
                    phone=phone, joined=joined + timedelta(days=rng.randint(0, scale.days)),
                )  # fmt: skip
                member_rows.append((user_id, household))
                place.placer[household] = user_id
                if household in usernames:
                    self.logins[usernames[household]] = user_id
                if rng.random() < 0.12:  # someone else in the flat signs up too
                    other = names.phone(rng, self.phones)
                    second = self._user(
                        user_rows, username=other, name=names.person(rng), phone=other,
                        joined=joined + timedelta(days=rng.randint(0, scale.days)),
                    )  # fmt: skip
                    member_rows.append((second, household))
            for household in leading:
                commission = rng.choice(range(800, 1550, 50))
                leader_rows.append((leader_id, place.placer[household], commission, True))
                leads_rows.append((leader_id, place.id))
                place.leaders.append((leader_id, place.placer[household]))
                leader_id += 1
            place.rhythm = _rhythm(rng)
            advance(1)
        self._insert_users(user_rows)
        Table(Member, ["user", "household"]).insert(member_rows)
        Table(Leader, ["id", "user", "commission_bp", "active"]).insert(leader_rows)
        Table(Leader.communities.through, ["leader", "community"]).insert(leads_rows)
        return {"members": len(member_rows), "leaders": len(leader_rows)}

    # -- suppliers ---------------------------------------------------------------------------

    def _supplier_name(self, kind: str, origin: str, taken: set[str]) -> str:
        rng = self.rng
        for attempt in range(400):
            if kind == Supplier.Kind.MERCHANT:
                name = (
                    rng.choice(names.MERCHANT_WORDS) + origin + rng.choice(names.MERCHANT_SUFFIXES)
                )
            else:
                suffixes = (
                    names.FARM_SUFFIXES if kind == Supplier.Kind.FARM else names.COOP_SUFFIXES
                )
                name = origin + rng.choice(names.FARM_WORDS) + rng.choice(suffixes)
            if attempt >= 200:  # a big city runs out of plain names: number the branches
                name += f"{attempt - 198}号基地" if kind != Supplier.Kind.MERCHANT else "分店"
            if name not in taken:
                taken.add(name)
                return name
        raise AssertionError("no free supplier name")

    def suppliers(self, advance: Advance) -> tuple[City, dict[str, int]]:
        """Suppliers (farms, co-ops, merchants), one staff user each, and their products."""
        rng, scale = self.rng, self.scale
        supplier_id = next_id(Supplier)
        product_id = next_id(Product)
        kinds = {Supplier.Kind.FARM: 40, Supplier.Kind.COOP: 30, Supplier.Kind.MERCHANT: 30}
        trades = {"蔬果": 3, "肉禽": 2, "水产": 2, "粮油": 2, "日用百货": 1, "乳品": 1}
        drafts = []
        for number in range(scale.suppliers):
            if number < len(NAMED_ORIGINS):
                kind = Supplier.Kind.COOP if number % 2 else Supplier.Kind.FARM
                origin = NAMED_ORIGINS[number]
            else:
                kind = Supplier.Kind(_pick(rng, kinds))
                origin = _pick(rng, trades if kind == Supplier.Kind.MERCHANT else ORIGINS)
            if kind == Supplier.Kind.MERCHANT:
                offer = [g for g in GOODS if g.category in TRADES[origin]]
                label = {
                    g: g.named_for(rng.choice(g.origins) if g.origins else None) for g in offer
                }
            else:
                offer = [g for g in GOODS if origin in g.origins]
                label = {g: g.named_for(origin) for g in offer}
            eligible = [(label[g], spec, cost, g) for g in offer for spec, cost in g.specs]
            weight = {"merchant": 1.4, "coop": 1.0, "farm": 0.8}[kind] * rng.uniform(0.6, 1.4)
            drafts.append((supplier_id + number, kind, origin, eligible, weight))
        counts = _shares(rng, scale.products, [len(d[3]) for d in drafts], [d[4] for d in drafts])

        wares: list[Ware] = []
        by_supplier: dict[int, list[Ware]] = {}
        product_rows = []
        for (sid, _kind, _origin, eligible, _weight), count in zip(drafts, counts, strict=True):
            mine = by_supplier.setdefault(sid, [])
            for label, spec, cost, good in sorted(rng.sample(eligible, count), key=lambda e: e[:2]):
                cost_fen, price_fen = _prices(rng, cost, good.category)
                unit = good.unit_for(spec)
                product_rows.append(
                    (product_id, sid, label, unit, spec, good.category, cost_fen, price_fen, True)
                )
                appeal = CATEGORY_APPEAL[good.category] * (1.5 if good.staple else 1.0)
                ware = Ware(product_id, sid, label, unit, good.category, cost_fen, price_fen, good,
                            appeal * rng.lognormvariate(0, 0.4))  # fmt: skip
                wares.append(ware)
                mine.append(ware)
                product_id += 1

        # Each community's leaders buy from a circle of suppliers covering every category.
        selling = [sid for sid, mine in by_supplier.items() if mine]
        circle = max(4, min(len(selling), round(len(selling) * 0.25)))
        categories = sorted({w.category for w in wares})
        for place in self.places:
            chosen = rng.sample(selling, min(circle, len(selling)))
            covered = {w.category for sid in chosen for w in by_supplier[sid]}
            for category in categories:
                if category not in covered:
                    options = [
                        s for s in selling if any(w.category == category for w in by_supplier[s])
                    ]
                    extra = rng.choice(options)
                    chosen.append(extra)
                    covered |= {w.category for w in by_supplier[extra]}
            place.suppliers = sorted(chosen)
        # The printed supplier sells fresh food in season to the showcase community.
        month = self.today.month
        fresh = [
            sid
            for sid in self.places[0].suppliers
            if any(w.category in FRESH and w.good.in_season(month) for w in by_supplier[sid])
        ]
        showcase = (fresh or self.places[0].suppliers)[0]

        taken: set[str] = set()
        joined = local(self.today - timedelta(days=self.scale.days + 60), 11)
        supplier_rows, user_rows, staff_rows = [], [], []
        supplier_users: dict[int, int] = {}
        for sid, kind, origin, _eligible, _weight in drafts:
            name = self._supplier_name(kind, origin, taken)
            region = "上海" if kind == Supplier.Kind.MERCHANT else origin
            contact = names.person(rng)
            phone = names.phone(rng, self.phones)
            supplier_rows.append((sid, name, kind.value, region, contact, phone, True))
            supplier_users[sid] = self._user(
                user_rows, username=SUPPLIER if sid == showcase else phone,
                name=f"{contact}（{name}）", phone=phone, joined=joined,
            )  # fmt: skip
            staff_rows.append((sid, supplier_users[sid]))
            advance(1)
        self.logins[SUPPLIER] = supplier_users[showcase]

        Table(Supplier, ["id", "name", "kind", "region", "contact_name", "phone", "active"]).insert(
            supplier_rows
        )
        Table(
            Product,
            ["id", "supplier", "name", "unit", "spec", "category", "cost_fen",
             "suggested_price_fen", "active"],
        ).insert(product_rows)  # fmt: skip
        self._insert_users(user_rows)
        Table(Supplier.users.through, ["supplier", "user"]).insert(staff_rows)
        city = City(
            places=self.places,
            wares=wares,
            wares_by_supplier=by_supplier,
            supplier_users=supplier_users,
            logins=dict(self.logins),
            showcase_supplier=showcase,
        )
        return city, {"suppliers": len(supplier_rows), "products": len(product_rows)}
