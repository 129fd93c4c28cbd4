"""Consumer connect's pages: my stays and my visitors (participants and hosts), the QR at the
host's door, a stay's report, and for operators who run programmes: a programme (import,
match, compliance, insights), an insight with its evidence, and the search. Thin: the
selectors and services decide."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.errors import render as render_details
from linli.pages.helpers import Roles, field_errors, page

from . import errors, excel, importing, planning, search, selectors, services
from .access import is_runner, runner
from .api import hits_out
from .models import Host, Insight, MatchRun, Note, Programme, Report, Stay

STEPS = {
    "confirm": services.confirm_stay,
    "check-in": services.check_in,
    "check-out": services.check_out,
}


@page
def home(request, who: Roles):
    """My stays, who is coming to us, and the programmes for those who run them."""
    context = {
        "stays": [
            (stay, selectors.host_shown(request.user, stay.host))
            for stay in selectors.stays_of_user(request.user)[:50]
        ],
        "visits": list(selectors.visitors_of_user(request.user)[:50]),
        "programmes": list(Programme.objects.order_by("-year", "name")[:50])
        if is_runner(request.user)
        else [],
    }
    return render(request, "connect/home.html", context)


@page
@require_POST
def step(request, who: Roles, stay_id: int, action: str):
    """Confirm, check in, check out or cancel a stay from a page."""
    if action == "cancel":
        services.cancel_stay(
            actor=request.user, stay_id=stay_id, reason=request.POST.get("reason", "")
        )
    elif action in STEPS:
        STEPS[action](actor=request.user, stay_id=stay_id)
    else:
        raise Http404
    return redirect(request.POST.get("next") or reverse("connect:home"))


@page
def door(request, who: Roles, token: str):
    """The QR code at the host's door: the participant whose stay there is confirmed checks
    in by opening it (a POST from this page)."""
    host = Host.objects.filter(qr_token=token[:40]).first()
    if host is None:
        raise errors.BadQr()
    stay = (
        Stay.objects.filter(host=host, participant__user=request.user, status=Stay.Status.CONFIRMED)
        .order_by("starts_on", "id")
        .first()
    )
    if stay is None:
        raise errors.StayNotFound()
    if request.method == "POST":
        services.check_in(actor=request.user, stay_id=stay.pk, token=token)
        return redirect("connect:home")
    return render(request, "connect/door.html", {"stay": stay, "host": host.label})


def _notes_from(post) -> list[dict]:
    """One note per paragraph of each part, with the part's voice and quote mark."""
    notes = []
    for part in Note.Part.values:
        voice = post.get(f"{part}-voice", "etic")
        quote = post.get(f"{part}-quote") == "on"
        for paragraph in post.get(part, "").replace("\r\n", "\n").split("\n\n"):
            if paragraph.strip():
                notes.append(
                    {"part": part, "voice": voice, "text": paragraph.strip(), "quote": quote}
                )
    return notes


@page
def report(request, who: Roles, stay_id: int):
    """A stay's report: read it (the host hidden without the permission), write it (its
    participant), add a photo."""
    stay = (
        Stay.objects.select_related("host", "participant", "programme").filter(pk=stay_id).first()
    )
    if stay is None:
        raise errors.StayNotFound()
    mine = stay.participant.user_id == request.user.pk
    if not (mine or is_runner(request.user)):
        raise errors.StayNotFound()
    found = Report.objects.filter(stay=stay).first()
    form_errors: dict = {}
    general: list = []
    status = 200
    if request.method == "POST":
        try:
            if request.FILES.get("photo") and found is not None:
                upload = request.FILES["photo"]
                services.add_photo(
                    actor=request.user,
                    report_id=found.pk,
                    name=upload.name or "",
                    content_type=upload.content_type or "",
                    data=upload.read(),
                    caption=request.POST.get("caption", ""),
                )
            else:
                services.write_report(
                    actor=request.user,
                    stay_id=stay.pk,
                    title=request.POST.get("title", ""),
                    notes=_notes_from(request.POST),
                )
            return redirect("connect:report", stay.pk)
        except LinliError as error:
            form_errors, general = field_errors(error)
            status = error.status
    notes = list(found.notes.all()) if found else []
    context = {
        "stay": stay,
        "host": selectors.host_shown(request.user, stay.host),
        "report": found,
        "notes": notes,
        "parts": Note.Part.choices,
        "photos": list(found.photos.all()) if found else [],
        "may_write": mine and stay.status in (Stay.Status.CHECKED_IN, Stay.Status.CHECKED_OUT),
        "errors": form_errors,
        "general": general,
        "typed": request.POST,
    }
    return render(request, "connect/report.html", context, status=status)


@page
def programme(request, who: Roles, programme_id: int):
    """A programme: import sheets, run the matching, see the last run, compliance by
    department and who is behind, the insights."""
    found = services.programme_for(request.user, programme_id)
    general: list = []
    details: list = []
    status = 200
    done = ""
    if request.method == "POST":
        try:
            if request.POST.get("do") == "match":
                run = planning.run(actor=request.user, programme=found)
                return redirect(reverse("connect:programme", args=[found.pk]) + f"?run={run.pk}")
            what = request.POST.get("what")
            upload = request.FILES.get("sheet")
            if what not in ("participants", "hosts") or upload is None:
                raise errors.BadInput(
                    details=[{"field": "sheet", "message": errors.BadInput.template}]
                )
            work = (
                importing.import_participants if what == "participants" else importing.import_hosts
            )
            counts = work(actor=request.user, programme=found, data=upload.read())
            done = f"{counts['added']} + {counts['updated']}"
        except LinliError as error:
            general = [str(error.message)]
            details = render_details(error.details)
            status = error.status
    standings = selectors.compliance(found)
    context = {
        "programme": found,
        "run": MatchRun.objects.filter(programme=found).first(),
        "departments": selectors.departments(standings),
        "behind": [s for s in standings if s.behind > 0][:50],
        "behind_count": sum(1 for s in standings if s.behind > 0),
        "participants": len(standings),
        "hosts": found.hosts.filter(active=True).count(),
        "stays": {
            str(Stay.Status(status).label): count
            for status, count in _counts(Stay.objects.filter(programme=found), "status")
        },
        "insights": list(found.insights.all()[:30]),
        "general": general,
        "details": details,
        "done": done,
    }
    return render(request, "connect/programme.html", context, status=status)


def _counts(query, field: str):
    from django.db.models import Count

    return query.values_list(field).annotate(n=Count("id")).order_by(field)


@page
def behind_sheet(request, who: Roles, programme_id: int):
    found = services.programme_for(request.user, programme_id)
    data = excel.behind_sheet(found, selectors.behind(found))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="behind-{found.pk}.xlsx"'
    return response


@page
def insight(request, who: Roles, insight_id: int):
    runner(request.user)
    found = Insight.objects.select_related("programme").filter(pk=insight_id).first()
    if found is None:
        raise errors.InsightNotFound()
    evidence = [
        (h, selectors.host_shown(request.user, h.note.report.stay.host))
        for h in found.evidence.select_related("note__report__stay__host").prefetch_related("tags")
    ]
    return render(
        request,
        "connect/insight.html",
        {"insight": found, "evidence": evidence, "actions": list(found.actions.all())},
    )


@page
def find(request, who: Roles):
    runner(request.user)
    q = request.GET.get("q", "")[:100]
    hits = hits_out(request.user, search.search(q, limit=50)) if q.strip() else []
    return render(request, "connect/search.html", {"q": q, "hits": hits})
