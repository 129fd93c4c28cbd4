"""A leader's pages: communities and group buys, opening one, the live tally, closing, the
distribution list per building, the hand-out screen, and which households neighbours may
order for."""

from datetime import datetime

from django import forms
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.catalog.selectors import search_products
from linli.communities import services as community_services
from linli.communities.looks import record_looks
from linli.communities.selectors import (
    CommunityNotFound,
    community_for,
    households_of,
    visible_communities,
)
from linli.core.errors import Invalid, LinliError
from linli.groupbuys import limits, rules, selectors, services, suggestions
from linli.groupbuys.errors import NotLeader
from linli.groupbuys.models import GroupBuy
from linli.pages.helpers import Roles, fen_from_yuan, field_errors, page, whole_number
from linli.pages.registry import group_buy_links


def _led(who: Roles, community_id: int):
    if not who.manages(community_id):
        raise CommunityNotFound()
    return community_for(who, community_id)


@page
def communities(request, who: Roles):
    """My communities and their latest group buys."""
    if not who.led_community_ids and not who.operator:
        raise CommunityNotFound()
    group_buys = selectors.visible_group_buys(who).filter(community_id__in=who.led_community_ids)
    now = timezone.now()
    by_community: dict[int, list[tuple[GroupBuy, str]]] = {}
    for group_buy in group_buys.order_by("-cutoff_at", "-id")[:200]:
        row = (group_buy, rules.status_label(group_buy, now))
        by_community.setdefault(group_buy.community_id, []).append(row)
    led = [
        (community, by_community.get(community.pk, [])[:10])
        for community in visible_communities(who)
        .filter(pk__in=who.led_community_ids)
        .order_by("name")
    ]
    return render(request, "groupbuys/leader/communities.html", {"communities": led})


class GroupBuyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=limits.MAX_TITLE)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=limits.MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    cutoff_at = forms.DateTimeField(
        label=gettext_lazy("Cutoff"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    pickup_starts_at = forms.DateTimeField(
        label=gettext_lazy("Pickup starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    pickup_ends_at = forms.DateTimeField(
        label=gettext_lazy("Pickup ends"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    pickup_place = forms.CharField(label=gettext_lazy("Pickup place"), max_length=limits.MAX_PLACE)
    threshold = forms.ChoiceField(
        label=gettext_lazy("Minimum counted in"), choices=GroupBuy.Threshold.choices
    )
    min_to_form = forms.IntegerField(
        label=gettext_lazy("Minimum to form (成团)"), min_value=1, max_value=limits.MAX_THRESHOLD
    )
    max_to_close = forms.IntegerField(
        label=gettext_lazy("Maximum (closes early)"),
        min_value=1,
        max_value=limits.MAX_THRESHOLD,
        required=False,
    )


def _local_input(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@page
def open_group_buy(request, who: Roles, community_id: int):
    """One form: the group buy and, per supplier product, a price, a stock and a limit. A
    product with no stock typed is left out."""
    community = _led(who, community_id)
    if not who.leads(community.pk):
        raise NotLeader(community=community.name)  # operators run communities, leaders open
    products = list(search_products(who, query=request.GET.get("product", "")[:40])[:300])
    now = timezone.now().replace(second=0, microsecond=0)
    initial = {
        "pickup_place": community.default_pickup_place,
        "threshold": GroupBuy.Threshold.UNITS,
        "min_to_form": 10,
        "cutoff_at": _local_input(now + timezone.timedelta(days=1)),
        "pickup_starts_at": _local_input(now + timezone.timedelta(days=1, hours=14)),
        "pickup_ends_at": _local_input(now + timezone.timedelta(days=1, hours=20)),
    }
    form = GroupBuyForm(request.POST or None, initial=initial)
    typed: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if request.method == "POST":
        specs, positions = [], {}
        for product in products:
            row = {
                name: request.POST.get(f"{name}-{product.pk}", "")
                for name in ("price", "stock", "limit")
            }
            typed.update({f"{name}-{product.pk}": value for name, value in row.items()})
            try:
                stock = whole_number(row["stock"])
                price = fen_from_yuan(row["price"])
                limit = whole_number(row["limit"])
            except ValueError:
                errors[f"product-{product.pk}"] = [_("Price in yuan (12.50), whole numbers.")]
                continue
            if stock:
                positions[len(specs)] = product.pk
                specs.append(
                    services.ItemSpec(
                        product_id=product.pk,
                        price_fen=price,  # blank: the product's suggested price
                        stock=stock,
                        per_household_limit=limit,
                    )
                )
        if form.is_valid() and not errors:
            data = form.cleaned_data
            try:
                group_buy = services.open_group_buy(
                    actor=request.user,
                    community_id=community.pk,
                    items=specs,
                    **data,
                )
            except LinliError as error:
                fields, general = field_errors(error)
                for key, messages in fields.items():
                    name, *rest = key.split(".")
                    if name in form.fields:
                        for message in messages:
                            form.add_error(name, message)
                    elif name == "items" and len(rest) >= 1 and int(rest[0]) in positions:
                        errors.setdefault(f"product-{positions[int(rest[0])]}", []).extend(messages)
                    else:
                        general.extend(messages)
            else:
                return redirect("lead-group-buy", group_buy.pk)
        if not general:
            general = [_("Some of what was typed needs a second look; see below.")]
    suggested = suggestions.suggestions_for(who, community.pk, products)
    # The suggestions go into the stock fields when the leader asks (a product with a stock
    # is opened, so they are not typed in for all 300 products unasked).
    fill = request.method == "GET" and request.GET.get("fill") == "1"
    rows = [
        {
            "product": product,
            "price": typed.get(f"price-{product.pk}", ""),
            "stock": typed.get(
                f"stock-{product.pk}",
                str(suggested[product.pk].units)
                if fill and product.pk in suggested and suggested[product.pk].units
                else "",
            ),
            "limit": typed.get(f"limit-{product.pk}", ""),
            "errors": errors.get(f"product-{product.pk}", []),
            "suggested": suggested.get(product.pk),
        }
        for product in products
    ]
    return render(
        request,
        "groupbuys/leader/open.html",
        {
            "community": community,
            "form": form,
            "rows": rows,
            "general": general,
            "query": request.GET.get("product", ""),
            "any_suggested": bool(suggested),
        },
        status=422 if general else 200,
    )


@page
def group_buy(request, who: Roles, group_buy_id: int):
    """The leader's page of one group buy: the live tally and closing while open; the
    buildings, the hand-out and the purchase orders once formed; links other apps declare."""
    group_buy = selectors.managed_group_buy(who, group_buy_id)
    context = {
        "group_buy": group_buy,
        "tally": selectors.tally(group_buy),
        "links": group_buy_links(group_buy.pk, group_buy.status),
        **_state(group_buy),
    }
    if rules.handed_out_by_building(group_buy):
        context["buildings"] = selectors.distribution_summary(group_buy)
        context["purchase_orders"] = list(
            selectors.visible_purchase_orders(who).filter(group_buy=group_buy)
        )
    return render(request, "groupbuys/leader/group_buy.html", context)


@page
def tally(request, who: Roles, group_buy_id: int):
    """The tally alone: what htmx swaps in every few seconds (a plain request gets the whole
    page)."""
    if not request.htmx:
        return redirect("lead-group-buy", group_buy_id)
    group_buy = selectors.managed_group_buy(who, group_buy_id)
    return render(
        request,
        "groupbuys/leader/_tally.html",
        {"group_buy": group_buy, "tally": selectors.tally(group_buy), **_state(group_buy)},
    )


def _state(group_buy: GroupBuy) -> dict[str, bool | str]:
    """What the leader's page shows and offers, decided by the rules."""
    now = timezone.now()
    return {
        "counting_down": rules.counting_down(group_buy, now),
        "status_label": rules.status_label(group_buy, now),
        "may_close": rules.may_close(group_buy),
    }


@require_POST
@page
def close(request, who: Roles, group_buy_id: int):
    selectors.managed_group_buy(who, group_buy_id)
    services.close_group_buy(actor=request.user, group_buy_id=group_buy_id, early=True)
    return redirect("lead-group-buy", group_buy_id)


@page
def building(request, who: Roles, group_buy_id: int, building_id: int):
    group_buy = selectors.managed_group_buy(who, group_buy_id)
    orders = list(selectors.distribution_for_building(group_buy, building_id))
    name = next(
        (b.name for b in selectors.distribution_summary(group_buy) if b.building_id == building_id),
        "",
    )
    record_looks(
        actor=request.user,
        who=who,
        household_ids=[order.household_id for order in orders],
        what="building_sheet",
    )
    return render(
        request,
        "groupbuys/leader/building.html",
        {"group_buy": group_buy, "orders": orders, "building_name": name, "roles": who},
    )


@page
def handout(request, who: Roles, group_buy_id: int):
    """At the gate: scan or type a pickup code to hand an order out in full; or find orders by
    跟团号, building + room or a phone's last four digits and hand out all or part of one.

    A pickup code's QR holds this page's address with ``?q=<code>``: opened by a leader's
    camera app, it shows that order found (a GET never hands out). The code field takes the
    digits or that address, as a scanner types it. ``scan=1`` comes with a code the page's
    camera read (``static/web/scan.js``) and is sent back, so that the camera starts again
    for the next person in the queue."""
    group_buy = selectors.managed_group_buy(who, group_buy_id)
    query = request.GET.get("q", "").strip()[:300]  # room for a pasted QR address
    context: dict = {"group_buy": group_buy, "query": query, "roles": who, "errors": {}}
    context |= _handout_state(group_buy)
    status = 200
    if request.method == "POST":
        context["scanning"] = request.POST.get("scan") == "1"
        code = request.POST.get("code", "").strip()[:300]
        order_id = request.POST.get("order", "")
        try:
            if code:
                done = services.confirm_pickup(
                    actor=request.user, group_buy_id=group_buy.pk, code=code
                )
            else:
                # The quantities to hand out now, as the leader left or typed them; none at all
                # is refused (the service says so), never read as "everything".
                lines = _take(request.POST)
                done = services.confirm_pickup(
                    actor=request.user,
                    group_buy_id=group_buy.pk,
                    order_id=int(order_id) if order_id.isdigit() else 0,
                    lines=lines,
                )
        except LinliError as error:
            fields, general = field_errors(error)
            # A refused code stays in the field to be checked; a handed-out one is cleared for
            # the next person in the queue.
            context.update(errors=fields, general=general, code=code)
            status = error.status
        else:
            context["done"] = selectors.order_for(who, done.pk)
            group_buy = selectors.group_buy_for(who, group_buy.pk)
            context["group_buy"] = group_buy
            context |= _handout_state(group_buy)
    if query:
        context["found"] = list(selectors.find_orders_for_pickup(group_buy, query=query))
    shown = context.get("found", []) + ([context["done"]] if "done" in context else [])
    record_looks(
        actor=request.user,
        who=who,
        household_ids=[order.household_id for order in shown],
        what="handout",
    )
    return render(request, "groupbuys/leader/handout.html", context, status=status)


def _handout_state(group_buy: GroupBuy) -> dict[str, bool]:
    return {
        "all_collected": rules.all_collected(group_buy),
        "window_ended": rules.window_ended_uncollected(group_buy),
    }


def _take(post) -> dict[int, int]:
    """``take-<item id>`` fields: quantities to hand out; blank or 0 is none of that item."""
    lines = {}
    for key, value in post.items():
        if key.startswith("take-") and key[5:].isdigit():
            try:
                quantity = whole_number(value)
            except ValueError:
                raise Invalid(_("Enter a whole number, or leave it empty.")) from None
            if quantity:
                lines[int(key[5:])] = quantity
    return lines


@page
def households(request, who: Roles, community_id: int):
    """Which households neighbours may order for (they agreed; they have no phone)."""
    community = _led(who, community_id)
    query = request.GET.get("q", "").strip()[:40]
    if request.method == "POST":
        household_id = request.POST.get("household", "")
        community_services.set_neighbours_may_order(
            actor=request.user,
            household_id=int(household_id) if household_id.isdigit() else 0,
            allowed=request.POST.get("allowed") == "1",
        )
        return redirect(f"{request.path}?q={query}" if query else request.path)
    found = list(households_of(who, community, query=query)[:50]) if query else []
    marked = list(households_of(who, community).filter(neighbours_may_order=True))
    record_looks(
        actor=request.user,
        who=who,
        household_ids=[household.pk for household in found + marked],
        what="households",
    )
    return render(
        request,
        "groupbuys/leader/households.html",
        {
            "community": community,
            "query": query,
            "found": found,
            "marked": marked,
            "roles": who,
        },
    )
