"""After-sales for programs: report a problem (a multipart form with up to three photos),
decide it, read reports and complaint rates. Thin: parse, call, answer."""

from ninja import File, Form, Router, UploadedFile
from ninja.pagination import paginate

from linli.accounts.roles import roles
from linli.core.files import FILE
from linli.core.idempotency import idempotent
from linli.core.schemas import QueryText

from . import photos, selectors, services
from .limits import MAX_PHOTO_BYTES, MAX_PHOTOS
from .schemas import DecisionIn, RateOut, ReportIn, ReportOut, SupplierReportOut

router = Router(tags=["after-sales"])


def uploads(files) -> list[photos.Upload]:
    """The files sent, read up to one byte past the limit (enough to refuse a larger one)."""
    files = list(files or [])
    photos.check_count(len(files))
    return [
        photos.Upload(
            name=upload.name or "",
            content_type=upload.content_type or "",
            data=upload.read(MAX_PHOTO_BYTES + 1),
        )
        for upload in files[:MAX_PHOTOS]
    ]


@router.post(
    "/after-sales",
    response={201: ReportOut},
    summary="Report a problem with collected goods (member; multipart, up to 3 photos)",
)
@idempotent
def report_problem(request, payload: Form[ReportIn], photos: File[list[UploadedFile]] = None):
    report = services.report_problem(
        actor=request.auth,
        order_line_id=payload.order_line_id,
        quantity=payload.quantity,
        kind=payload.kind,
        note=payload.note,
        uploads=uploads(photos),
    )
    return 201, ReportOut.from_orm(selectors.report_for(roles(request.auth), report.pk))


@router.get(
    "/after-sales",
    response=list[ReportOut],
    summary="Reports I may see: my household's, my communities' (leader), all (operator)",
)
@paginate
def list_reports(request, status: QueryText = ""):
    return selectors.listed_reports(roles(request.auth), status=status[:20])


@router.get("/after-sales/{report_id}", response=ReportOut)
def get_report(request, report_id: int):
    return selectors.report_for(roles(request.auth), report_id)


@router.post(
    "/after-sales/{report_id}/decision",
    response=ReportOut,
    summary="Approve, approve in part or reject (leader within the window; operator)",
)
@idempotent
def decide(request, report_id: int, payload: DecisionIn):
    services.decide_report(
        actor=request.auth,
        report_id=report_id,
        choice=payload.decision,
        quantity=payload.quantity,
        credit_fen=payload.credit_fen,
        reason=payload.reason,
    )
    return 200, ReportOut.from_orm(selectors.report_for(roles(request.auth), report_id))


@router.get(
    "/after-sales/{report_id}/photos/{position}",
    response=FILE,
    url_name="after_sales_photo",
    summary="A report's photo (JPEG, PNG or WebP)",
    openapi_extra={
        # 200 as an int: merged into FILE's 200, not listed beside it (core.files.documented).
        "responses": {200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}}
    },
)
def get_photo(request, report_id: int, position: int):
    photo = selectors.photo_for(roles(request.auth), report_id, position)
    return photos.response(
        name=photo.name,
        content_type=photo.content_type,
        shown_as=f"after-sales-{report_id}-{position}.{photo.name.rsplit('.', 1)[-1]}",
    )


@router.get(
    "/suppliers/{supplier_id}/after-sales",
    response=list[SupplierReportOut],
    summary="Reports on a supplier's goods, without households (supplier, operator)",
)
@paginate
def supplier_reports(request, supplier_id: int):
    return selectors.supplier_reports(roles(request.auth), supplier_id)


@router.get(
    "/suppliers/{supplier_id}/complaint-rate",
    response=RateOut,
    summary="A supplier's complaint rate over the last 90 days (supplier, operator)",
)
def supplier_rate(request, supplier_id: int):
    return selectors.supplier_rate(roles(request.auth), supplier_id)


@router.get(
    "/complaint-rates",
    response=list[RateOut],
    summary="Every supplier's complaint rate over the last 90 days (operator)",
)
def complaint_rates(request):
    return selectors.operator_rates(roles(request.auth))
