"""Reads of consumer connect: compliance, a participant's stays, a host's visitors, reports as
each reader may see them."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from . import rules
from .access import hosts_of, sees_identity
from .models import Host, Participant, Programme, Stay


@dataclass
class Standing:
    participant_id: int
    staff_no: str
    name: str
    department: str
    owed: int
    done: int

    @property
    def behind(self) -> int:
        return rules.behind(self.done, self.owed)


@dataclass
class Department:
    name: str
    participants: int = 0
    owed: int = 0
    done: int = 0
    behind_people: int = 0

    @property
    def share(self) -> float:
        return 0.0 if not self.owed else min(self.done, self.owed) / self.owed


def compliance(programme: Programme) -> list[Standing]:
    """Each participant's days done this year (checked-out stays of every programme of the
    year, by staff number) against their mandate in this programme."""
    done: dict[str, int] = defaultdict(int)
    rows = (
        Stay.objects.filter(programme__year=programme.year, status=Stay.Status.CHECKED_OUT)
        .values("participant__staff_no")
        .annotate(days=Sum("days_done"))
        .order_by()
    )
    for row in rows:
        done[row["participant__staff_no"]] += row["days"] or 0
    return [
        Standing(
            participant_id=pk,
            staff_no=staff_no,
            name=name,
            department=department,
            owed=rules.mandate(
                mandated_days=programme.mandated_days,
                new_staff_days=programme.new_staff_days,
                new_staff=new_staff,
            ),
            done=done.get(staff_no, 0),
        )
        for pk, staff_no, name, department, new_staff in Participant.objects.filter(
            programme=programme
        )
        .order_by("department", "staff_no")
        .values_list("pk", "staff_no", "name", "department", "new_staff")
    ]


def departments(standings: list[Standing]) -> list[Department]:
    found: dict[str, Department] = {}
    for s in standings:
        d = found.setdefault(s.department, Department(s.department))
        d.participants += 1
        d.owed += s.owed
        d.done += min(s.done, s.owed)
        d.behind_people += s.behind > 0
    return sorted(found.values(), key=lambda d: (d.share, d.name))


def behind(programme: Programme) -> list[Standing]:
    return [s for s in compliance(programme) if s.behind > 0]


def stays_of_user(user) -> QuerySet[Stay]:
    return (
        Stay.objects.filter(participant__user=user)
        .select_related("host", "programme", "participant")
        .order_by("-starts_on", "-id")
    )


def visitors_of_user(user) -> QuerySet[Stay]:
    """The stays at the hosts the user acts for (household, shop, farm), newest first."""
    pairs = hosts_of(user)
    if not pairs:
        return Stay.objects.none()
    from django.db.models import Q

    match = Q(pk__in=[])
    for kind, owner in pairs:
        field = {"household": "household_id", "farm": "supplier_id", "shop": "leader_id"}[kind]
        match |= Q(kind=kind, **{field: owner})
    return (
        Stay.objects.filter(host__in=Host.objects.filter(match))
        .exclude(status=Stay.Status.CANCELLED)
        .select_related("host", "programme", "participant")
        .order_by("starts_on", "id")
    )


def host_shown(user, host: Host) -> str:
    """Who the host is, to this reader: the household, farm or shop with the permission,
    the host's label otherwise."""
    if not sees_identity(user):
        return host.label
    if host.kind == Host.Kind.HOUSEHOLD and host.household_id:
        from linli.communities.models import Household

        household = Household.objects.select_related("building").get(pk=host.household_id)
        return f"{host.label}（{household.building} {household.room} {household.contact_name}）"
    if host.kind == Host.Kind.FARM and host.supplier_id:
        from linli.catalog.models import Supplier

        return f"{host.label}（{Supplier.objects.get(pk=host.supplier_id).name}）"
    return host.label


def tag_paths() -> list[tuple[int, str]]:
    """Every tag with its path from the top (``食物 › 冷链``), in the order of the paths."""
    from .models import Tag

    rows = {
        pk: (name, parent)
        for pk, name, parent in Tag.objects.values_list("pk", "name", "parent_id")
    }

    def path(pk: int) -> str:
        name, parent = rows[pk]
        return name if parent is None or parent not in rows else f"{path(parent)} › {name}"

    return sorted(((pk, path(pk)) for pk in rows), key=lambda row: row[1])


def unplaced_of(run) -> list[tuple[str, str, str, str]]:
    """The first participants a matching run could not place: (staff number, name,
    department, reason code), as its report lists them."""
    rows = run.report.get("unplaced", [])[:100]
    found = {
        pk: (staff_no, name, department)
        for pk, staff_no, name, department in Participant.objects.filter(
            pk__in=[row["participant"] for row in rows]
        ).values_list("pk", "staff_no", "name", "department")
    }
    return [
        (*found[row["participant"]], row["reason"]) for row in rows if row["participant"] in found
    ]


def pairings_of(programme: Programme) -> QuerySet:
    from .models import Pairing

    return (
        Pairing.objects.filter(participant__programme=programme)
        .select_related("participant", "host")
        .order_by("-id")
    )


def action_owners() -> QuerySet:
    """Who may own an action: active staff members."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


def highlights_of(report) -> QuerySet:
    """A report's highlights with their tags and the insights citing them, first first."""
    from .models import Highlight

    return (
        Highlight.objects.filter(note__report=report)
        .select_related("note")
        .prefetch_related("tags", "insights")
        .order_by("note__position", "start", "id")
    )


def photo_for(user, photo_id: int):
    """A report's photo, for those who may read the report: its participant and operators
    who run programmes; :class:`~.errors.PhotoNotFound` for anyone else, as for no photo."""
    from .access import is_runner
    from .errors import PhotoNotFound
    from .models import Photo

    photo = Photo.objects.select_related("report__stay__participant").filter(pk=photo_id).first()
    if photo is None:
        raise PhotoNotFound()
    participant = photo.report.stay.participant
    mine = bool(participant.user_id is not None and participant.user_id == user.pk)
    if not (mine or is_runner(user)):
        raise PhotoNotFound()
    return photo
