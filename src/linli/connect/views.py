"""Consumer connect's pages: my stays and my visitors (participants and hosts), the QR at the
host's door, a stay's report, and for operators who run programmes: a programme (import,
match, compliance, insights), an insight with its evidence, and the search. Thin: the
selectors and services decide."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from linli.aftersales import photos
from linli.core.errors import LinliError
from linli.core.errors import render as render_details
from linli.pages.helpers import Roles, fen_from_yuan, field_errors, page, whole_number

from . import errors, excel, importing, planning, rules, search, selectors, services
from .access import is_runner, runner
from .api import hits_out
from .models import Action, Host, Insight, MatchRun, Note, Pairing, Programme, Report, Stay

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
        "runs": is_runner(request.user),
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


def _ids(post, name: str) -> list:
    """The whole numbers of a multiple choice (``tags``, ``highlights``); anything else is
    kept as typed for the service to refuse."""
    return [_number(value) for value in post.getlist(name)]


def _operator_step(request, stay: Stay, found: Report | None):
    """What an operator does on a report: highlight a span (start and end, or the quoted
    words), add a tag, draw an insight from highlights. Returns where to go next."""
    do = request.POST.get("do")
    back = reverse("connect:report", args=[stay.pk])
    if do == "tag":
        parent = request.POST.get("parent", "")
        services.create_tag(
            actor=request.user,
            name=request.POST.get("name", ""),
            parent_id=_number(parent) if parent else None,
        )
        return back + "#tags"
    runner(request.user)
    if found is None:
        raise errors.ReportNotFound()
    if do == "highlight":
        note_id = _number(request.POST.get("note", ""))
        note = found.notes.filter(pk=note_id).first() if isinstance(note_id, int) else None
        if note is None:
            raise errors.BadInput(details=[{"field": "note", "message": _("Choose a note.")}])
        quoted = request.POST.get("quoted", "")
        if quoted.strip():
            span = rules.quoted_span(note.text, quoted)
            if span is None:
                raise errors.BadInput(
                    details=[{"field": "quoted", "message": _("These words are not in the note.")}]
                )
            start, end = span
        else:
            start, end = (
                _number(request.POST.get("start", "")),
                _number(request.POST.get("end", "")),
            )
        services.highlight(
            actor=request.user,
            note_id=note.pk,
            start=start,
            end=end,
            tag_ids=_ids(request.POST, "tags"),
        )
        return back + "#highlights"
    if do == "insight":
        insight = services.create_insight(
            actor=request.user,
            programme_id=stay.programme_id,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            highlight_ids=_ids(request.POST, "highlights"),
        )
        return reverse("connect:insight", args=[insight.pk])
    raise Http404


@page
def report(request, who: Roles, stay_id: int):
    """A stay's report: read it (the host hidden without the permission), write it (its
    participant), add a photo; operators highlight spans, tag them and draw insights."""
    stay = (
        Stay.objects.select_related("host", "participant", "programme").filter(pk=stay_id).first()
    )
    if stay is None:
        raise errors.StayNotFound()
    mine = stay.participant.user_id == request.user.pk
    runs = is_runner(request.user)
    if not (mine or runs):
        raise errors.StayNotFound()
    found = Report.objects.filter(stay=stay).first()
    form_errors: dict = {}
    general: list = []
    status = 200
    failed = ""
    if request.method == "POST":
        failed = request.POST.get("do", "write")
        try:
            if failed in ("highlight", "tag", "insight"):
                return redirect(_operator_step(request, stay, found))
            if request.FILES.get("photo") and found is not None:
                failed = "photo"
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
    highlights = list(selectors.highlights_of(found)) if found and runs else []
    context = {
        "stay": stay,
        "host": selectors.host_shown(request.user, stay.host),
        "report": found,
        "notes": notes,
        "parts": Note.Part.choices,
        "photos": list(found.photos.all()) if found else [],
        "may_write": mine and stay.status in (Stay.Status.CHECKED_IN, Stay.Status.CHECKED_OUT),
        "runs": runs,
        "highlights": highlights,
        "tags": selectors.tag_paths() if runs else [],
        "failed": failed,
        "errors": form_errors,
        "general": general,
        "typed": request.POST,
    }
    return render(request, "connect/report.html", context, status=status)


NUMBERS = (
    "weeks",
    "stay_days",
    "mandated_days",
    "new_staff_days",
    "no_repeat_years",
    "max_distance_km",
    "host_stays_per_year",
)


def _number(text: str):
    """A whole number as typed, or the text itself for the service to refuse."""
    try:
        number = whole_number(text)
    except ValueError:
        return text
    return text if number is None else number


def _programme_values(post) -> dict:
    """A programme's fields as the form gives them (the meal fee in yuan)."""
    values: dict = {
        "name": post.get("name", ""),
        "starts_on": post.get("starts_on", ""),
        "host_kinds": post.getlist("host_kinds") or [""],
        **{name: _number(post.get(name, "")) for name in NUMBERS},
    }
    try:
        fee = fen_from_yuan(post.get("meal_fee", ""))
    except ValueError:
        fee = None
    values["meal_fee_fen"] = post.get("meal_fee", "") if fee is None else fee
    return values


@page
def programme_form(request, who: Roles, programme_id: int | None = None):
    """Start a programme, or change one: its name, window, mandate and rules."""
    runner(request.user)
    found = services.programme_for(request.user, programme_id) if programme_id else None
    form_errors: dict = {}
    general: list = []
    status = 200
    if request.method == "POST":
        values = _programme_values(request.POST)
        try:
            if found is None:
                found = services.create_programme(actor=request.user, values=values)
            else:
                services.update_programme(actor=request.user, programme_id=found.pk, values=values)
            return redirect("connect:programme", found.pk)
        except LinliError as error:
            form_errors, general = field_errors(error)
            status = error.status
    if request.method == "POST":
        typed = {name: request.POST.get(name, "") for name in (*NUMBERS, "name", "starts_on")}
        typed["meal_fee"] = request.POST.get("meal_fee", "")
        kinds = request.POST.getlist("host_kinds")
    elif found is not None:
        typed = {name: str(getattr(found, name)) for name in (*NUMBERS, "name")}
        typed["starts_on"] = found.starts_on.isoformat()
        typed["meal_fee"] = f"{found.meal_fee_fen / 100:g}"
        kinds = found.kinds
    else:
        typed = {
            "weeks": "8", "stay_days": "7", "mandated_days": "7", "new_staff_days": "30",
            "no_repeat_years": "3", "max_distance_km": "50", "host_stays_per_year": "4",
            "meal_fee": "25", "name": "", "starts_on": "",
        }  # fmt: skip
        kinds = list(Host.Kind.values)
    context = {
        "programme": found,
        "typed": typed,
        "kinds": kinds,
        "host_kinds": Host.Kind.choices,
        "errors": form_errors,
        "general": general,
    }
    return render(request, "connect/programme_form.html", context, status=status)


@page
def programme(request, who: Roles, programme_id: int):
    """A programme: import sheets, run the matching, see the last run, compliance by
    department and who is behind, the insights."""
    found = services.programme_for(request.user, programme_id)
    general: list = []
    details: list = []
    form_errors: dict = {}
    status = 200
    done = ""
    if request.method == "POST":
        try:
            if request.POST.get("do") == "match":
                run = planning.run(actor=request.user, programme=found)
                return redirect(reverse("connect:programme", args=[found.pk]) + f"?run={run.pk}")
            if request.POST.get("do") == "pair":
                services.pair_by_staff_no(
                    actor=request.user,
                    programme_id=found.pk,
                    staff_no=request.POST.get("staff_no", ""),
                    host_id=_number(request.POST.get("host", "")),
                    rule=request.POST.get("rule", ""),
                )
                return redirect(reverse("connect:programme", args=[found.pk]) + "#pairings")
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
            if request.POST.get("do") == "pair":
                form_errors, general = field_errors(error)
            else:
                general = [str(error.message)]
                details = render_details(error.details)
            status = error.status
    standings = selectors.compliance(found)
    last = MatchRun.objects.filter(programme=found).first()
    context = {
        "programme": found,
        "run": last,
        "unplaced": [
            (staff_no, name, department, rules.UNPLACED_WHY.get(reason, reason))
            for staff_no, name, department, reason in selectors.unplaced_of(last)
        ]
        if last
        else [],
        "why": rules.UNPLACED_WHY,
        "how": rules.METHOD_HOW,
        "pairings": list(selectors.pairings_of(found)[:50]),
        "rules": Pairing.Rule.choices,
        "errors": form_errors,
        "typed": request.POST,
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
    """An insight with its evidence and its actions: turn it into an action with an owner,
    move an action on (its status, the link to what changed, the outcome)."""
    runner(request.user)
    found = Insight.objects.select_related("programme").filter(pk=insight_id).first()
    if found is None:
        raise errors.InsightNotFound()
    form_errors: dict = {}
    general: list = []
    status = 200
    failed = ""
    if request.method == "POST":
        failed = request.POST.get("do", "")
        try:
            if failed == "action":
                services.create_action(
                    actor=request.user,
                    insight_id=found.pk,
                    kind=request.POST.get("kind", ""),
                    title=request.POST.get("title", ""),
                    owner_id=_number(request.POST.get("owner", "")),
                )
            elif failed.startswith("update-") and failed[7:].isdigit():
                action_id = int(failed[7:])
                if not found.actions.filter(pk=action_id).exists():
                    raise errors.InsightNotFound()
                services.update_action(
                    actor=request.user,
                    action_id=action_id,
                    status=request.POST.get("status", ""),
                    link=request.POST.get("link", ""),
                    outcome=request.POST.get("outcome", ""),
                )
            else:
                raise Http404
            return redirect(reverse("connect:insight", args=[found.pk]) + "#actions")
        except LinliError as error:
            form_errors, general = field_errors(error)
            status = error.status
    evidence = [
        (h, selectors.host_shown(request.user, h.note.report.stay.host))
        for h in found.evidence.select_related("note__report__stay__host").prefetch_related("tags")
    ]
    return render(
        request,
        "connect/insight.html",
        {
            "insight": found,
            "evidence": evidence,
            "actions": list(found.actions.select_related("owner")),
            "kinds": Action.Kind.choices,
            "statuses": Action.Status.choices,
            "owners": list(selectors.action_owners()[:200]),
            "failed": failed,
            "errors": form_errors,
            "general": general,
            "typed": request.POST,
        },
        status=status,
    )


@page
def photo(request, who: Roles, photo_id: int):
    """A report's photo, for those who may read the report, under a name that says nothing of
    the host; 404 for anyone else, as for no photo."""
    found = selectors.photo_for(request.user, photo_id)
    try:
        return photos.response(
            name=found.image.name,
            content_type=found.content_type,
            shown_as=f"connect-photo-{found.pk}.{found.image.name.rsplit('.', 1)[-1]}",
        )
    except FileNotFoundError:
        raise errors.PhotoNotFound() from None


@page
def find(request, who: Roles):
    runner(request.user)
    q = request.GET.get("q", "")[:100]
    hits = hits_out(request.user, search.search(q, limit=50)) if q.strip() else []
    return render(request, "connect/search.html", {"q": q, "hits": hits})
