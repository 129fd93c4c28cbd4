"""The demo city's consumer-connect programme (走进用户): 2,000 participants (staff by department,
leaders, partner officials) imported from a sheet; hosts from households that agreed to host
(among them the printed member's), farms among the suppliers and leaders' shops; one matching
run; the first weeks' stays confirmed, checked in and out (meal fees on the ledger); reports in
Chinese with highlights, nested tags, insights and an action. The operator runs the programme
and is a participant too (my stays, a report). Deterministic for a seed and a day."""

import csv
import io
import random
from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from linli.accounts.models import User
from linli.catalog.models import Supplier
from linli.communities.consent_texts import CONSENT_TEXTS
from linli.communities.models import Consent, Household, Leader, Member
from linli.connect import importing, planning, services
from linli.connect.models import Host, Participant, Programme, Stay

from . import names
from .city import MEMBER, OPERATOR, City

PARTICIPANTS = 2000
HOSTS_PER_COMMUNITY = 40
DEPARTMENTS = ("采购部", "运营部", "品控部", "客服部", "物流部", "技术部", "团长", "区商务委")
DIALECTS = ("普通话", "上海话", "重庆话")
PROFILES = ("elderly_alone", "young_family", "other")
REPORTS = (
    (
        "在{host}的一周",
        [
            ("observe", "etic", "家里冰箱很小，蔬菜一次只能买两天的量，剩下的放在阳台上。"),
            ("listen", "emic", "早上七点取货太早了，我们上班的人根本来不及。", True),
            ("dialogue", "emic", "她希望傍晚六点以后也能在小区门口取货。", False),
        ],
    ),
    (
        "跟着{host}下地",
        [
            ("observe", "etic", "凌晨四点就开始采摘，装箱用的纸箱经常被压坏。"),
            ("listen", "emic", "冷链车到得晚，青菜放一上午就蔫了。", True),
            ("dialogue", "emic", "他说如果能提前一天知道团购数量，就能少浪费一半。", False),
        ],
    ),
    (
        "{host}的团长店铺",
        [
            ("observe", "etic", "下午三点店里排队的大多是老人，手机扫码付款有困难。"),
            ("listen", "emic", "老人们说接龙的格式太复杂，常常填错楼号。", False),
            ("dialogue", "emic", "团长建议给老人留一个现金付款的窗口。", False),
        ],
    ),
)


def _point(index: int, rng: random.Random) -> tuple[float, float]:
    """Where community ``index`` is: a grid over the city, 3 km apart, with some scatter."""
    return (
        31.10 + 0.027 * (index % 8) + rng.uniform(-0.004, 0.004),
        121.30 + 0.032 * (index // 8) + rng.uniform(-0.004, 0.004),
    )


def _consent(households: list[int], purpose: str) -> None:
    """The households' yes, as each would have given it on their own page."""
    version = CONSENT_TEXTS[purpose].version
    Consent.objects.bulk_create(
        [
            Consent(household_id=h, purpose=purpose, granted=True, text_version=version)
            for h in households
        ]
    )


def _sheet(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def build(city: City, *, seed: int, now: datetime) -> dict[str, int]:
    rng = random.Random(seed * 16 + 5)
    today = timezone.localdate(now)
    operator = User.objects.get(pk=city.logins[OPERATOR])
    operator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="connect", codename__in=["run_programme", "see_host_identity"]
        )
    )
    operator = User.objects.get(pk=operator.pk)
    # The programme began two weeks ago, so that its first stays are done.
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=2)
    programme = services.create_programme(
        actor=operator,
        values={
            "name": f"{monday.year} 走进用户 · 春季",
            "starts_on": monday,
            "weeks": 8,
            "stay_days": 7,
            "mandated_days": 7,
            "max_distance_km": 40,
        },
    )
    # Hosts: households that agreed (the printed member's among them), farms, leaders' shops.
    member = User.objects.get(pk=city.logins[MEMBER])
    own = Member.objects.filter(user=member).values_list("household_id", flat=True).first()
    places = {place.id: (i, place) for i, place in enumerate(city.places)}
    chosen: list[int] = []
    for _i, place in places.values():
        chosen += rng.sample(place.households, min(HOSTS_PER_COMMUNITY, len(place.households)))
    if own is not None and own not in chosen:
        chosen.append(own)
    _consent(chosen, Consent.Purpose.CONNECT_HOST)
    # A third of them also agreed to be quoted in the reports.
    _consent(chosen[::3], Consent.Purpose.QUOTED)
    community_of = dict(
        Household.objects.filter(pk__in=chosen).values_list("pk", "building__community_id")
    )
    rows = [["类型", "编号", "名称", "画像", "纬度", "经度", "可接待周", "语言", "无障碍"]]
    for household in chosen:
        index, place = places[community_of[household]]
        lat, lon = _point(index, rng)
        weeks = sorted(rng.sample(range(1, 9), 5))
        rows.append(
            ["家庭", household, f"{place.name}的一户人家", rng.choice(PROFILES), lat, lon,
             ",".join(map(str, weeks)), rng.choice(DIALECTS), "是" if rng.random() < 0.3 else ""]
        )  # fmt: skip
    farms = list(Supplier.objects.filter(kind=Supplier.Kind.FARM).values_list("pk", "name"))
    for supplier, name in farms:
        lat, lon = _point(rng.randrange(len(places)), rng)
        rows.append(["农场", supplier, name, "farmer", lat - 0.05, lon - 0.05, "", "", ""])
    shops: set[int] = set()
    for leader, community in Leader.objects.values_list("pk", "communities").order_by("pk"):
        if community not in places or leader in shops or rng.random() < 0.5:
            continue
        shops.add(leader)
        index, place = places[community]
        lat, lon = _point(index, rng)
        rows.append(["店铺", leader, f"{place.name}团长的店", "shopkeeper", lat, lon, "", "", "是"])
    importing.import_hosts(actor=operator, programme=programme, data=_sheet(rows))
    # Participants: 2,000 from a sheet, living around the communities; the operator is one.
    rows = [["工号", "姓名", "部门", "类型", "新员工", "纬度", "经度", "语言", "无障碍"]]
    for n in range(PARTICIPANTS):
        department = rng.choice(DEPARTMENTS)
        kind = {"团长": "团长", "区商务委": "官员"}.get(department, "员工")
        lat, lon = _point(rng.randrange(len(places)), rng)
        rows.append(
            [f"LL{n:05d}", names.person(rng), department, kind, "是" if rng.random() < 0.08 else "否",
             lat, lon, "普通话、" + rng.choice(DIALECTS), "是" if rng.random() < 0.03 else ""]
        )  # fmt: skip
    importing.import_participants(actor=operator, programme=programme, data=_sheet(rows))
    Participant.objects.filter(programme=programme, staff_no="LL00000").update(user=operator)
    planning.run(actor=operator, programme=programme)
    # The first two weeks: confirmed, checked in and out (the meal fees posted), written up.
    done = list(
        Stay.objects.filter(programme=programme, week__lt=2)
        .select_related("host")
        .order_by("week", "id")
    )
    first = Stay.objects.filter(programme=programme, participant__user=operator).first()
    if first is not None and first.week >= 2:
        done.append(first)
    reports = []
    for stay in done:
        services.confirm_stay(actor=operator, stay_id=stay.pk)
        start = timezone.make_aware(datetime.combine(stay.starts_on, datetime.min.time()))
        # The printed member's household hosts, its visitor confirmed but not yet arrived: its
        # wallet holds only what its orders moved (the demo's tests check it to the fen).
        if stay.starts_on > today or stay.host.household_id == own:
            continue
        services.check_in(actor=operator, stay_id=stay.pk, at=start + timedelta(hours=9))
        services.check_out(actor=operator, stay_id=stay.pk, at=start + timedelta(days=6, hours=17))
        kinds = [r.host.kind for r in reports]
        if (
            kinds.count(stay.host.kind) < {"household": 40, "farm": 12, "shop": 8}[stay.host.kind]
            or stay.participant.user_id == operator.pk
        ):
            reports.append(stay)
    quoted = set(chosen[::3])
    notes = {}
    for n, stay in enumerate(reports):
        title, template = REPORTS[{"household": 0, "farm": 1, "shop": 2}[stay.host.kind]]
        notes[stay.pk] = services.write_report(
            actor=operator,
            stay_id=stay.pk,
            title=title.format(host=stay.host.label if n % 2 else "王阿姨家"),
            notes=[
                {
                    "part": part,
                    "voice": voice,
                    "text": text,
                    "quote": bool(rest and rest[0]) and stay.host.household_id in quoted,
                }
                for part, voice, text, *rest in template
            ],
        )
    pickup = services.create_tag(actor=operator, name="取货")
    late = services.create_tag(actor=operator, name="取货时间", parent_id=pickup.pk)
    cold = services.create_tag(actor=operator, name="冷链")
    elderly = services.create_tag(actor=operator, name="老人")
    spans: dict[str, list[int]] = {"late": [], "cold": [], "elderly": []}
    for report in notes.values():
        for note in report.notes.all():
            for key, word, tag in (
                ("late", "取货", late), ("cold", "冷链", cold), ("elderly", "老人", elderly)
            ):  # fmt: skip
                at = note.text.find(word)
                if at >= 0 and len(spans[key]) < 12:
                    span = services.highlight(
                        actor=operator, note_id=note.pk, start=at,
                        end=min(len(note.text), at + 14), tag_ids=[tag.pk],
                    )  # fmt: skip
                    spans[key].append(span.pk)
    made = 0
    for key, title, body in (
        ("late", "上班族需要傍晚取货", "早上七点的取货时间让上班的家庭来不及，傍晚六点后开放取货点。"),
        ("cold", "冷链到得晚，青菜蔫了", "农场到小区的冷链车应在上午十点前到达，并提前一天告知数量。"),
        ("elderly", "老人扫码付款有困难", "团长店铺给老人留现金付款窗口，接龙格式要简单。"),
    ):  # fmt: skip
        if spans[key]:
            insight = services.create_insight(
                actor=operator, programme_id=programme.pk, title=title, body=body,
                highlight_ids=spans[key],
            )  # fmt: skip
            made += 1
            if key == "late":
                action = services.create_action(
                    actor=operator, insight_id=insight.pk, kind="pickup_time",
                    title="试点傍晚六点到八点取货", owner_id=operator.pk,
                )  # fmt: skip
                services.update_action(
                    actor=operator, action_id=action.pk, status="done", link="/groupbuys/",
                    outcome="十个小区增加了傍晚取货时段，晚取货的订单占了三成。",
                )  # fmt: skip
    return {
        "participants": Participant.objects.filter(programme=programme).count(),
        "hosts": Host.objects.filter(programme=programme).count(),
        "stays": Stay.objects.filter(programme=programme).count(),
        "reports": len(notes),
        "insights": made,
    }


__all__ = ["PARTICIPANTS", "Programme", "build"]
