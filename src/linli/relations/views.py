"""The relationship book's pages (operators with access): the book (my reminders, search,
organisations), a person (strength and trend, log an interaction, keep in touch, the favour
ledger, the warmest path), an organisation's coverage, the review of gifts to officials, and
the iCalendar feed. Thin: the selectors and services decide."""

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from linli.core.errors import Invalid, LinliError
from linli.pages.helpers import Roles, fen_from_yuan, field_errors, page, whole_number

from . import calendar, selectors, services, texts
from .access import reader
from .limits import MAX_TEXT
from .models import CalendarFeed, Interaction, Organisation, Post, Tie


def sparkline(trend: list[tuple[date, float]], width: int = 320, height: int = 60) -> str:
    """The ``points`` of an SVG polyline of a trend, highest value at the top."""
    if not trend:
        return ""
    top = max(value for _day, value in trend) or 1.0
    step = width / max(len(trend) - 1, 1)
    return " ".join(
        f"{index * step:.1f},{height - value / top * (height - 4) - 2:.1f}"
        for index, (_day, value) in enumerate(trend)
    )


def _add_person(request) -> int:
    post = request.POST
    chosen = post.get("organisation", "").strip()
    organisation = int(chosen) if chosen.isdigit() and len(chosen) < 12 else None
    person = services.add_person(
        actor=request.user,
        spec=services.PersonSpec(
            name=post.get("name", ""),
            phone=post.get("phone", ""),
            wechat=post.get("wechat", ""),
            tags=post.get("tags", "").replace("，", ",").split(","),
        ),
        post=services.PostSpec(
            person_id=0,
            organisation_id=organisation,
            level=post.get("level", ""),
            role=post.get("role", ""),
            started_on=_day(post, "started_on"),
        )
        if organisation
        else None,
    )
    return person.pk


@page
def book(request, who: Roles):
    """My reminders, the search and its people, the organisations; a POST adds a person."""
    me = reader(request.user)
    errors: dict = {}
    general: list = []
    status = 200
    if request.method == "POST":
        try:
            return redirect("relations:person", _add_person(request))
        except LinliError as error:
            errors, general = field_errors(error)
            status = error.status
    q = request.GET.get("q", "")[:60]
    tag = request.GET.get("tag", "")[:20]
    today = timezone.localdate()
    found = selectors.people(me, q=q, tag=tag)
    reminders = list(selectors.open_reminders(me, today=today)[:50])
    feed = CalendarFeed.objects.filter(staff=request.user, revoked_at__isnull=True).first()
    context = {
        "q": q,
        "tag": tag,
        "people": selectors.rows(me, list(found[:50]), today),
        "found": found.count(),
        "reminders": [
            (r, texts.reminder(r.kind, r.person.name, r.detail), r.due_on < today)
            for r in reminders
        ],
        "organisations": list(selectors.organisations(me)[:100]),
        "flagged": selectors.flagged(me).count(),
        "may_review": me.review,
        "levels": Post.Level.choices,
        "typed": request.POST if request.method == "POST" else {},
        "errors": errors,
        "general": general,
        "may_write": me.write,
        "feed_url": (
            request.build_absolute_uri(reverse("relations:calendar", args=[feed.token]))
            if feed
            else ""
        ),
        "today": today,
    }
    return render(request, "relations/book.html", context, status=status)


def _day(post, name: str) -> date:
    try:
        return date.fromisoformat(post.get(name, "").strip())
    except ValueError:
        raise Invalid(
            details=[{"field": name, "message": _("Give a date like 2026-12-07.")}]
        ) from None


def _log(request, person_id: int) -> None:
    post = request.POST
    try:
        value = fen_from_yuan(post.get("value", "")) or 0
    except ValueError:
        raise Invalid(
            details=[{"field": "value", "message": _("Write an amount in yuan, like 36.50.")}]
        ) from None
    services.log_interaction(
        actor=request.user,
        kind=post.get("kind", ""),
        happened_on=_day(post, "happened_on"),
        person_ids=[person_id],
        place=post.get("place", ""),
        notes=post.get("notes", ""),
        value_fen=value,
    )


def _cadence(request, person_id: int) -> None:
    post = request.POST
    try:
        every = whole_number(post.get("cadence_days", ""))
    except ValueError:
        raise Invalid(
            details=[{"field": "cadence_days", "message": _("Enter a whole number of days.")}]
        ) from None
    keep_text = post.get("keep_above", "").strip()
    try:
        keep = float(keep_text) if keep_text else None
    except ValueError:
        raise Invalid(
            details=[{"field": "keep_above", "message": _("Enter a number, like 2.5.")}]
        ) from None
    services.keep_in_touch(
        actor=request.user, person_id=person_id, cadence_days=every, keep_above=keep
    )


@page
def person(request, who: Roles, person_id: int):
    """One person; a POST logs an interaction (``action=log``) or sets the cadence."""
    me = reader(request.user)
    errors: dict = {}
    general: list = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "log":
                _log(request, person_id)
            elif action == "cadence":
                _cadence(request, person_id)
            elif action == "remove":
                services.remove_person(actor=request.user, person_id=person_id)
                return redirect("relations:book")
            else:
                raise Invalid(_("Choose what to do."))
            return redirect("relations:person", person_id)
        except LinliError as error:
            errors, general = field_errors(error)
            status = error.status
            if status == 404:
                raise
    view = selectors.person_view(me, person_id)
    path = selectors.warmest_path(me, person_id)
    names = selectors.interaction_names(view.interactions)
    context = {
        "view": view,
        "me": me,
        "spark": sparkline(view.trend),
        "interactions": [(i, *names[i.pk]) for i in view.interactions],
        "kinds": Interaction.Kind.choices,
        "tie_kinds": dict(Tie.Kind.choices),
        "path": path,
        "typed": request.POST if request.method == "POST" else {},
        "errors": errors,
        "general": general,
        "today": view.today,
        "max_text": MAX_TEXT,
    }
    return render(request, "relations/person.html", context, status=status)


@page
def organisation(request, who: Roles, organisation_id: int):
    """An organisation's coverage grid: levels × people we know × strength, gaps marked."""
    me = reader(request.user)
    grid = selectors.coverage(me, organisation_id, user=request.user)
    context = {
        "grid": grid,
        "gaps": [texts.gap(gap, grid.organisation.name) for gap in grid.gaps],
        "kinds": dict(Organisation.Kind.choices),
    }
    return render(request, "relations/organisation.html", context)


@page
def review(request, who: Roles):
    """Gifts and meals with officials above the limit; a reviewer approves or rejects."""
    me = reader(request.user)
    errors: dict = {}
    general: list = []
    status = 200
    if request.method == "POST":
        try:
            services.review_interaction(
                actor=request.user,
                interaction_id=whole_number(request.POST.get("interaction", "")) or 0,
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
            )
            return redirect("relations:review")
        except ValueError:
            general = [str(_("Choose the interaction."))]
            status = 422
        except LinliError as error:
            errors, general = field_errors(error)
            status = error.status
    waiting = list(selectors.flagged(me)[:100])
    names = selectors.interaction_names(waiting)
    context = {
        "waiting": [(i, *names[i.pk]) for i in waiting],
        "may_review": me.review,
        "errors": errors,
        "general": general,
    }
    return render(request, "relations/review.html", context, status=status)


@require_POST
@page
def reminder_done(request, who: Roles, reminder_id: int):
    services.mark_done(actor=request.user, reminder_id=reminder_id)
    return redirect("relations:book")


@require_POST
@page
def calendar_address(request, who: Roles):
    """Open a new calendar address (the old one stops working), or revoke it."""
    if request.POST.get("action") == "revoke":
        services.revoke_calendar(actor=request.user)
    else:
        services.open_calendar(actor=request.user)
    return redirect("relations:book")


def calendar_feed(request, token: str):
    """The feed itself: the token in the address is the key (calendar apps cannot sign in)."""
    feed = (
        CalendarFeed.objects.select_related("staff")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.staff.is_active or not feed.staff.is_staff:
        raise Http404()
    try:
        reader(feed.staff)
    except LinliError:
        raise Http404() from None
    language = getattr(feed.staff, "language", "zh-hans") or "zh-hans"
    response = HttpResponse(
        calendar.feed_text(feed, language=language), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="linli-reminders.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
