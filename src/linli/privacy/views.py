"""Privacy pages: a member sees and copies, corrects, chooses consents and closes the
household's account; a leader confirms room changes and exports the contacts that consented;
anyone reads the privacy notice. Thin: the selectors and services decide."""

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.communities import services as communities
from linli.core.errors import LinliError
from linli.core.files import XLSX, attachment
from linli.pages.helpers import Roles, field_errors, page

from . import rules, selectors, services
from .errors import NotLeader
from .limits import COPY_KEEPS, MAX_NAME, MAX_PHONE, MAX_ROOM


def _home_context(who: Roles) -> dict:
    household = selectors.own_household(who)
    now = timezone.now()
    return {
        "household": household,
        "copies": selectors.copies_of(who, now),
        "keeps_days": COPY_KEEPS.days,
        "pending": selectors.pending_room_change(who),
        "buildings": selectors.buildings_of(household),
        "consents": selectors.consents(household.pk),
        "max_name": MAX_NAME,
        "max_phone": MAX_PHONE,
        "max_room": MAX_ROOM,
        "typed": {},
        "errors": {},
        "general": [],
        "done": "",
    }


@page
def home(request, who: Roles):
    """The member's privacy page: copy, correct, consents, close."""
    context = _home_context(who)
    context["done"] = request.GET.get("done", "")[:20]
    return render(request, "privacy/home.html", context)


def _done(what: str, anchor: str):
    return redirect(f"{reverse('privacy:home')}?done={what}#{anchor}")


def _refused(request, who: Roles, error: LinliError, typed: dict):
    context = _home_context(who)
    fields, general = field_errors(error)
    context.update(errors=fields, general=general, typed=typed)
    return render(request, "privacy/home.html", context, status=error.status)


@require_POST
@page
def ask_copy(request, who: Roles):
    try:
        services.request_copy(actor=request.user)
    except LinliError as error:
        return _refused(request, who, error, {})
    return _done("copy", "copies")


@require_POST
@page
def take_copy(request, who: Roles, copy_id: int):
    """The ZIP, once (a POST: handing it out is a change)."""
    copy, content = services.take_copy(actor=request.user, copy_id=copy_id)
    return attachment(content, "application/zip", f"linli-data-{copy.pk}.zip")


@require_POST
@page
def correct(request, who: Roles):
    typed = {name: request.POST.get(name, "") for name in ("contact_name", "phone")}
    try:
        services.correct_profile(actor=request.user, **typed)
    except LinliError as error:
        return _refused(request, who, error, typed)
    return _done("corrected", "correct")


@require_POST
@page
def move(request, who: Roles):
    typed = {name: request.POST.get(name, "") for name in ("building_id", "room")}
    building = typed["building_id"]
    try:
        services.request_room_change(
            actor=request.user,
            building_id=int(building) if building.isdigit() else 0,
            room=typed["room"],
        )
    except LinliError as error:
        return _refused(request, who, error, typed)
    return _done("moved", "correct")


@require_POST
@page
def consent(request, who: Roles, purpose: str):
    household = selectors.own_household(who)
    choose = (
        communities.give_consent
        if request.POST.get("granted") == "1"
        else communities.withdraw_consent
    )
    try:
        choose(actor=request.user, household_id=household.pk, purpose=purpose)
    except LinliError as error:
        return _refused(request, who, error, {})
    return _done("consent", f"consent-{purpose}")


@page
def close(request, who: Roles):
    """What closing the account does (orders cancelled, money owed), and the confirmation."""
    preview = services.closing_preview(actor=request.user)
    context = {"preview": preview, "word": rules.CLOSING_WORD, "typed": "", "general": []}
    if request.method != "POST":
        return render(request, "privacy/close.html", context)
    typed = request.POST.get("word", "")[:20]
    try:
        closed = services.close_household(actor=request.user, word=typed)
    except LinliError as error:
        _fields, general = field_errors(error)
        context.update(typed=typed, general=general)
        return render(request, "privacy/close.html", context, status=error.status)
    logout(request)
    return render(request, "privacy/closed.html", {"closed": closed})


@page
def leader(request, who: Roles):
    """A leader's (or an operator's) room changes to confirm, and contacts to export."""
    communities_led = list(selectors.led_communities(who)[:50])
    if not communities_led and not who.operator:
        raise NotLeader()
    return render(
        request,
        "privacy/leader.html",
        {
            "changes": list(selectors.room_changes_to_decide(who)[:100]),
            "communities": communities_led,
            "general": [],
        },
    )


@require_POST
@page
def decide(request, who: Roles, change_id: int):
    services.decide_room_change(
        actor=request.user, change_id=change_id, confirm=request.POST.get("confirm") == "1"
    )
    return redirect("privacy:leader")


@require_POST
@page
def export_contacts(request, who: Roles, community_id: int):
    """The contacts of the community's households that consented, as Excel (audited; a POST,
    as every export is recorded)."""
    content, name = services.export_contacts(actor=request.user, community_id=community_id)
    return attachment(content, XLSX, name)


def notice(request):
    """The privacy notice, for everyone, in the reader's language."""
    return render(request, "privacy/notice.html", {"keeps_days": COPY_KEEPS.days})
