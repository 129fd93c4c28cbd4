"""A supplier's every page, file and API answer holds no household's name, room or phone (nor
a member's display name, nor a nickname from the book): one table-driven walk over every page
of the site and every operation of the API, as the supplier, in the world the permission
table builds (a formed group buy with the supplier's purchase order, a delivery, an
after-sales report with a photo, payments, notices, a nickname).

A page whose address takes an argument this walk cannot fill fails the test: add it to
ARGUMENTS, and the new page is walked too."""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from linli.communities.models import Household
from linli.core.formatting import mask_phone
from linli.jielong.models import NicknameBook

from ..test_permissions import TABLE, World, build_world, file_text

pytestmark = pytest.mark.django_db

#: A page's address argument → the world's id that fills it.
ARGUMENTS = {
    "notice_id": "notice",
    "group_buy_id": "formed_gb",
    "order_id": "formed_order",
    "report_id": "report",
    "position": 1,
    "person_id": "rel_person",
    "organisation_id": "rel_org",
    "reminder_id": "rel_reminder",
    "token": "no-such-token",
    "copy_id": "copy",
    "purpose": "marketing",
    "change_id": "room_change",
    "community_id": "community",
    "building_id": "building",
    "purchase_order_id": "purchase_order",
    "supplier_id": "supplier_id",
    "photo_id": 1,
    "stay_id": "cx_checked_in",
    "action": "confirm",
    "programme_id": "cx_programme",
    "insight_id": "cx_insight",
    "code": "rw_code",
}
FILES = ("application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def pages(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(("api/", "admin/")):
                continue  # the API is walked by its table; the admin is operators' only
            found.extend(pages(pattern.url_patterns, route))
        else:
            found.append((route, pattern))
    return found


def fill(route: str, world: World) -> str:
    path = route
    for converter, name in _arguments(route):
        value = ARGUMENTS.get(name)
        assert value is not None, f"add {name!r} (in {route}) to ARGUMENTS"
        filled = world.ids[value] if isinstance(value, str) and value in world.ids else value
        path = path.replace(f"<{converter}:{name}>" if converter else f"<{name}>", str(filled))
    return "/" + path


def _arguments(route: str) -> list[tuple[str, str]]:
    return [
        (match.group(1) or "", match.group(2))
        for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route)
    ]


def answer_text(response) -> str:
    kind = response.get("Content-Type", "").split(";")[0]
    if kind in FILES:
        return file_text(response)
    body = response.content.decode("utf-8", errors="replace")
    if kind == "application/json":
        body += json.dumps(response.json(), ensure_ascii=False)
    return body


def household_words() -> dict[str, str]:
    words = {}
    for household in Household.objects.select_related("building"):
        words[household.contact_name] = f"name of household {household.pk}"
        words[household.room] = f"room of household {household.pk}"
        if household.phone:
            words[household.phone] = f"phone of household {household.pk}"
            words[mask_phone(household.phone)] = f"masked phone of household {household.pk}"
        for member in household.members.select_related("user"):
            words[member.user.display_name] = f"display name of a member of {household.pk}"
    for entry in NicknameBook.objects.all():
        words[entry.nickname] = f"nickname of household {entry.household_id}"
    return words


def distinctive(hood) -> None:
    """Names, rooms, phones and display names no page would print by chance."""
    for number, household in enumerate(Household.objects.order_by("pk"), start=1):
        Household.objects.filter(pk=household.pk).update(
            contact_name=f"隐名{number}号户", room=f"R77{number:02d}", phone=f"1390077{number:04d}"
        )
        for member in household.members.select_related("user"):
            member.user.display_name = f"昵显{number}-{member.user.pk}"
            member.user.save(update_fields=["display_name"])
    for household in hood.households:
        household.refresh_from_db()


@pytest.fixture
def world(hood, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    distinctive(hood)
    return build_world(hood)


def walk(world: World, role: str, words: dict[str, str]) -> tuple[list[str], list[str]]:
    """Every page and every API answer ``role`` gets with a success: (what was seen, what in
    it named a household)."""
    pages_client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    pages_client.force_login(world.users[role])
    seen, leaks = [], []
    for route, _pattern in pages():
        path = fill(route, world)
        response = pages_client.get(path)
        if response.status_code == 200:
            seen.append(f"page {path}")
            text = answer_text(response)
            leaks.extend(f"page {path}: {what}" for word, what in words.items() if word in text)
    for endpoint, row in TABLE.items():
        method = endpoint.split(" ", 1)[0]
        if method != "GET" and row.expect[role] not in ("ok", 200, 201):
            continue  # only what the role may do: its answers are what it sees
        response = world.call(
            role,
            method,
            row.path.format(**world.ids),
            body=row.body(world, role) if row.body else None,
            query=row.query(world, role) if row.query else None,
            multipart=row.multipart,
        )
        if response.status_code < 300:
            seen.append(f"api {endpoint}")
            text = answer_text(response)
            leaks.extend(f"{endpoint}: {what}" for word, what in words.items() if word in text)
    return seen, leaks


def test_no_supplier_page_file_or_api_answer_names_a_household(world):
    words = household_words()
    assert len(words) >= 20
    seen, leaks = walk(world, "supplier", words)
    assert leaks == [], leaks
    # What the supplier does see, so the walk is not vacuous: its pages, its purchase order
    # as a page and as files, its after-sales reports.
    purchase_order = world.ids["purchase_order"]
    assert {"page /supply/", f"page /supply/purchase-orders/{purchase_order}/"} <= set(seen)
    assert {
        "api GET /purchase-orders/{purchase_order_id}.xlsx",
        "api GET /suppliers/{supplier_id}/after-sales",
    } <= set(seen), seen
    assert len(seen) >= 20, seen


def test_the_same_walk_finds_households_where_a_leader_looks(world):
    """The control: the words are found when they are there (the leader's sheets)."""
    _seen, leaks = walk(world, "leader", household_words())
    assert any(leak.startswith("page /lead/group-buys/") for leak in leaks), leaks
