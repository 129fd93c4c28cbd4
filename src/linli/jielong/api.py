"""The 接龙 import and export, for programs. Thin: parse, call a selector or the service."""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field, StrictStr

from linli.accounts.roles import roles
from linli.core.idempotency import idempotent
from linli.core.schemas import Id, In, QueryText

from . import selectors, services
from .models import MAX_NICKNAME
from .selectors import MAX_CHAIN, MAX_QUERY, Preview

router = Router(tags=["接龙 chains"])


class ChainIn(In):
    text: Annotated[StrictStr, Field(min_length=1, max_length=MAX_CHAIN)]


class ChainOut(Schema):
    group_buy_id: int
    text: str


class OutcomeOut(Schema):
    number: int | None
    household_id: int | None
    action: str
    done: bool
    order_id: int | None
    error: str | None


class ImportOut(Schema):
    group_buy_id: int
    placed: int
    changed: int
    cancelled: int
    refused: int
    lines: list[OutcomeOut]


@router.post(
    "/group-buys/{group_buy_id}/jielong/preview",
    response=Preview,
    summary="Read a 接龙 chain: what importing it would do, line by line (stores nothing)",
)
def preview_chain(request, group_buy_id: int, payload: ChainIn):
    return selectors.preview_import(
        who=roles(request.auth), group_buy_id=group_buy_id, text=payload.text
    )


@router.post(
    "/group-buys/{group_buy_id}/jielong/import",
    response={200: ImportOut},
    summary="Import a 接龙 chain: place the orders its preview shows (leader)",
)
@idempotent
def import_chain(request, group_buy_id: int, payload: ChainIn):
    result = services.import_chain(actor=request.auth, group_buy_id=group_buy_id, text=payload.text)
    return 200, ImportOut(
        group_buy_id=result.group_buy_id,
        placed=result.placed,
        changed=result.changed,
        cancelled=result.cancelled,
        refused=result.refused,
        lines=[
            OutcomeOut(
                number=o.line.number,
                household_id=o.line.household_id,
                action=o.line.action,
                done=o.done,
                order_id=o.order_id,
                error=o.error,
            )
            for o in result.outcomes
        ],
    )


@router.get(
    "/group-buys/{group_buy_id}/jielong",
    response=ChainOut,
    summary="The group buy's orders as a 接龙 text to paste into WeChat (leader)",
)
def export_chain(request, group_buy_id: int):
    text = selectors.chain_text(who=roles(request.auth), group_buy_id=group_buy_id)
    return ChainOut(group_buy_id=group_buy_id, text=text)


# ---------------------------------------------------------------------------------------------
# The nickname book


class NicknameIn(In):
    # Longer or blank nicknames are refused by the service, with its message.
    nickname: Annotated[StrictStr, Field(max_length=4 * MAX_NICKNAME)]
    household_id: Id


class NicknameOut(Schema):
    id: int
    nickname: str
    household_id: int
    household: str
    matched_by: str
    matched_at: datetime


class HouseholdChoiceOut(Schema):
    household_id: int
    label: str
    phone: str


@router.get(
    "/communities/{community_id}/nicknames",
    response=list[NicknameOut],
    summary="The community's nickname book: whose each 接龙 nickname is (leaders, operators)",
)
@paginate
def list_nicknames(request, community_id: int):
    return selectors.nickname_book(who=roles(request.auth), community_id=community_id)


@router.get(
    "/communities/{community_id}/nicknames/households",
    response=list[HouseholdChoiceOut],
    summary="Households a nickname may be: by room (1201, 3-1201), name or phone's last four",
)
def search_households(
    request, community_id: int, q: Annotated[QueryText, Field(max_length=MAX_QUERY)] = ""
):
    return selectors.households_for_nickname(
        who=roles(request.auth), community_id=community_id, query=q
    )


@router.post(
    "/communities/{community_id}/nicknames",
    response={200: NicknameOut},
    summary="Remember whose a 接龙 nickname is, for every later chain of the community",
)
@idempotent
def remember_nickname(request, community_id: int, payload: NicknameIn):
    entry = services.remember_nickname(
        actor=request.auth,
        community_id=community_id,
        nickname=payload.nickname,
        household_id=payload.household_id,
    )
    return 200, NicknameOut(**asdict(selectors.entry_of(entry)))


@router.delete(
    "/communities/{community_id}/nicknames/{entry_id}",
    response={200: NicknameOut},
    summary="Forget a nickname: its lines are “whose is this?” again (returns what it was)",
)
@idempotent
def forget_nickname(request, community_id: int, entry_id: int):
    entry = services.forget_nickname(
        actor=request.auth, community_id=community_id, entry_id=entry_id
    )
    return 200, NicknameOut(**asdict(entry))


__all__ = ["router"]
