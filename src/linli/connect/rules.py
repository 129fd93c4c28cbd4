"""The decisions of consumer connect, without the database (docs/decisions/0035, 0036)."""

from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from .models import Host, Note, Stay

S = Stay.Status
#: Where a stay may go from each status, and the verb the error message uses.
STEPS: dict[str, dict[str, str]] = {
    S.SCHEDULED: {S.CONFIRMED: "confirmed", S.CANCELLED: "cancelled"},
    S.CONFIRMED: {S.CHECKED_IN: "checked in", S.CANCELLED: "cancelled"},
    S.CHECKED_IN: {S.CHECKED_OUT: "checked out"},
    S.CHECKED_OUT: {},
    S.CANCELLED: {},
}
STEPS_VERB = {
    S.CONFIRMED: _("confirmed"),
    S.CHECKED_IN: _("checked in"),
    S.CHECKED_OUT: _("checked out"),
    S.CANCELLED: _("cancelled"),
}
#: The stays a re-run of the matching leaves alone: the host has said yes, or it has begun.
KEPT = (S.CONFIRMED, S.CHECKED_IN, S.CHECKED_OUT)


def may_step(status: str, to: str) -> bool:
    return to in STEPS.get(status, {})


def mandate(*, mandated_days: int, new_staff_days: int, new_staff: bool) -> int:
    """The days a participant owes this year."""
    return new_staff_days if new_staff else mandated_days


def days_counted(checked_in: datetime, checked_out: datetime, planned: int) -> int:
    """Calendar days from check-in to check-out, both counted, at most the days planned:
    in on Monday, out on Sunday is 7."""
    days = (checked_out.date() - checked_in.date()).days + 1
    return max(0, min(planned, days))


def meal_fee(days: int, fee_per_day_fen: int) -> int:
    return days * fee_per_day_fen


def week_start(starts_on: date, week: int) -> date:
    return starts_on + timedelta(weeks=week)


def behind(done: int, owed: int) -> int:
    """Days still owed (0 when the mandate is met)."""
    return max(0, owed - done)


def quote_allowed(*, host_kind: str, quoted_consent: bool) -> bool:
    """A verbatim quote needs the host household's consent to be quoted; farms and shops are
    quoted as businesses, with their owner's consent recorded the same way for households only,
    so they are not quoted verbatim either without it."""
    return host_kind == Host.Kind.HOUSEHOLD and quoted_consent


def needs_quote_consent(voice: str, quote: bool) -> bool:
    return voice == Note.Voice.EMIC and quote


def span_ok(text: str, start: int, end: int) -> bool:
    return 0 <= start < end <= len(text)


def quoted_span(text: str, quoted: str) -> tuple[int, int] | None:
    """Where a quoted piece of a note starts and ends (its first occurrence), or ``None``."""
    quoted = quoted.strip()
    start = text.find(quoted) if quoted else -1
    return None if start < 0 else (start, start + len(quoted))


#: Why a matching run left a participant unplaced (``matching``'s codes), as the page says it.
UNPLACED_WHY = {
    "no_host_in_reach": _("no host within the maximum travel distance"),
    "all_excluded": _("every host in reach is ruled out (forbidden, hosted before, access)"),
    "hosts_full": _("the hosts in reach are full"),
    "pin_unavailable": _("the pinned host has no room"),
    "no_weeks_in_a_row": _("no host in reach has the weeks in a row the mandate needs"),
}

#: How a run solved the variety within the run (``matching``'s methods), as the page says it.
METHOD_HOW = {
    "relaxation": _("one LP of its convex relaxation, a flow for those the LP split"),
    "priced": _("priced flow passes"),
}


def weeks_needed(programme, *, new_staff: bool) -> int:
    """Weeks in a row at one host a participant's mandate needs: one stay, or, when the
    mandate is longer (30 days for new staff, stays of 7), as many weeks as cover it (at most
    the programme's weeks)."""
    owed = mandate(
        mandated_days=programme.mandated_days,
        new_staff_days=programme.new_staff_days,
        new_staff=new_staff,
    )
    return max(1, min(programme.weeks, -(-owed // max(1, programme.stay_days))))


def days_planned(programme, weeks: int, *, new_staff: bool) -> int:
    """A stay's days: one stay's, or for weeks in a row, the mandate they cover (30 days over
    five weeks of 7)."""
    if weeks <= 1:
        return programme.stay_days
    owed = mandate(
        mandated_days=programme.mandated_days,
        new_staff_days=programme.new_staff_days,
        new_staff=new_staff,
    )
    return min(weeks * programme.stay_days, owed)


def weeks_spanned(days: int, stay_days: int) -> int:
    return max(1, -(-days // max(1, stay_days)))
