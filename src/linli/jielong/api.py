"""The 接龙 import and export, for programs. Thin: parse, call a selector or the service."""

from typing import Annotated

from ninja import Router, Schema
from pydantic import Field, StrictStr

from linli.accounts.roles import roles
from linli.core.idempotency import idempotent
from linli.core.schemas import In

from . import selectors, services
from .selectors import MAX_CHAIN, Preview

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


__all__ = ["router"]
