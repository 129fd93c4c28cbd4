"""The relationship book's tests: staff with its permissions, and a small book to work on."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from linli.relations import services
from linli.relations.models import Organisation, Person, Post

from .. import factories

ALL = ["view_person", "change_person", "view_contact", "review_interaction", "delete_person"]


def grant(user, *codenames: str):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="relations", codename__in=codenames)
    )
    for cached in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, cached):
            delattr(user, cached)
    return user


def staff_member(*codenames: str, username: str | None = None):
    kwargs = {"username": username} if username else {}
    return grant(factories.OperatorFactory(**kwargs), *(codenames or ALL))


@dataclass
class Book:
    staff: object  # every permission
    colleague: object  # every permission
    reader: object  # may read, no contact details, may not write
    street: Organisation
    committee: Organisation
    coop: Organisation
    wang: Person  # head of the residents' committee (an official)
    li: Person  # front line at the co-op
    zhang: Person  # manager at the co-op
    today: date


@pytest.fixture
def book(db) -> Book:
    staff = staff_member(username="xiaomei")
    colleague = staff_member(username="laochen")
    reader = staff_member("view_person", username="intern")
    spec = services.OrganisationSpec
    street = services.add_organisation(
        actor=staff, spec=spec(name="花木街道办事处", kind=Organisation.Kind.STREET_OFFICE)
    )
    committee = services.add_organisation(
        actor=staff,
        spec=spec(
            name="幸福里居委会", kind=Organisation.Kind.RESIDENTS_COMMITTEE, parent_id=street.pk
        ),
    )
    coop = services.add_organisation(
        actor=staff, spec=spec(name="崇明绿色合作社", kind=Organisation.Kind.COOP, tags=["蔬菜"])
    )
    wang = services.add_person(
        actor=staff,
        spec=services.PersonSpec(name="王建国", phone="13800001111", birthday=date(1970, 3, 8)),
    )
    li = services.add_person(
        actor=staff, spec=services.PersonSpec(name="李芳", phone="13900002222")
    )
    zhang = services.add_person(
        actor=staff, spec=services.PersonSpec(name="张三", wechat="zhangsan_wx", tags=["农民"])
    )
    today = timezone.localdate()
    long_ago = today - timedelta(days=2000)
    for person, organisation, level in (
        (wang, committee, Post.Level.HEAD),
        (li, coop, Post.Level.FRONT_LINE),
        (zhang, coop, Post.Level.MANAGER),
    ):
        services.add_post(
            actor=staff,
            spec=services.PostSpec(
                person_id=person.pk,
                organisation_id=organisation.pk,
                level=level,
                started_on=long_ago,
            ),
        )
    return Book(staff, colleague, reader, street, committee, coop, wang, li, zhang, today)
