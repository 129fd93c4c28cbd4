"""The warmest path through who knows whom, and the Excel import (all or nothing)."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from linli.relations import paths, services
from linli.relations.importing import import_people
from linli.relations.models import Organisation, Person, Post
from tests.apiclient import Api


def test_the_warmest_path_prefers_strong_ties():
    graph = paths.graph_of(
        [(1, 10, 0.5), (2, 11, 4.0)],
        [(11, 12, "colleague"), (10, 12, "family")],
    )
    cost, steps = paths.warmest(graph, 12)
    # Staff 2 → 11 (4.0) → 12 (colleague 3.0): 0.25 + 0.333 beats 2.0 + 0.2.
    assert [(s.kind, s.id) for s in steps] == [("staff", 2), ("person", 11), ("person", 12)]
    assert cost == pytest.approx(1 / 4 + 1 / 3)
    cost, steps = paths.warmest(graph, 12, from_staff=1)
    assert [s.id for s in steps] == [1, 10, 12]
    assert paths.warmest(graph, 99) is None
    assert paths.EVERYONE not in graph  # the search's start is taken away again


def test_the_path_through_the_api(book):
    services.log_interaction(
        actor=book.colleague, kind="meal", happened_on=book.today, person_ids=[book.zhang.pk]
    )
    services.add_tie(
        actor=book.staff, person_id=book.zhang.pk, other_id=book.wang.pk, kind="classmate"
    )
    body = Api(book.staff).get(f"/relations/people/{book.wang.pk}/path").json()
    assert body["found"] is True
    assert [step["name"] for step in body["steps"]] == [str(book.colleague), "张三", "王建国"]
    assert [step["strength"] for step in body["steps"]] == [0.0, 3.0, 3.0]
    alone = Api(book.staff).get(f"/relations/people/{book.li.pk}/path").json()
    assert alone == {"found": False, "cost": None, "steps": []}


def test_the_graph_is_read_again_only_when_the_book_changed(book, monkeypatch):
    reads = []
    read = paths.graph
    monkeypatch.setattr(paths, "graph", lambda today: reads.append(today) or read(today))
    services.log_interaction(
        actor=book.colleague, kind="meal", happened_on=book.today, person_ids=[book.zhang.pk]
    )
    path = f"/relations/people/{book.li.pk}/path"
    assert Api(book.staff).get(path).json()["found"] is False
    assert Api(book.staff).get(path).json()["found"] is False
    assert len(reads) == 1  # the second ask searched the graph already read
    services.add_tie(
        actor=book.staff, person_id=book.zhang.pk, other_id=book.li.pk, kind="colleague"
    )
    body = Api(book.staff).get(path).json()
    assert [step["name"] for step in body["steps"]] == [str(book.colleague), "张三", "李芳"]
    assert len(reads) == 2
    # A stronger tie of our own staff (a second meal today) is a change of the book too.
    services.log_interaction(
        actor=book.staff, kind="meal", happened_on=book.today, person_ids=[book.li.pk]
    )
    body = Api(book.staff).get(path).json()
    assert [step["name"] for step in body["steps"]] == [str(book.staff), "李芳"]
    assert len(reads) == 3


def sheet(*rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


HEADER = ("姓名", "电话", "单位", "单位类型", "职务", "级别", "任职开始", "任职结束", "标签")


def test_a_sheet_is_imported_whole(book):
    counts = import_people(
        actor=book.staff,
        data=sheet(
            HEADER,
            (
                "赵敏",
                "13700000001",
                "幸福里居委会",
                "居委会",
                "主任",
                "负责人",
                "2020-01-01",
                None,
                "居委,重要",
            ),
            ("钱进", 13700000002, "新物业公司", "物业", "经理", "经理", date(2022, 5, 1)),
            ("孙丽", None),
        ),
    )
    assert counts == {"people": 3, "organisations": 1, "posts": 2}
    zhao = Person.objects.get(name="赵敏")
    assert (zhao.pinyin, zhao.initials, zhao.tag_list) == ("zhaomin", "zm", ["居委", "重要"])
    post = Post.objects.get(person=zhao)
    assert (post.organisation, post.level, post.role) == (book.committee, "head", "主任")
    assert Person.objects.get(name="钱进").phone == "13700000002"
    assert Organisation.objects.filter(name="新物业公司", kind="property").exists()


def test_every_bad_row_is_reported_by_line_and_nothing_is_imported(book):
    before = Person.objects.count(), Organisation.objects.count(), Post.objects.count()
    with pytest.raises(services.errors.BadInput) as refused:
        import_people(
            actor=book.staff,
            data=sheet(
                HEADER,
                ("赵敏", "13700000001", "幸福里居委会", "居委会", "主任", "负责人", "2020-01-01"),
                ("王建国", "13800001111"),
                ("", "13700000003"),
                (
                    "钱进",
                    "13700000002",
                    "新物业公司",
                    "物业",
                    "经理",
                    "经理",
                    "2022-05-01",
                    "2021-01-01",
                ),
                ("赵敏", "13700000001"),
                ("周", None, "某单位", "不知道", None, "大官", "明天"),
            ),
        )
    with translation.override("en"):
        assert str(refused.value.message) == "5 rows are not right; nothing was imported."
        assert str(refused.value.details[0]["message"]) == (
            "王建国 with this phone number is already in the book."
        )
        assert str(refused.value.details[3]["message"]) == "The same person as on line 2."
    assert [(d["line"], d["field"]) for d in refused.value.details] == [
        (3, "name"),
        (4, "name"),
        (5, "ended"),
        (6, "name"),
        (7, "started"),
        (7, "kind"),
        (7, "level"),
    ]
    assert (Person.objects.count(), Organisation.objects.count(), Post.objects.count()) == before


def test_the_command_line(book, tmp_path, capsys):
    path = tmp_path / "people.xlsx"
    path.write_bytes(sheet(HEADER, ("赵敏", "13700000001")))
    call_command("relations", "import", str(path), "--as", book.staff.username)
    services.log_interaction(
        actor=book.staff,
        kind="visit",
        happened_on=book.today - timedelta(days=3),
        person_ids=[book.li.pk],
    )
    call_command("relations", "check")
    call_command("relations", "find", "zm", "--as", book.staff.username)
    out = capsys.readouterr().out
    assert "1 people, 0 new organisations, 0 posts imported." in out
    assert "1 relationships: stored == recomputed" in out
    assert "赵敏" in out and "zhaomin" in out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet(HEADER, ("赵敏", "13700000001")))
    with pytest.raises(
        CommandError, match=re.escape("1 rows are not right; nothing was imported.\n  - ")
    ):
        call_command("relations", "import", str(bad), "--as", book.staff.username)
    with pytest.raises(CommandError, match="This is not an Excel workbook"):
        call_command("relations", "import", __file__, "--as", book.staff.username)
