"""Import people, their organisations and posts from an Excel sheet (``linli relations
import``). Every row is checked first; if any is wrong, each bad row is reported by its line
and nothing is written. Otherwise all of it is written in one transaction.

The first row names the columns, in Chinese or English (any order; only 姓名 is required):
姓名 name, 电话 phone, 微信 wechat, 邮箱 email, 生日 birthday, 单位 organisation, 单位类型
kind, 职务 role, 级别 level, 任职开始 started, 任职结束 ended, 标签 tags, 备注 notes.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from linli.core import audit
from linli.core.errors import Message

from . import errors, services
from .access import writer
from .limits import MAX_NAME
from .models import Organisation, Person, Post

COLUMNS = {
    "姓名": "name", "name": "name",
    "电话": "phone", "phone": "phone",
    "微信": "wechat", "wechat": "wechat",
    "邮箱": "email", "email": "email",
    "生日": "birthday", "birthday": "birthday",
    "单位": "organisation", "organisation": "organisation",
    "单位类型": "kind", "kind": "kind",
    "职务": "role", "role": "role",
    "级别": "level", "level": "level",
    "任职开始": "started", "started": "started",
    "任职结束": "ended", "ended": "ended",
    "标签": "tags", "tags": "tags",
    "备注": "notes", "notes": "notes",
}  # fmt: skip
KINDS = {
    "供应商": "supplier", "合作社": "coop", "物业": "property", "居委会": "residents_committee",
    "街道办": "street_office", "区局": "district_bureau", "学校": "school", "诊所": "clinic",
    "其他": "other", **{kind: kind for kind in Organisation.Kind.values},
}  # fmt: skip
LEVELS = {
    "一线": "front_line", "经理": "manager", "负责人": "head", "科员": "clerk",
    "科级": "section", "处级": "division", "局级": "bureau",
    **{level: level for level in Post.Level.values},
}  # fmt: skip
MAX_ROWS = 5000


@dataclass
class Row:
    line: int
    person: services.PersonSpec
    organisation: str
    kind: str
    role: str
    level: str
    started: date | None
    ended: date | None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _day(value, problems: list[dict], line: int, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value).replace("/", "-"))
    except ValueError:
        problems.append(
            {"line": line, "field": field, "message": _("Give a date like 2026-12-07.")}
        )
        return None


def read(data: bytes) -> list[dict]:
    """The sheet's rows as ``{column: value}`` with their line numbers, or an error."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise errors.BadInput(_("This is not an Excel workbook (.xlsx).")) from error
    lines = sheet.iter_rows(values_only=True)
    header = [
        COLUMNS.get(_text(cell).lower(), COLUMNS.get(_text(cell))) for cell in next(lines, ())
    ]
    if "name" not in header:
        raise errors.BadInput(
            _("The first row must name the columns, with 姓名 (name) among them.")
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


def check(rows: list[dict]) -> tuple[list[Row], list[dict]]:
    """Each row checked as the services would, and against the book and the rows above it."""
    problems: list[dict] = []
    checked: list[Row] = []
    seen: dict[tuple[str, str], int] = {}
    for raw in rows:
        line = raw["line"]
        here = services.Problems()
        spec = services.PersonSpec(
            name=_text(raw.get("name")),
            phone=_text(raw.get("phone")),
            wechat=_text(raw.get("wechat")),
            email=_text(raw.get("email")),
            birthday=_day(raw.get("birthday"), problems, line, "birthday"),
            notes=_text(raw.get("notes")),
            tags=[tag for tag in _text(raw.get("tags")).replace("，", ",").split(",") if tag],
        )
        values = services.check_person(spec, here)
        organisation = _text(raw.get("organisation"))
        kind = KINDS.get(_text(raw.get("kind")), "") if organisation else ""
        level = LEVELS.get(_text(raw.get("level")), "") if organisation else ""
        started = _day(raw.get("started"), problems, line, "started")
        ended = _day(raw.get("ended"), problems, line, "ended")
        if organisation:
            if not kind:
                here.add("kind", _("Give the organisation's kind, like 居委会 or 合作社."))
            if not level:
                here.add("level", _("Give the level, like 一线, 经理, 负责人 or 科级."))
            if started is None and raw.get("started") in (None, ""):
                here.add("started", _("Give the day the post started."))
            elif started is not None and ended is not None and ended < started:
                here.add(
                    "ended",
                    Message(
                        _("A post cannot end (%(ended)s) before it starts (%(started)s)."),
                        ended=ended.isoformat(),
                        started=started.isoformat(),
                    ),
                )
        key = (values["name"], values["phone"])
        if values["phone"]:
            earlier = Person.objects.filter(name=key[0], phone=key[1]).values_list("pk", flat=True)
            if key in seen:
                here.add(
                    "name",
                    Message(_("The same person as on line %(line)s."), line=seen[key]),
                )
            elif earlier.exists():
                here.add(
                    "name",
                    Message(
                        _("%(name)s with this phone number is already in the book."),
                        name=key[0],
                    ),
                )
            seen.setdefault(key, line)
        role = _text(raw.get("role"))
        if len(role) > MAX_NAME:
            here.add("role", Message(_("Write at most %(most)s characters."), most=MAX_NAME))
        problems += [{"line": line, **detail} for detail in here.details]
        checked.append(Row(line, spec, organisation, kind, role, level, started, ended))
    return checked, sorted(problems, key=lambda p: p["line"])


def import_people(*, actor, data: bytes) -> dict[str, int]:
    """Import a sheet: all of it, or nothing with every bad row reported by line."""
    writer(actor)
    rows, problems = check(read(data))
    if problems:
        raise errors.BadInput(
            Message(
                _("%(count)s rows are not right; nothing was imported."),
                count=len({p["line"] for p in problems}),
            ),
            details=problems,
        )
    people = organisations = posts = 0
    with transaction.atomic():
        known: dict[tuple[str, str], Organisation] = {}
        for row in rows:
            problems_ = services.Problems()
            values = services.check_person(row.person, problems_)
            person = Person.objects.create(**values)
            people += 1
            if not row.organisation:
                continue
            key = (row.organisation, row.kind)
            if key not in known:
                known[key], created = Organisation.objects.get_or_create(
                    name=row.organisation, kind=row.kind
                )
                organisations += created
            assert row.started is not None
            Post.objects.create(
                person=person,
                organisation=known[key],
                role=row.role,
                level=row.level,
                started_on=row.started,
                ended_on=row.ended,
            )
            posts += 1
        counts = {"people": people, "organisations": organisations, "posts": posts}
        audit.record(
            actor=actor,
            action="relations.imported",
            target_type="relations.person",
            target_id="",
            data=counts,
        )
    return counts
