"""Group buys, orders, purchase orders and hand-out, for programs. Thin: parse, call a
service or selector, return. Reads show what is stored; the worker's clock closes and
completes group buys."""

import io

import segno
from django.http import HttpResponse
from ninja import Router
from ninja.pagination import paginate

from linli.accounts.roles import roles
from linli.communities.looks import record_looks
from linli.core.files import FILE, PDF, XLSX, attachment, documented
from linli.core.idempotency import idempotent
from linli.core.paging import on_page
from linli.core.schemas import QueryId, QueryText

from . import selectors, services, sheets
from .errors import OrderNotFound
from .fair_shares import Policy
from .models import GroupBuy, Order
from .pickup_codes import pickup_qr_text, site_url
from .schemas import (
    AllocationIn,
    AllocationOut,
    DeliveryIn,
    GroupBuyIn,
    GroupBuyOut,
    OrderChangeIn,
    OrderIn,
    OrderOut,
    PickupIn,
    PurchaseOrderOut,
)

router = Router(tags=["group buys"])


def _group_buy(request, group_buy_id: int) -> GroupBuy:
    """The group buy if the caller may see it (404 otherwise)."""
    return selectors.group_buy_for(roles(request.auth), group_buy_id)


def _managed(request, group_buy_id: int) -> GroupBuy:
    return selectors.managed_group_buy(roles(request.auth), group_buy_id)


def _order(request, order_id: int) -> Order:
    """The order if the caller may see it (404 otherwise)."""
    return selectors.order_for(roles(request.auth), order_id)


def _lines(lines) -> list[tuple[int, int]]:
    return [(line.item_id, line.quantity) for line in lines]


@router.get("/group-buys", response=list[GroupBuyOut], summary="Group buys I may see")
@paginate
def list_group_buys(request, status: QueryText = "", community_id: QueryId | None = None):
    who = roles(request.auth)
    group_buys = selectors.visible_group_buys(who)
    if status:
        group_buys = group_buys.filter(status=status[:12])
    if community_id is not None:
        group_buys = group_buys.filter(community_id=community_id)
    return group_buys.prefetch_related("items__product").order_by("-cutoff_at", "-id")


@router.post("/group-buys", response={201: GroupBuyOut}, summary="Open a group buy (leader)")
@idempotent
def open_group_buy(request, payload: GroupBuyIn):
    data = payload.model_dump(exclude={"items"})
    group_buy = services.open_group_buy(
        actor=request.auth,
        items=[services.ItemSpec(**item.model_dump()) for item in payload.items],
        **data,
    )
    return 201, GroupBuyOut.from_orm(selectors.group_buy_for(roles(request.auth), group_buy.pk))


@router.get("/group-buys/{group_buy_id}", response=GroupBuyOut)
def get_group_buy(request, group_buy_id: int):
    return _group_buy(request, group_buy_id)


@router.get(
    "/group-buys/{group_buy_id}/tally",
    response=selectors.Tally,
    summary="Orders per item and how far from forming",
)
def get_tally(request, group_buy_id: int):
    return selectors.tally(_group_buy(request, group_buy_id))


@router.post(
    "/group-buys/{group_buy_id}/close",
    response=GroupBuyOut,
    summary="Close now: forms if the minimum is reached, fails otherwise (leader)",
)
@idempotent
def close_group_buy(request, group_buy_id: int):
    _group_buy(request, group_buy_id)
    services.close_group_buy(actor=request.auth, group_buy_id=group_buy_id, early=True)
    return 200, GroupBuyOut.from_orm(selectors.group_buy_for(roles(request.auth), group_buy_id))


@router.get(
    "/group-buys/{group_buy_id}/orders",
    response=list[OrderOut],
    summary="All orders (leader), or my household's",
)
@paginate
def list_group_buy_orders(request, group_buy_id: int):
    group_buy = _group_buy(request, group_buy_id)
    return selectors.orders_of_group_buy(roles(request.auth), group_buy)


@router.post(
    "/group-buys/{group_buy_id}/orders", response={201: OrderOut}, summary="Place an order"
)
@idempotent
def place_order(request, group_buy_id: int, payload: OrderIn):
    # No touch first: the service refuses what the caller may not see, and a refusal for a
    # passed cutoff closes the group buy (``linli.api.on_linli_error``).
    order = services.place_order(
        actor=request.auth,
        group_buy_id=group_buy_id,
        lines=_lines(payload.lines),
        household_id=payload.household_id,
        note=payload.note,
    )
    if order.group_buy.status != GroupBuy.Status.OPEN:  # it reached its maximum and closed
        return 201, _order_out(request, order.pk)
    return 201, OrderOut.from_orm(order, context={"request": request})


def _order_out(request, order_id: int) -> OrderOut:
    order = selectors.order_for(roles(request.auth), order_id)
    return OrderOut.from_orm(order, context={"request": request})


@router.get(
    "/group-buys/{group_buy_id}/distribution",
    response=list[selectors.BuildingSummary],
    summary="Per building: orders and units to hand out (leader)",
)
def get_distribution(request, group_buy_id: int):
    return selectors.distribution_summary(_managed(request, group_buy_id))


@router.get(
    "/group-buys/{group_buy_id}/distribution/{building_id}",
    response=list[OrderOut],
    summary="Who gets what in one building (leader)",
)
@paginate
def get_building_distribution(request, group_buy_id: int, building_id: int):
    return selectors.distribution_for_building(_managed(request, group_buy_id), building_id)


@router.get(
    "/group-buys/{group_buy_id}/pickup/search",
    response=list[OrderOut],
    summary="Find orders at the gate: code, 跟团号, building + room, or phone's last 4 (leader)",
)
def search_for_pickup(
    request,
    group_buy_id: int,
    q: QueryText = "",
    code: QueryText | None = None,
    seq: QueryId | None = None,
    building: QueryText | None = None,
    room: QueryText | None = None,
    phone_last4: QueryText | None = None,
):
    group_buy = _managed(request, group_buy_id)
    orders = selectors.find_orders_for_pickup(
        group_buy,
        query=q[:40],
        code=code[:20] if code else None,
        seq=seq,
        building=building[:20] if building else None,
        room=room[:20] if room else None,
        phone_last4=phone_last4[:4] if phone_last4 else None,
    )
    found = list(orders)
    _orders_looked(request, found)
    return found


@router.post(
    "/group-buys/{group_buy_id}/pickups",
    response=OrderOut,
    summary="Hand out an order by code or id, in full or in part (leader)",
)
@idempotent
def confirm_pickup(request, group_buy_id: int, payload: PickupIn):
    _group_buy(request, group_buy_id)
    order = services.confirm_pickup(
        actor=request.auth,
        group_buy_id=group_buy_id,
        order_id=payload.order_id,
        code=payload.code,
        lines=dict(_lines(payload.lines)) if payload.lines else None,
    )
    return 200, _order_out(request, order.pk)


@router.get(
    "/group-buys/{group_buy_id}/items/{item_id}/allocation",
    response=AllocationOut,
    summary="Preview how a short delivery of an item would be shared out by a policy (leader)",
)
def preview_allocation(request, group_buy_id: int, item_id: int, policy: Policy):
    _group_buy(request, group_buy_id)
    return services.plan_allocation(
        actor=request.auth, group_buy_id=group_buy_id, item_id=item_id, policy=policy
    )


@router.post(
    "/group-buys/{group_buy_id}/items/{item_id}/allocation",
    response=AllocationOut,
    summary="Share out a short delivery of an item by a policy, once (leader)",
)
@idempotent
def apply_allocation(request, group_buy_id: int, item_id: int, payload: AllocationIn):
    _group_buy(request, group_buy_id)
    plan = services.apply_allocation(
        actor=request.auth, group_buy_id=group_buy_id, item_id=item_id, policy=payload.policy
    )
    return 200, AllocationOut.from_orm(plan)


@router.get(
    "/group-buys/{group_buy_id}/shortfalls",
    response=list[selectors.Shortfall],
    summary="Order lines left short by a shared-out delivery, with the value to refund (leader)",
)
def list_shortfalls(request, group_buy_id: int):
    return selectors.shortfalls(_managed(request, group_buy_id))


def _orders_looked(request, orders: list) -> None:
    """An order shows its household's room and phone to whoever may read it (its leaders,
    operators): who looked is recorded per household, as on the pages (decision 0040)."""
    record_looks(
        actor=request.auth,
        who=roles(request.auth),
        household_ids=[order.household_id for order in orders],
        what="api: orders",
    )


on_page(Order, _orders_looked)


def _looked(request, group_buy_id: int, what: str) -> None:
    """The sheets name every household and its room: who looked is recorded (decision 0040)."""
    record_looks(
        actor=request.auth,
        who=roles(request.auth),
        household_ids=Order.objects.filter(
            group_buy_id=group_buy_id, status=Order.Status.CONFIRMED
        ).values_list("household_id", flat=True),
        what=what,
    )


def _distribution_book(request, group_buy_id: int) -> sheets.content.DistributionBook:
    return sheets.distribution_book(roles(request.auth), _managed(request, group_buy_id))


@router.get(
    "/group-buys/{group_buy_id}/distribution.xlsx",
    response=FILE,
    summary="Per-building distribution as Excel: one sheet per building (leader)",
    openapi_extra=documented(XLSX),
)
def distribution_xlsx(request, group_buy_id: int):
    book = _distribution_book(request, group_buy_id)
    _looked(request, group_buy_id, "distribution.xlsx")
    return attachment(sheets.distribution_workbook(book), XLSX, f"distribution-{group_buy_id}.xlsx")


@router.get(
    "/group-buys/{group_buy_id}/distribution.pdf",
    response=FILE,
    summary="Per-building distribution as an A4 PDF: a page per building, QR pickup codes (leader)",
    openapi_extra=documented(PDF),
)
def distribution_pdf(request, group_buy_id: int):
    book = _distribution_book(request, group_buy_id)
    _looked(request, group_buy_id, "distribution.pdf")
    return attachment(sheets.distribution_pdf(book), PDF, f"distribution-{group_buy_id}.pdf")


@router.get(
    "/purchase-orders/{purchase_order_id}.xlsx",
    response=FILE,
    summary="A purchase order as Excel: quantities per product, no household data",
    openapi_extra=documented(XLSX),
)
def purchase_order_xlsx(request, purchase_order_id: int):
    sheet = sheets.purchase_sheet(
        selectors.purchase_order_for(roles(request.auth), purchase_order_id)
    )
    return attachment(
        sheets.purchase_order_workbook(sheet), XLSX, f"purchase-order-{purchase_order_id}.xlsx"
    )


@router.get(
    "/purchase-orders/{purchase_order_id}.pdf",
    response=FILE,
    summary="A purchase order as an A4 PDF: quantities per product, no household data",
    openapi_extra=documented(PDF),
)
def purchase_order_pdf(request, purchase_order_id: int):
    sheet = sheets.purchase_sheet(
        selectors.purchase_order_for(roles(request.auth), purchase_order_id)
    )
    return attachment(
        sheets.purchase_order_pdf(sheet), PDF, f"purchase-order-{purchase_order_id}.pdf"
    )


@router.get("/orders", response=list[OrderOut], summary="Orders I may see, newest first")
@paginate
def list_orders(request, status: QueryText = "", group_buy_id: QueryId | None = None):
    orders = selectors.visible_orders(roles(request.auth))
    if status:
        orders = orders.filter(status=status[:12])
    if group_buy_id is not None:
        orders = orders.filter(group_buy_id=group_buy_id)
    return orders.order_by("-placed_at", "-id")


@router.get("/orders/{order_id}", response=OrderOut)
def get_order(request, order_id: int):
    order = _order(request, order_id)
    _orders_looked(request, [order])
    return order


@router.put("/orders/{order_id}", response=OrderOut, summary="Change an order before the cutoff")
@idempotent
def change_order(request, order_id: int, payload: OrderChangeIn):
    _order(request, order_id)
    services.change_order(
        actor=request.auth, order_id=order_id, lines=_lines(payload.lines), note=payload.note
    )
    return 200, _order_out(request, order_id)


@router.post(
    "/orders/{order_id}/cancel", response=OrderOut, summary="Cancel an order before the cutoff"
)
@idempotent
def cancel_order(request, order_id: int):
    _order(request, order_id)
    services.cancel_order(actor=request.auth, order_id=order_id)
    return 200, _order_out(request, order_id)


@router.get(
    "/orders/{order_id}/pickup-code.png",
    response={200: None},
    summary="The pickup code as a QR image (PNG), once the group buy has formed",
    openapi_extra={"responses": {200: {"content": {"image/png": {}}}}},
)
def pickup_qr(request, order_id: int, scale: int = 8):
    """The QR holds the address of the leader's hand-out page with the code, which a leader's
    phone camera opens and a scanner at the gate reads the code from."""
    order = _order(request, order_id)
    code = order.issued_pickup_code
    if code is None:
        raise OrderNotFound()
    text = pickup_qr_text(group_buy_id=order.group_buy_id, code=code, base=site_url(request))
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=min(max(scale, 2), 20), border=2)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get(
    "/purchase-orders",
    response=list[PurchaseOrderOut],
    summary="Purchase orders: a supplier's own, a leader's communities', or all (operator)",
)
@paginate
def list_purchase_orders(
    request, group_buy_id: QueryId | None = None, community_id: QueryId | None = None
):
    purchase_orders = selectors.visible_purchase_orders(roles(request.auth))
    if group_buy_id is not None:
        purchase_orders = purchase_orders.filter(group_buy_id=group_buy_id)
    if community_id is not None:
        purchase_orders = purchase_orders.filter(group_buy__community_id=community_id)
    return purchase_orders.order_by("-created_at", "-id")


@router.get("/purchase-orders/{purchase_order_id}", response=PurchaseOrderOut)
def get_purchase_order(request, purchase_order_id: int):
    return selectors.purchase_order_for(roles(request.auth), purchase_order_id)


@router.post(
    "/purchase-orders/{purchase_order_id}/delivery",
    response=PurchaseOrderOut,
    summary="Record what was delivered, per product (supplier)",
)
@idempotent
def record_delivery(request, purchase_order_id: int, payload: DeliveryIn):
    services.record_delivery(
        actor=request.auth,
        purchase_order_id=purchase_order_id,
        delivered=[(line.product_id, line.delivered) for line in payload.lines],
    )
    return 200, PurchaseOrderOut.from_orm(
        selectors.purchase_order_for(roles(request.auth), purchase_order_id)
    )
