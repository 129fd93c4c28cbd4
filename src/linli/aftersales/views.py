"""After-sales pages: a member reports a problem from the order page and follows it; a
leader (and an operator) decides; a supplier sees the reports on its goods and its rate.
Thin: the selectors and services decide."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.errors import Invalid, LinliError
from linli.groupbuys import selectors as groupbuys
from linli.pages.helpers import Roles, fen_from_yuan, field_errors, page, whole_number

from . import photos, rules, selectors, services
from .errors import ReportNotFound
from .limits import MAX_NOTE, MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_REASON, report_window
from .models import Report


def _number(post, name: str, message) -> int | None:
    try:
        return whole_number(post.get(name, ""))
    except ValueError:
        raise Invalid(details=[{"field": name, "message": message}]) from None


def _uploads(request) -> list[photos.Upload]:
    files = request.FILES.getlist("photos")
    photos.check_count(len(files))
    return [
        photos.Upload(
            name=upload.name or "",
            content_type=upload.content_type or "",
            data=upload.read(MAX_PHOTO_BYTES + 1),
        )
        for upload in files
    ]


@page
def order_after_sales(request, who: Roles, order_id: int):
    """The order's lines with their reports; the form to report a problem (a POST reports)."""
    order = groupbuys.order_for(who, order_id)
    lines = selectors.lines_to_report(who, order)
    context = {
        "order": order,
        "lines": lines,
        "reportable": [line for line in lines if line.may_report],
        "kinds": Report.Kind.choices,
        "hours": int(report_window().total_seconds() // 3600),
        "max_photos": MAX_PHOTOS,
        "max_note": MAX_NOTE,
        "typed": {},
        "errors": {},
        "general": [],
    }
    if request.method != "POST":
        return render(request, "aftersales/order.html", context)
    post = request.POST
    context["typed"] = {name: post.get(name, "") for name in ("line", "quantity", "kind", "note")}
    try:
        line = _number(post, "line", _("Choose the item."))
        quantity = _number(post, "quantity", _("Enter a whole number."))
        if line is None:
            raise Invalid(details=[{"field": "line", "message": _("Choose the item.")}])
        if quantity is None:
            raise Invalid(details=[{"field": "quantity", "message": _("Enter a whole number.")}])
        report = services.report_problem(
            actor=request.user,
            order_line_id=line,
            quantity=quantity,
            kind=post.get("kind", ""),
            note=post.get("note", ""),
            uploads=_uploads(request),
        )
    except LinliError as error:
        fields, general = field_errors(error)
        context.update(errors=fields, general=general)
        return render(request, "aftersales/order.html", context, status=error.status)
    return redirect("aftersales:report", report.pk)


def _report_context(who: Roles, report: Report) -> dict:
    now = timezone.now()
    return {
        "report": report,
        "may_decide": rules.may_decide(
            report, leads=who.leads(report.community_id), operator=who.operator, now=now
        ),
        "shows_household": who.manages(report.community_id),
        "overdue": rules.overdue(report, now),
        "max_reason": MAX_REASON,
        "typed": {},
        "errors": {},
        "general": [],
    }


@page
def report(request, who: Roles, report_id: int):
    """One report: the problem, its photos, its status and decision; the leader's (or an
    operator's) decision form while it waits (a POST decides)."""
    found = selectors.report_for(who, report_id)
    context = _report_context(who, found)
    if request.method != "POST":
        return render(request, "aftersales/report.html", context)
    post = request.POST
    context["typed"] = {
        name: post.get(name, "") for name in ("decision", "quantity", "amount", "reason")
    }
    try:
        quantity = _number(post, "quantity", _("Enter a whole number, or leave it empty."))
        try:
            credit = fen_from_yuan(post.get("amount", ""))
        except ValueError:
            raise Invalid(
                details=[{"field": "amount", "message": _("Write an amount in yuan, like 36.50.")}]
            ) from None
        services.decide_report(
            actor=request.user,
            report_id=found.pk,
            choice=post.get("decision", ""),
            quantity=quantity,
            credit_fen=credit,
            reason=post.get("reason", ""),
        )
    except LinliError as error:
        fields, general = field_errors(error)
        context.update(errors=fields, general=general)
        return render(request, "aftersales/report.html", context, status=error.status)
    return redirect("aftersales:report", found.pk)


@page
def desk(request, who: Roles):
    """What waits for a leader (their communities' reports) or an operator (escalated and
    waiting reports, and every supplier's complaint rate)."""
    if not (who.operator or who.led_community_ids):
        raise ReportNotFound()
    now = timezone.now()
    context = {
        "waiting": list(selectors.to_decide(who)),
        "decided": selectors.decided_lately(who),
        "rates": selectors.operator_rates(who, now) if who.operator else [],
        "operator": who.operator,
        "now": now,
    }
    return render(request, "aftersales/desk.html", context)


@page
def supplier(request, who: Roles):
    """The reports on the caller's suppliers' goods, and each one's complaint rate."""
    if not who.supplier_ids:
        raise ReportNotFound()
    shown = [
        (
            selectors.supplier_rate(who, supplier_id),
            selectors.supplier_reports(who, supplier_id, limit=100),
        )
        for supplier_id in sorted(who.supplier_ids)
    ]
    return render(request, "aftersales/supplier.html", {"suppliers": shown})


@page
def photo(request, who: Roles, report_id: int, position: int):
    """A report's photo, for whoever may see the report (never a file's address)."""
    found = selectors.photo_for(who, report_id, position)
    return photos.response(
        name=found.name,
        content_type=found.content_type,
        shown_as=f"after-sales-{report_id}-{position}.{found.name.rsplit('.', 1)[-1]}",
    )
