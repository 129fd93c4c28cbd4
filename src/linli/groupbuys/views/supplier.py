"""A supplier's pages: products and the stock on offer, purchase orders (quantities only, never
a household), and recording what was delivered."""

from django.shortcuts import redirect, render

from linli.catalog.selectors import visible_products
from linli.core.errors import Forbidden, LinliError
from linli.groupbuys import rules, selectors, services
from linli.pages.helpers import Roles, field_errors, page, whole_numbers


@page
def overview(request, who: Roles):
    if not who.supplier_ids:
        raise Forbidden()
    products = list(visible_products(who).filter(supplier_id__in=who.supplier_ids)[:200])
    purchase_orders = list(
        selectors.visible_purchase_orders(who)
        .filter(supplier_id__in=who.supplier_ids)
        .order_by("delivery_recorded_at", "-created_at", "-id")[:50]
    )
    return render(
        request,
        "groupbuys/supplier/overview.html",
        {
            "products": products,
            "on_offer": selectors.stock_on_offer(who),
            "purchase_orders": purchase_orders,
        },
    )


@page
def purchase_order(request, who: Roles, purchase_order_id: int):
    """Quantities per product for one community; the supplier records what it delivered."""
    purchase_order = selectors.purchase_order_for(who, purchase_order_id)
    lines = list(purchase_order.lines.all())
    context: dict = {
        "purchase_order": purchase_order,
        "lines": lines,
        "typed": {
            f"product-{line.product_id}": "" if line.delivered is None else str(line.delivered)
            for line in lines
        },
        "errors": {},
        "general": [],
        "supplies": purchase_order.supplier_id in who.supplier_ids or who.operator,
        "may_record": rules.may_record_delivery(who, purchase_order, purchase_order.group_buy),
    }
    if request.method != "POST":
        return render(request, "groupbuys/supplier/purchase_order.html", context)
    delivered, typed, errors = whole_numbers(
        request.POST, {line.product_id: f"delivered-{line.product_id}" for line in lines}, "product"
    )
    context.update(typed=typed, errors=errors)
    status = 422
    if not context["errors"]:
        try:
            services.record_delivery(
                actor=request.user, purchase_order_id=purchase_order.pk, delivered=delivered
            )
        except LinliError as error:
            fields, general = field_errors(error)
            context.update(errors=fields, general=general)
            status = error.status
        else:
            return redirect("purchase-order", purchase_order.pk)
    return render(request, "groupbuys/supplier/purchase_order.html", context, status=status)
