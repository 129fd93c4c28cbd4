"""Privacy for programs: a household's copy, corrections, consents and closing; a leader's
room changes and customers' contacts. Thin: parse, call, answer."""

from ninja import Router
from ninja.pagination import paginate

from linli.accounts.roles import roles
from linli.communities import services as communities
from linli.core.files import FILE, XLSX, attachment, documented
from linli.core.idempotency import idempotent

from . import selectors, services
from .schemas import (
    ClosedOut,
    CloseIn,
    ClosingOut,
    ConsentIn,
    ConsentOut,
    CopyOut,
    ProfileIn,
    ProfileOut,
    RoomChangeIn,
    RoomChangeOut,
    RoomDecisionIn,
)

router = Router(tags=["privacy"])

ZIP = "application/zip"


def _profile(household) -> ProfileOut:
    return ProfileOut(
        id=household.pk,
        community=household.building.community.name,
        building=household.building.name,
        room=household.room,
        contact_name=household.contact_name,
        phone=household.phone,
    )


@router.get("/privacy/profile", response=ProfileOut, summary="My household as Linli keeps it")
def profile(request):
    return _profile(selectors.own_household(roles(request.auth)))


@router.put(
    "/privacy/profile", response=ProfileOut, summary="Correct my household's name and phone"
)
@idempotent
def correct(request, payload: ProfileIn):
    services.correct_profile(
        actor=request.auth, contact_name=payload.contact_name, phone=payload.phone
    )
    return 200, _profile(selectors.own_household(roles(request.auth)))


@router.post(
    "/privacy/copies",
    response={201: CopyOut},
    summary="Ask for a copy of my household's data (prepared by the worker; a notice says when)",
)
@idempotent
def ask_copy(request):
    return 201, CopyOut.from_orm(services.request_copy(actor=request.auth))


@router.get(
    "/privacy/copies", response=list[CopyOut], summary="My household's newest copies (at most 20)"
)
def copies(request):
    household = selectors.own_household(roles(request.auth))
    return list(selectors.copies_query(household.pk)[:20])


@router.post(
    "/privacy/copies/{copy_id}/download",
    response=FILE,
    openapi_extra=documented(ZIP),
    summary="Download a copy (once, before it expires; a ZIP of JSON and Excel)",
)
def download(request, copy_id: int):
    copy, content = services.take_copy(actor=request.auth, copy_id=copy_id)
    return attachment(content, ZIP, f"linli-data-{copy.pk}.zip")


@router.post(
    "/privacy/room-changes",
    response={201: RoomChangeOut},
    summary="Ask to move my household to another room (a leader confirms)",
)
@idempotent
def ask_move(request, payload: RoomChangeIn):
    change = services.request_room_change(
        actor=request.auth, building_id=payload.building_id, room=payload.room
    )
    return 201, RoomChangeOut.from_orm(change)


@router.get(
    "/privacy/room-changes",
    response=list[RoomChangeOut],
    summary="Room changes waiting in my communities (leader, operator)",
)
@paginate
def room_changes(request):
    return selectors.room_changes_to_decide(roles(request.auth))


@router.post(
    "/privacy/room-changes/{change_id}/decision",
    response=RoomChangeOut,
    summary="Confirm or refuse a room change (leader of the community, operator)",
)
@idempotent
def decide(request, change_id: int, payload: RoomDecisionIn):
    change = services.decide_room_change(
        actor=request.auth, change_id=change_id, confirm=payload.confirm
    )
    return 200, RoomChangeOut.from_orm(change)


def _consents(request) -> list[ConsentOut]:
    household = selectors.own_household(roles(request.auth))
    return [
        ConsentOut(
            purpose=c.purpose,
            title=str(c.title),
            text=str(c.text),
            version=c.version,
            granted=c.granted,
            answered_version=c.answered_version,
            at=c.at,
        )
        for c in selectors.consents(household.pk)
    ]


@router.get(
    "/privacy/consents",
    response=list[ConsentOut],
    summary="Each purpose beyond delivering orders, its text and version, and my answer",
)
def consents(request):
    return _consents(request)


@router.put(
    "/privacy/consents/{purpose}",
    response=list[ConsentOut],
    summary="Agree to a purpose, or withdraw (the use stops at once)",
)
@idempotent
def choose(request, purpose: str, payload: ConsentIn):
    household = selectors.own_household(roles(request.auth))
    chooser = communities.give_consent if payload.granted else communities.withdraw_consent
    chooser(actor=request.auth, household_id=household.pk, purpose=purpose[:40])
    return 200, _consents(request)


@router.get(
    "/privacy/closing",
    response=ClosingOut,
    summary="What closing my household's account would do: orders cancelled, money owed",
)
def closing(request):
    preview = services.closing_preview(actor=request.auth)
    return ClosingOut(
        may_close=preview.may_close,
        cancellable_orders=[order.pk for order in preview.cancellable],
        waiting_orders=preview.waiting,
        balance_fen=preview.balance_fen,
        after_cancelling_fen=preview.after_fen,
        blocked_by_role=preview.blocked_by_role,
    )


@router.post(
    "/privacy/closing",
    response=ClosedOut,
    summary="Close my household's account: final (send the word 注销 to confirm)",
)
@idempotent
def close(request, payload: CloseIn):
    closed = services.close_household(actor=request.auth, word=payload.word)
    return 200, ClosedOut(
        household_id=closed.household_id,
        cancelled_orders=closed.cancelled_orders,
        balance_fen=closed.balance_fen,
    )


@router.post(
    "/privacy/communities/{community_id}/contacts.xlsx",
    response=FILE,
    openapi_extra=documented(XLSX),
    summary="Contacts of the community's households that consented, as Excel (leader; audited)",
)
def contacts(request, community_id: int):
    content, name = services.export_contacts(actor=request.auth, community_id=community_id)
    return attachment(content, XLSX, name)
