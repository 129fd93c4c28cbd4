"""The relationship book for programs (operators with its permissions): people, organisations,
posts, ties, interactions, reminders, the warmest path and coverage. Thin: parse, call,
answer."""

from django.urls import reverse
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from linli.core.idempotency import idempotent
from linli.core.schemas import QueryId, QueryText

from . import selectors, services, texts
from .access import reader
from .models import Interaction
from .schemas import (
    CadenceIn,
    CalendarOut,
    CoverageOut,
    DoneOut,
    FavoursOut,
    GapOut,
    InteractionIn,
    InteractionOut,
    LeaderRecordOut,
    LevelOut,
    OrganisationIn,
    OrganisationOut,
    PathOut,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PostIn,
    PostOut,
    ReminderOut,
    ReviewIn,
    SeatOut,
    StepOut,
    SupplierRecordOut,
    TiedOut,
    TieIn,
    TieOut,
)

router = Router(tags=["relations"])


def interactions_out(interactions: list[Interaction]) -> list[InteractionOut]:
    names = selectors.interaction_names(interactions)
    return [
        InteractionOut(
            id=i.pk,
            kind=i.kind,
            kind_label=str(i.get_kind_display()),
            happened_on=i.happened_on,
            place=i.place,
            notes=i.notes,
            value_fen=i.value_fen,
            review=i.review,
            review_note=i.review_note,
            anonymised=i.anonymised,
            staff=names[i.pk][0],
            people=names[i.pk][1],
        )
        for i in interactions
    ]


def person_out(request, person_id: int) -> PersonDetailOut:
    view = selectors.person_view(reader(request.auth), person_id)
    person = view.person
    return PersonDetailOut(
        id=person.pk,
        name=person.name,
        pinyin=person.pinyin,
        initials=person.initials,
        phone=view.phone,
        wechat=view.wechat,
        email=view.email,
        birthday=person.birthday,
        notes=person.notes,
        tags=person.tag_list,
        official=view.official,
        posts=[
            PostOut(
                id=post.pk,
                organisation_id=post.organisation_id,
                organisation=post.organisation.name,
                level=post.level,
                level_label=str(post.get_level_display()),
                role=post.role,
                started_on=post.started_on,
                ended_on=post.ended_on,
            )
            for post in view.posts
        ],
        ties=[TiedOut(**tie.__dict__) for tie in view.ties],
        trend=[(day, round(value, 4)) for day, value in view.trend],
        interactions=interactions_out(view.interactions),
        favours=[FavoursOut(**favour.__dict__) for favour in view.favours],
        knows=[
            TieOut(kind=kind, person_id=other.pk, name=other.name) for kind, other in view.knows
        ],
    )


@router.get(
    "/relations/people",
    response=list[PersonOut],
    summary="Find people by Chinese name, pinyin or initials, organisation and tag (operator)",
)
@paginate
def list_people(
    request, q: QueryText = "", organisation_id: QueryId | None = None, tag: QueryText = ""
):
    who = reader(request.auth)
    found = selectors.people(who, q=q[:60], organisation_id=organisation_id, tag=tag[:20])
    return _Converted(found, lambda page: selectors.rows(who, page, timezone.localdate()))


@router.post("/relations/people", response={201: PersonDetailOut}, summary="Add a person")
@idempotent
def add_person(request, payload: PersonIn):
    person = services.add_person(
        actor=request.auth, spec=services.PersonSpec(**payload.model_dump())
    )
    return 201, person_out(request, person.pk)


@router.get("/relations/people/{person_id}", response=PersonDetailOut)
def get_person(request, person_id: int):
    return person_out(request, person_id)


@router.delete(
    "/relations/people/{person_id}",
    response=DoneOut,
    summary="Remove a person on request; their interactions are anonymised (PIPL)",
)
@idempotent
def remove_person(request, person_id: int):
    services.remove_person(actor=request.auth, person_id=person_id)
    return 200, DoneOut(done=1)


@router.post(
    "/relations/people/{person_id}/posts",
    response={201: PersonDetailOut},
    summary="Record a post (organisation, level, role, dates)",
)
@idempotent
def add_post(request, person_id: int, payload: PostIn):
    services.add_post(
        actor=request.auth, spec=services.PostSpec(person_id=person_id, **payload.model_dump())
    )
    return 201, person_out(request, person_id)


@router.post("/relations/people/{person_id}/ties", response={201: PersonDetailOut})
@idempotent
def add_tie(request, person_id: int, payload: TieIn):
    services.add_tie(
        actor=request.auth, person_id=person_id, other_id=payload.other_id, kind=payload.kind
    )
    return 201, person_out(request, person_id)


@router.put(
    "/relations/people/{person_id}/cadence",
    response=PersonDetailOut,
    summary="Keep in touch every N days; the strength below which the tie is fading",
)
@idempotent
def keep_in_touch(request, person_id: int, payload: CadenceIn):
    services.keep_in_touch(
        actor=request.auth,
        person_id=person_id,
        cadence_days=payload.cadence_days,
        keep_above=None if payload.keep_above is None else float(payload.keep_above),
    )
    return 200, person_out(request, person_id)


@router.get(
    "/relations/people/{person_id}/path",
    response=PathOut,
    summary="The warmest path from our staff (or one of them) to a person",
)
def warmest_path(request, person_id: int, from_staff: QueryId | None = None):
    found = selectors.warmest_path(reader(request.auth), person_id, from_staff=from_staff)
    if found is None:
        return PathOut(found=False, cost=None, steps=[])
    cost, steps = found
    return PathOut(found=True, cost=cost, steps=[StepOut(**step.__dict__) for step in steps])


@router.get("/relations/organisations", response=list[OrganisationOut])
@paginate
def list_organisations(request, q: QueryText = ""):
    found = selectors.organisations(reader(request.auth), q=q[:60])
    return _Converted(found, lambda page: [OrganisationOut.of(one) for one in page])


@router.post("/relations/organisations", response={201: OrganisationOut})
@idempotent
def add_organisation(request, payload: OrganisationIn):
    found = services.add_organisation(
        actor=request.auth, spec=services.OrganisationSpec(**payload.model_dump())
    )
    return 201, OrganisationOut.of(found)


@router.get(
    "/relations/organisations/{organisation_id}/coverage",
    response=CoverageOut,
    summary="Levels × people we know × strength, with the gaps marked",
)
def coverage(request, organisation_id: int):
    grid = selectors.coverage(reader(request.auth), organisation_id, user=request.auth)
    return CoverageOut(
        organisation=OrganisationOut.of(grid.organisation),
        levels=[
            LevelOut(level=level, label=label, seats=[SeatOut(**_seat(seat)) for seat in seats])
            for level, label, seats in grid.levels
        ],
        gaps=[
            GapOut(
                code=gap.code,
                level=gap.level,
                person=gap.person,
                message=texts.gap(gap, grid.organisation.name),
            )
            for gap in grid.gaps
        ],
        supplier=SupplierRecordOut(**grid.supplier.__dict__) if grid.supplier else None,
        leader=LeaderRecordOut(**grid.leader.__dict__) if grid.leader else None,
    )


def _seat(seat) -> dict:
    return {
        "person_id": seat.person_id,
        "name": seat.name,
        "strength": seat.strength,
        "known_by": seat.known_by,
        "ends_on": seat.ends_on,
    }


@router.post(
    "/relations/interactions",
    response={201: InteractionOut},
    summary="Log a visit, meal, call, message, event, gift or favour (resets the cadence)",
)
@idempotent
def log_interaction(request, payload: InteractionIn):
    interaction = services.log_interaction(actor=request.auth, **payload.model_dump())
    return 201, interactions_out([interaction])[0]


@router.get(
    "/relations/interactions/flagged",
    response=list[InteractionOut],
    summary="Gifts and meals with officials above the limit, waiting for a review",
)
@paginate
def flagged(request):
    return _Converted(selectors.flagged(reader(request.auth)), interactions_out)


@router.post("/relations/interactions/{interaction_id}/review", response=InteractionOut)
@idempotent
def review(request, interaction_id: int, payload: ReviewIn):
    interaction = services.review_interaction(
        actor=request.auth,
        interaction_id=interaction_id,
        approve=payload.approve,
        note=payload.note,
    )
    return 200, interactions_out([interaction])[0]


@router.get("/relations/reminders", response=list[ReminderOut], summary="My reminders")
@paginate
def reminders(request):
    return _Converted(selectors.open_reminders(reader(request.auth)), _reminders_out)


def _reminders_out(found) -> list[ReminderOut]:
    return [
        ReminderOut(
            id=r.pk,
            kind=r.kind,
            person_id=r.person_id,
            person=r.person.name,
            due_on=r.due_on,
            message=texts.reminder(r.kind, r.person.name, r.detail),
        )
        for r in found
    ]


@router.post("/relations/reminders/{reminder_id}/done", response=DoneOut)
@idempotent
def reminder_done(request, reminder_id: int):
    services.mark_done(actor=request.auth, reminder_id=reminder_id)
    return 200, DoneOut(done=1)


@router.post(
    "/relations/calendar",
    response={201: CalendarOut},
    summary="A new iCalendar address for my reminders (the earlier one stops working)",
)
@idempotent
def open_calendar(request):
    feed = services.open_calendar(actor=request.auth)
    url = request.build_absolute_uri(reverse("relations:calendar", args=[feed.token]))
    return 201, CalendarOut(url=url)


@router.delete("/relations/calendar", response=DoneOut, summary="Revoke my iCalendar address")
@idempotent
def revoke_calendar(request):
    return 200, DoneOut(done=services.revoke_calendar(actor=request.auth))


class _Converted:
    """A queryset whose sliced page is converted in one go."""

    def __init__(self, found, convert) -> None:
        self.found, self.convert = found, convert

    def count(self) -> int:
        return self.found.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice):
        return self.convert(list(self.found[window]))
