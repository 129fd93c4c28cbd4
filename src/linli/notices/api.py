"""My notices, for programs: the inbox (paged, newest first), the unread count, read marks,
and which notices I get by which channel. Every call sees only the caller's own."""

from ninja import Router
from ninja.pagination import paginate

from linli.core.idempotency import idempotent

from . import selectors, services
from .schemas import KindChoicesOut, MarkedOut, NoticeOut, PreferencesIn, UnreadOut

router = Router(tags=["notices"])


@router.get("/notices", response=list[NoticeOut], summary="My notices, newest first")
@paginate
def list_notices(request):
    return selectors.inbox(request.auth.pk)


@router.get("/notices/unread", response=UnreadOut, summary="How many of my notices are unread")
def unread(request):
    return {"unread": selectors.unread_count(request.auth.pk)}


@router.post("/notices/{notice_id}/read", response={200: NoticeOut}, summary="Mark one notice read")
@idempotent
def mark_read(request, notice_id: int):
    return 200, NoticeOut.from_orm(services.mark_read(user=request.auth, notice_id=notice_id))


@router.post("/notices/read", response={200: MarkedOut}, summary="Mark all my notices read")
@idempotent
def mark_all_read(request):
    return 200, {"marked": services.mark_all_read(user=request.auth)}


def _preferences(user) -> list[dict]:
    return [
        {
            "kind": row.kind,
            "label": str(row.label),
            "channels": [
                {
                    "channel": choice.channel.name,
                    "label": str(choice.channel.label),
                    "wanted": choice.wanted,
                    "reaches": choice.reaches,
                }
                for choice in row.channels
            ],
        }
        for row in selectors.preferences(user)
    ]


@router.get(
    "/notices/preferences",
    response=list[KindChoicesOut],
    summary="Which notices I get, by which channel",
)
def get_preferences(request):
    return _preferences(request.auth)


@router.put(
    "/notices/preferences",
    response={200: list[KindChoicesOut]},
    summary="Choose which notices I get, by which channel (the choices sent; others stay)",
)
@idempotent
def put_preferences(request, payload: PreferencesIn):
    services.set_preferences(
        user=request.auth,
        choices={(choice.kind, choice.channel): choice.wanted for choice in payload.choices},
    )
    return 200, _preferences(request.auth)
