"""The inbox pages: the list (newest first, unread marked), one notice, and what I get. Opening
a notice is a POST (it marks it read), then its page; a GET never writes."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from linli.pages.helpers import Roles, page

from . import selectors, services
from .channels import channels
from .texts import shown

#: Notices the inbox page shows at once (the API pages through all of them).
SHOWN = 50


def _shown(notice) -> dict:
    return {"notice": notice, "text": shown(notice.kind, notice.params)}


@page
def inbox(request, who: Roles):
    notices = list(selectors.inbox(request.user.pk)[:SHOWN])
    return render(
        request,
        "notices/inbox.html",
        {
            "notices": [_shown(notice) for notice in notices],
            "unread": selectors.unread_count(request.user.pk),
        },
    )


@page
def notice(request, who: Roles, notice_id: int):
    return render(
        request,
        "notices/notice.html",
        _shown(selectors.notice_for(request.user.pk, notice_id)),
    )


@require_POST
@page
def open_notice(request, who: Roles, notice_id: int):
    services.mark_read(user=request.user, notice_id=notice_id)
    return HttpResponseRedirect(reverse("notices:notice", args=[notice_id]))


@require_POST
@page
def read_all(request, who: Roles):
    services.mark_all_read(user=request.user)
    return HttpResponseRedirect(reverse("notices:inbox"))


@page
def preferences(request, who: Roles):
    """Which kinds of notice I get, by which channel; POST saves the whole table."""
    saved = False
    if request.method == "POST":
        choices = {
            (row.kind, choice.channel.name): f"{row.kind}:{choice.channel.name}" in request.POST
            for row in selectors.preferences(request.user)
            for choice in row.channels
        }
        services.set_preferences(user=request.user, choices=choices)
        saved = True
    return render(
        request,
        "notices/preferences.html",
        {
            "rows": selectors.preferences(request.user),
            "channels": channels(),
            "saved": saved,
        },
    )
