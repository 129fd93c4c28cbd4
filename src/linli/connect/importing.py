"""Participants and hosts from an Excel (.xlsx) or CSV sheet (``linli connect import``).

Every row is checked first; if any is wrong, each bad row is reported by its line and nothing
is written. Otherwise all rows are written in one transaction: a participant already in the
programme (same staff number) or a host already in it (same household, farm or shop) is
updated, the others added. The first row names the columns, in Chinese or English.

Participants: 工号 staff_no, 姓名 name, 部门 department, 类型 kind (员工/团长/官员), 新员工
new_staff (是/否), 纬度 latitude, 经度 longitude, 语言 languages, 无障碍 step_free, and
optionally 用户名 username: the participant's Linli account (an unknown one is the row's error;
when the sheet has the column, an empty cell means no account, and the link is updated).
Hosts: 类型 kind (家庭/农场/店铺), 编号 id (of the household, supplier or leader), 名称 label,
画像 profile (独居老人/年轻家庭/农户/店主/其他), 区 district, 纬度 latitude, 经度 longitude,
容量 capacity, 每年接待 stays_per_year, 可接待周 weeks (1,2,5; empty: all), 语言 languages,
无障碍 step_free. A household hosts only if it has agreed (``connect_host`` consent).
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from linli.catalog.models import Supplier
from linli.communities.models import Consent, Household, Leader
from linli.communities.selectors import consenting_household_ids
from linli.core import audit
from linli.core.errors import Message

from . import errors
from .limits import MAX_NAME, MAX_ROWS
from .models import Host, Participant, Programme

PARTICIPANT_COLUMNS = {
    "工号": "staff_no", "姓名": "name", "部门": "department", "类型": "kind",
    "新员工": "new_staff", "纬度": "latitude", "经度": "longitude", "语言": "languages",
    "无障碍": "step_free", "用户名": "username",
}  # fmt: skip
HOST_COLUMNS = {
    "类型": "kind", "编号": "id", "名称": "label", "画像": "profile", "区": "district",
    "纬度": "latitude", "经度": "longitude", "容量": "capacity", "每年接待": "stays_per_year",
    "可接待周": "weeks", "语言": "languages", "无障碍": "step_free",
}  # fmt: skip
PARTICIPANT_KINDS = {"员工": "staff", "团长": "leader", "官员": "official"} | {
    k: k for k in Participant.Kind.values
}
HOST_KINDS = {"家庭": "household", "农场": "farm", "店铺": "shop"} | {
    k: k for k in Host.Kind.values
}
PROFILES = {
    "独居老人": "elderly_alone", "年轻家庭": "young_family", "农户": "farmer",
    "店主": "shopkeeper", "其他": "other",
} | {k: k for k in Host.Profile.values}  # fmt: skip
YES = {"是", "有", "yes", "y", "true", "1", "√"}
NO = {"否", "无", "no", "n", "false", "0", ""}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read(data: bytes, columns: dict[str, str], required: set[str]) -> list[dict]:
    """The rows as ``{column: value}`` with their line numbers, from .xlsx or CSV."""
    names = columns | {english: english for english in columns.values()}
    if data[:2] == b"PK":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            lines: Any = book.worksheets[0].iter_rows(values_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged workbook
            raise errors.BadInput(_("This is not an Excel workbook (.xlsx).")) from error
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise errors.BadInput(_("This is neither an Excel workbook nor a CSV file."))
        lines = csv.reader(io.StringIO(text))
    header = [names.get(_text(cell), names.get(_text(cell).lower())) for cell in next(lines, ())]
    missing = sorted(required - set(header))
    if missing:
        raise errors.BadInput(
            Message(
                _("The first row must name the columns; missing: %(missing)s."),
                missing=", ".join(missing),
            )
        )
    found: list[dict] = []
    for number, cells in enumerate(lines, start=2):
        if all(cell in (None, "") for cell in cells):
            continue
        if len(found) >= MAX_ROWS:
            raise errors.BadInput(
                Message(_("Import at most %(most)s rows at a time."), most=MAX_ROWS)
            )
        found.append(
            {"line": number, **{key: cell for key, cell in zip(header, cells, strict=False) if key}}
        )
    return found


@dataclass
class Checker:
    line: int = 0
    problems: list[dict] = field(default_factory=list)

    def add(self, field_: str, message: Any) -> None:
        self.problems.append({"line": self.line, "field": field_, "message": message})

    def text(self, raw: dict, name: str, *, required: bool = False, most: int = MAX_NAME) -> str:
        value = _text(raw.get(name))
        if required and not value:
            self.add(name, _("This is required."))
        elif len(value) > most:
            self.add(name, Message(_("Write at most %(most)s characters."), most=most))
        return value

    def choice(self, raw: dict, name: str, choices: dict[str, str], default: str = "") -> str:
        value = _text(raw.get(name))
        if not value and default:
            return default
        found = choices.get(value) or choices.get(value.lower())
        if found is None:
            self.add(
                name,
                Message(
                    _("Give one of: %(choices)s."),
                    choices=", ".join(k for k in choices if not k.isascii()),
                ),
            )
            return default
        return found

    def flag(self, raw: dict, name: str) -> bool:
        value = _text(raw.get(name)).lower()
        if value in YES:
            return True
        if value not in NO:
            self.add(name, _("Write 是 or 否."))
        return False

    def number(self, raw: dict, name: str, low: float, high: float, *, whole=False) -> float:
        value = _text(raw.get(name))
        try:
            number = float(value)
        except ValueError:
            self.add(name, _("Give a number."))
            return low
        if not low <= number <= high or (whole and not number.is_integer()):
            self.add(
                name,
                Message(
                    _("Give a %(kind)s from %(low)s to %(high)s."),
                    kind=_("whole number") if whole else _("number"),
                    low=low,
                    high=high,
                ),
            )
            return low
        return number


def _refuse(problems: list[dict]) -> None:
    if problems:
        raise errors.BadInput(
            Message(
                _("%(count)s rows are not right; nothing was imported."),
                count=len({p["line"] for p in problems}),
            ),
            details=sorted(problems, key=lambda p: p["line"]),
        )


def _languages(value: str) -> str:
    parts = [p.strip() for p in value.replace("，", ",").replace("、", ",").split(",")]
    return "," + ",".join(p for p in parts if p) + "," if any(parts) else ""


def _accounts(usernames: set[str]) -> dict[str, int]:
    """The active Linli accounts of these usernames, in one query."""
    from django.contrib.auth import get_user_model

    return dict(
        get_user_model()
        .objects.filter(username__in=usernames, is_active=True)
        .values_list("username", "pk")
    )


def _account(check: Checker, raw: dict, accounts: dict[str, int], seen: dict[str, int]):
    """The row's account by its username, or ``None`` for an empty cell; an unknown or
    repeated username is the row's error."""
    username = check.text(raw, "username", most=150)
    if not username:
        return None
    if username not in accounts:
        check.add(
            "username",
            Message(
                _("There is no Linli account with the username %(username)s."), username=username
            ),
        )
        return None
    if username in seen:
        check.add(
            "username", Message(_("The same username as on line %(line)s."), line=seen[username])
        )
    seen.setdefault(username, check.line)
    return accounts[username]


def import_participants(*, actor, programme: Programme, data: bytes) -> dict[str, int]:
    rows = read(data, PARTICIPANT_COLUMNS, {"staff_no", "name", "department"})
    check = Checker()
    found: list[Participant] = []
    seen: dict[str, int] = {}
    with_accounts = any("username" in raw for raw in rows)
    accounts = _accounts({_text(raw.get("username")) for raw in rows} - {""})
    seen_accounts: dict[str, int] = {}
    for raw in rows:
        check.line = raw["line"]
        staff_no = check.text(raw, "staff_no", required=True, most=32)
        if staff_no in seen:
            check.add(
                "staff_no",
                Message(_("The same staff number as on line %(line)s."), line=seen[staff_no]),
            )
        seen.setdefault(staff_no, check.line)
        found.append(
            Participant(
                programme=programme,
                staff_no=staff_no,
                name=check.text(raw, "name", required=True),
                department=check.text(raw, "department", required=True),
                kind=check.choice(raw, "kind", PARTICIPANT_KINDS, default="staff"),
                new_staff=check.flag(raw, "new_staff"),
                latitude=check.number(raw, "latitude", -90, 90),
                longitude=check.number(raw, "longitude", -180, 180),
                languages=_languages(check.text(raw, "languages", most=100)),
                needs_step_free=check.flag(raw, "step_free"),
                user_id=_account(check, raw, accounts, seen_accounts),
            )
        )
    _refuse(check.problems)
    with transaction.atomic():
        before = Participant.objects.filter(programme=programme).count()
        Participant.objects.bulk_create(
            found,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["programme", "staff_no"],
            update_fields=[
                "name", "department", "kind", "new_staff", "latitude", "longitude",
                "languages", "needs_step_free", *(["user"] if with_accounts else []),
            ],
        )  # fmt: skip
        after = Participant.objects.filter(programme=programme).count()
        counts = {"added": after - before, "updated": len(found) - (after - before)}
        audit.record(
            actor=actor,
            action="connect.participants_imported",
            target=programme,
            data=counts,
        )
    return counts


def import_hosts(*, actor, programme: Programme, data: bytes) -> dict[str, int]:
    rows = read(data, HOST_COLUMNS, {"kind", "id", "label"})
    check = Checker()
    found: list[Host] = []
    seen: dict[tuple[str, int], int] = {}
    owners: dict[str, set[int]] = {"household": set(), "farm": set(), "shop": set()}
    lines: list[tuple[int, str, int]] = []
    for raw in rows:
        check.line = raw["line"]
        kind = check.choice(raw, "kind", HOST_KINDS)
        owner = int(check.number(raw, "id", 1, 2**62, whole=True))
        if kind:
            if (kind, owner) in seen:
                check.add(
                    "id", Message(_("The same host as on line %(line)s."), line=seen[kind, owner])
                )
            seen.setdefault((kind, owner), check.line)
            owners[kind].add(owner)
            lines.append((check.line, kind, owner))
        weeks_text = _text(raw.get("weeks")).replace("，", ",")
        weeks: list[int] = []
        for part in filter(None, (w.strip() for w in weeks_text.split(","))):
            if not part.isdigit() or not 1 <= int(part) <= programme.weeks:
                check.add(
                    "weeks",
                    Message(_("Give week numbers from 1 to %(weeks)s."), weeks=programme.weeks),
                )
                break
            weeks.append(int(part) - 1)
        found.append(
            Host(
                programme=programme,
                kind=kind or "household",
                household_id=owner if kind == "household" else None,
                supplier_id=owner if kind == "farm" else None,
                leader_id=owner if kind == "shop" else None,
                label=check.text(raw, "label", required=True),
                profile=check.choice(raw, "profile", PROFILES, default="other"),
                district=check.text(raw, "district", most=40),
                latitude=check.number(raw, "latitude", -90, 90),
                longitude=check.number(raw, "longitude", -180, 180),
                capacity=int(check.number(raw, "capacity", 1, 20, whole=True))
                if _text(raw.get("capacity"))
                else 1,
                stays_per_year=int(check.number(raw, "stays_per_year", 1, 52, whole=True))
                if _text(raw.get("stays_per_year"))
                else programme.host_stays_per_year,
                available_weeks=sorted(set(weeks)),
                languages=_languages(check.text(raw, "languages", most=100)),
                step_free=check.flag(raw, "step_free"),
            )
        )
    known = {
        "household": set(Household.objects.filter(pk__in=owners["household"]).values_list("pk", flat=True)),
        "farm": set(Supplier.objects.filter(pk__in=owners["farm"]).values_list("pk", flat=True)),
        "shop": set(Leader.objects.filter(pk__in=owners["shop"]).values_list("pk", flat=True)),
    }  # fmt: skip
    agreed = set(
        consenting_household_ids(Consent.Purpose.CONNECT_HOST)
        .filter(pk__in=owners["household"])
        .values_list("pk", flat=True)
    )
    for line, kind, owner in lines:
        check.line = line
        if kind not in programme.kinds:
            check.add("kind", _("This programme does not place participants with such hosts."))
        elif owner not in known[kind]:
            check.add("id", Message(_("There is no %(kind)s %(id)s."), kind=kind, id=owner))
        elif kind == "household" and owner not in agreed:
            check.add("id", Message(errors.NoConsent.template, household=owner))
    _refuse(check.problems)
    with transaction.atomic():
        added = updated = 0
        existing = {host.key: host for host in Host.objects.filter(programme=programme).order_by()}
        fields = [
            "label", "profile", "district", "latitude", "longitude", "capacity",
            "stays_per_year", "available_weeks", "languages", "step_free",
        ]  # fmt: skip
        new, changed = [], []
        for host in found:
            old = existing.get(host.key)
            if old is None:
                new.append(host)
                continue
            for name in fields:
                setattr(old, name, getattr(host, name))
            old.active = True
            changed.append(old)
        Host.objects.bulk_create(new, batch_size=2000)
        Host.objects.bulk_update(changed, [*fields, "active"], batch_size=2000)
        added, updated = len(new), len(changed)
        counts = {"added": added, "updated": updated}
        audit.record(actor=actor, action="connect.hosts_imported", target=programme, data=counts)
    return counts
