"""Consumer connect for programs: programmes, imports, matching, pins, compliance (operators
who run programmes); my stays (participants), my visitors (hosts); reports; highlights, tags,
insights, actions; search. Thin: parse, call, answer."""

from ninja import File, Router, UploadedFile
from ninja.pagination import paginate

from linli.core.errors import Invalid
from linli.core.idempotency import idempotent
from linli.core.schemas import QueryText

from . import importing, planning, search, selectors, services
from .access import runner
from .models import Highlight, Insight, MatchRun, Programme, Report, Stay
from .schemas import (
    ActionIn,
    ActionOut,
    ActionUpdateIn,
    CancelIn,
    CheckInIn,
    CheckOutIn,
    HighlightIn,
    HighlightOut,
    HitOut,
    InsightIn,
    InsightOut,
    NoteOut,
    PairingIn,
    PairingOut,
    ParticipantDaysOut,
    ProgrammeIn,
    ProgrammeOut,
    RunOut,
    SheetImportOut,
    StayOut,
    StayReportIn,
    StayReportOut,
    TagIn,
    TagOut,
)

router = Router(tags=["connect"])


def programme_out(programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=programme.pk,
        name=programme.name,
        year=programme.year,
        starts_on=programme.starts_on,
        weeks=programme.weeks,
        stay_days=programme.stay_days,
        mandated_days=programme.mandated_days,
        new_staff_days=programme.new_staff_days,
        host_kinds=programme.kinds,
        meal_fee_fen=programme.meal_fee_fen,
        participants=programme.participants.count(),
        hosts=programme.hosts.count(),
    )


def run_out(run: MatchRun) -> RunOut:
    report = run.report
    return RunOut(
        id=run.pk,
        programme_id=run.programme_id,
        cost=run.cost,
        bound=run.bound,
        gap=report["gap"],
        greedy_gap=report["greedy_gap"],
        flow=report["flow"],
        greedy=report["greedy"],
        kept=report["kept"],
        unplaced=report["unplaced"][:200],
        passes=report.get("passes", 1),
        method=report.get("method", "priced"),
        variety=report.get("variety", 0),
        long_stays=report.get("long", {}),
    )


def stay_out(user, stay: Stay) -> StayOut:
    report = Report.objects.filter(stay=stay).values_list("pk", flat=True).first()
    return StayOut(
        id=stay.pk,
        programme=stay.programme.name,
        participant=stay.participant.name,
        host=selectors.host_shown(user, stay.host),
        host_kind=stay.host.kind,
        week=stay.week,
        starts_on=stay.starts_on,
        days_planned=stay.days_planned,
        days_done=stay.days_done,
        status=stay.status,
        report_id=report,
    )


def report_out(report: Report) -> StayReportOut:
    return StayReportOut(
        id=report.pk,
        stay_id=report.stay_id,
        title=report.title,
        submitted_at=report.submitted_at,
        notes=[
            NoteOut(id=n.pk, part=n.part, voice=n.voice, text=n.text, quote=n.quote)
            for n in report.notes.all()
        ],
    )


@router.get("/connect/programmes", response=list[ProgrammeOut], summary="Programmes (runner)")
@paginate
def list_programmes(request):
    runner(request.auth)
    return _Converted(Programme.objects.order_by("-year", "name", "id"), programme_out)


@router.post("/connect/programmes", response={201: ProgrammeOut}, summary="Start a programme")
@idempotent
def create_programme(request, payload: ProgrammeIn):
    programme = services.create_programme(actor=request.auth, values=payload.model_dump())
    return 201, programme_out(programme)


@router.post(
    "/connect/programmes/{programme_id}/import/{what}",
    response=SheetImportOut,
    summary="Import participants or hosts from an Excel or CSV sheet (all or nothing)",
)
@idempotent
def import_sheet(request, programme_id: int, what: str, sheet: File[UploadedFile]):
    programme = services.programme_for(request.auth, programme_id)
    if what not in ("participants", "hosts"):
        raise Invalid(details=[{"field": "what", "message": "participants | hosts"}])
    if sheet.size and sheet.size > 64 * 1024 * 1024:
        raise Invalid(details=[{"field": "sheet", "message": "≤ 64 MB"}])
    work = importing.import_participants if what == "participants" else importing.import_hosts
    return 200, work(actor=request.auth, programme=programme, data=sheet.read())


@router.post(
    "/connect/programmes/{programme_id}/match",
    response={201: RunOut},
    summary="Match participants to hosts and weeks (min-cost flow, greedy beside it)",
)
@idempotent
def match(request, programme_id: int):
    programme = services.programme_for(request.auth, programme_id)
    return 201, run_out(planning.run(actor=request.auth, programme=programme))


@router.post("/connect/pairings", response={201: PairingOut}, summary="Pin or forbid a pairing")
@idempotent
def set_pairing(request, payload: PairingIn):
    pairing = services.set_pairing(actor=request.auth, **payload.model_dump())
    return 201, PairingOut(
        id=pairing.pk,
        participant_id=pairing.participant_id,
        host_id=pairing.host_id,
        rule=pairing.rule,
    )


@router.get(
    "/connect/programmes/{programme_id}/behind",
    response=list[ParticipantDaysOut],
    summary="Who is behind on their days this year",
)
@paginate
def behind(request, programme_id: int):
    programme = services.programme_for(request.auth, programme_id)
    return [
        ParticipantDaysOut(
            id=s.participant_id,
            staff_no=s.staff_no,
            name=s.name,
            department=s.department,
            owed=s.owed,
            done=s.done,
            behind=s.behind,
        )
        for s in selectors.behind(programme)
    ]


@router.get("/connect/stays", response=list[StayOut], summary="My stays (participant)")
@paginate
def my_stays(request):
    return _Converted(selectors.stays_of_user(request.auth), lambda s: stay_out(request.auth, s))


@router.get("/connect/visits", response=list[StayOut], summary="Who is coming to us (host)")
@paginate
def my_visitors(request):
    return _Converted(selectors.visitors_of_user(request.auth), lambda s: stay_out(request.auth, s))


def _stay_answer(request, stay: Stay) -> StayOut:
    return stay_out(
        request.auth,
        Stay.objects.select_related("host", "programme", "participant").get(pk=stay.pk),
    )


@router.post("/connect/stays/{stay_id}/confirm", response=StayOut, summary="The host says yes")
@idempotent
def confirm(request, stay_id: int):
    return 200, _stay_answer(request, services.confirm_stay(actor=request.auth, stay_id=stay_id))


@router.post(
    "/connect/stays/{stay_id}/check-in",
    response=StayOut,
    summary="Arrive: the participant with the QR code's token, or the host",
)
@idempotent
def check_in(request, stay_id: int, payload: CheckInIn):
    stay = services.check_in(
        actor=request.auth, stay_id=stay_id, token=payload.token, at=payload.at
    )
    return 200, _stay_answer(request, stay)


@router.post(
    "/connect/stays/{stay_id}/check-out",
    response=StayOut,
    summary="Leave: days counted, meal fees posted to the host",
)
@idempotent
def check_out(request, stay_id: int, payload: CheckOutIn):
    stay = services.check_out(actor=request.auth, stay_id=stay_id, at=payload.at)
    return 200, _stay_answer(request, stay)


@router.post("/connect/stays/{stay_id}/cancel", response=StayOut, summary="Cancel a stay")
@idempotent
def cancel(request, stay_id: int, payload: CancelIn):
    stay = services.cancel_stay(actor=request.auth, stay_id=stay_id, reason=payload.reason)
    return 200, _stay_answer(request, stay)


@router.put(
    "/connect/stays/{stay_id}/report",
    response=StayReportOut,
    summary="Write the stay's report: observe, listen, dialogue",
)
@idempotent
def write_report(request, stay_id: int, payload: StayReportIn):
    report = services.write_report(
        actor=request.auth,
        stay_id=stay_id,
        title=payload.title,
        notes=[note.model_dump() for note in payload.notes],
    )
    return 200, report_out(report)


@router.post("/connect/tags", response={201: TagOut}, summary="Add a tag (nestable)")
@idempotent
def create_tag(request, payload: TagIn):
    tag = services.create_tag(actor=request.auth, name=payload.name, parent_id=payload.parent_id)
    return 201, TagOut(id=tag.pk, name=tag.name, parent_id=tag.parent_id)


@router.post("/connect/highlights", response={201: HighlightOut}, summary="Highlight a span")
@idempotent
def create_highlight(request, payload: HighlightIn):
    found = services.highlight(actor=request.auth, **payload.model_dump())
    return 201, HighlightOut(
        id=found.pk,
        note_id=found.note_id,
        start=found.start,
        end=found.end,
        text=found.text,
        tags=[tag.name for tag in found.tags.all()],
    )


@router.post("/connect/insights", response={201: InsightOut}, summary="An insight citing evidence")
@idempotent
def create_insight(request, payload: InsightIn):
    insight = services.create_insight(actor=request.auth, **payload.model_dump())
    return 201, InsightOut(
        id=insight.pk,
        programme_id=insight.programme_id,
        title=insight.title,
        body=insight.body,
        evidence=list(insight.evidence.values_list("pk", flat=True)),
    )


def action_out(action) -> ActionOut:
    return ActionOut(
        id=action.pk,
        insight_id=action.insight_id,
        kind=action.kind,
        title=action.title,
        owner_id=action.owner_id,
        status=action.status,
        link=action.link,
        outcome=action.outcome,
        reported_back_at=action.reported_back_at,
    )


@router.post(
    "/connect/insights/{insight_id}/actions",
    response={201: ActionOut},
    summary="Turn an insight into an action with an owner",
)
@idempotent
def create_action(request, insight_id: int, payload: ActionIn):
    action = services.create_action(
        actor=request.auth, insight_id=insight_id, **payload.model_dump()
    )
    return 201, action_out(action)


@router.put(
    "/connect/actions/{action_id}",
    response=ActionOut,
    summary="Move an action on; done with an outcome tells the hosts",
)
@idempotent
def update_action(request, action_id: int, payload: ActionUpdateIn):
    return 200, action_out(
        services.update_action(actor=request.auth, action_id=action_id, **payload.model_dump())
    )


@router.get(
    "/connect/search",
    response=list[HitOut],
    summary="Chinese full-text search over reports, highlights and insights, best first",
)
def find(request, q: QueryText, programme_id: int | None = None):
    runner(request.auth)
    return hits_out(request.auth, search.search(q[:100], programme_id=programme_id, limit=50))


def hits_out(user, hits: list[search.Hit]) -> list[HitOut]:
    """Each hit with its text and a link to its evidence (the report, or the insight)."""
    from django.urls import reverse

    from .models import Note

    notes = {
        n.pk: n
        for n in Note.objects.filter(
            pk__in=[h.object_id for h in hits if h.kind == "note"]
        ).select_related("report")
    }
    highlights = {
        h.pk: h
        for h in Highlight.objects.filter(
            pk__in=[h.object_id for h in hits if h.kind == "highlight"]
        ).select_related("note__report")
    }
    insights = {
        i.pk: i
        for i in Insight.objects.filter(pk__in=[h.object_id for h in hits if h.kind == "insight"])
    }
    out = []
    for hit in hits:
        if hit.kind == "note" and hit.object_id in notes:
            note = notes[hit.object_id]
            text, link = note.text, reverse("connect:report", args=[note.report.stay_id])
        elif hit.kind == "highlight" and hit.object_id in highlights:
            found = highlights[hit.object_id]
            text, link = found.text, reverse("connect:report", args=[found.note.report.stay_id])
        elif hit.kind == "insight" and hit.object_id in insights:
            insight = insights[hit.object_id]
            text = insight.title
            link = reverse("connect:insight", args=[insight.pk])
        else:
            continue
        out.append(
            HitOut(
                kind=hit.kind,
                id=hit.object_id,
                programme_id=hit.programme_id,
                rank=hit.rank,
                text=text,
                link=link,
            )
        )
    return out


class _Converted:
    """A queryset whose sliced page is converted in one go."""

    def __init__(self, found, convert) -> None:
        self.found, self.convert = found, convert

    def count(self) -> int:
        return self.found.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice):
        return [self.convert(item) for item in self.found[window]]
