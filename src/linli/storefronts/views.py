"""Storefront pages: the public page of a farm (follow, updates, stories, ratings), the
farmer's editor (a phone form), the farms a member follows, and the links from an order to
the stories of what was bought. Thin: the selectors and services decide."""

from datetime import date, datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import roles
from linli.aftersales import photos
from linli.aftersales.limits import MAX_PHOTO_BYTES
from linli.catalog.models import Product
from linli.communities.models import Community, Leader
from linli.core.errors import Invalid, LinliError
from linli.groupbuys import services as groupbuys
from linli.groupbuys.errors import OfferNotFound
from linli.groupbuys.fair_shares import Policy
from linli.pages.helpers import (
    Roles,
    error_page,
    fen_from_yuan,
    field_errors,
    page,
    whole_number,
)

from . import rules, selectors, services
from .errors import NotYourStorefront
from .limits import (
    MAX_CAPTION,
    MAX_COMMENT,
    MAX_PHOTOS_AT_ONCE,
    MAX_SEASON,
    MAX_SHORT,
    MAX_STORY,
    MAX_UPDATE,
)
from .models import ProductStory, Storefront

STOREFRONT_FIELDS = (
    "place",
    "map_url",
    "story",
    "story_en",
    "growing",
    "growing_en",
    "certifications",
)
STORY_FIELDS = ("growing", "season", "keeping", "preparing", "english")
LIMITS = {
    "story": MAX_STORY,
    "short": MAX_SHORT,
    "season": MAX_SEASON,
    "update": MAX_UPDATE,
    "caption": MAX_CAPTION,
    "comment": MAX_COMMENT,
    "photos": MAX_PHOTOS_AT_ONCE,
}


def _uploads(request) -> list[photos.Upload]:
    return [
        photos.Upload(
            name=upload.name or "",
            content_type=upload.content_type or "",
            data=upload.read(MAX_PHOTO_BYTES + 1),
        )
        for upload in request.FILES.getlist("photos")[: MAX_PHOTOS_AT_ONCE + 1]
    ]


def index(request: HttpRequest) -> HttpResponse:
    """Every farm and shop, with how many follow it (open to anyone)."""
    who = roles(request.user)
    return render(
        request,
        "storefronts/index.html",
        {"suppliers": selectors.storefronts()[:200], "followed": selectors.followed(who)},
    )


def storefront(request: HttpRequest, supplier_id: int) -> HttpResponse:
    """A farm's public page. POST (signed in): follow, unfollow or rate."""
    who = roles(request.user)
    try:
        general: list[str] = []
        status = 200
        if request.method == "POST":
            if not request.user.is_authenticated:
                return redirect("login")
            action = request.POST.get("action", "")
            try:
                if action == "follow":
                    services.follow(actor=request.user, supplier_id=supplier_id)
                elif action == "unfollow":
                    services.unfollow(actor=request.user, supplier_id=supplier_id)
                elif action == "rate":
                    services.rate(
                        actor=request.user,
                        product_id=_number(request.POST, "product", _("Choose the item.")),
                        stars=_number(request.POST, "stars", _("Give from 1 to 5 stars.")),
                        comment=request.POST.get("comment", ""),
                    )
                else:
                    raise Invalid(_("Choose what to do."))
                return redirect("storefronts:storefront", supplier_id)
            except LinliError as error:
                _fields, general = field_errors(error)
                status = error.status
        shown = selectors.storefront(who, supplier_id)
        return render(
            request,
            "storefronts/storefront.html",
            {"shown": shown, "general": general, "limits": LIMITS},
            status=status,
        )
    except LinliError as error:
        return error_page(request, error)


def _number(post, name: str, message) -> int:
    try:
        number = whole_number(post.get(name, ""))
    except ValueError:
        number = None
    if number is None:
        raise Invalid(details=[{"field": name, "message": message}])
    return number


def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A storefront's photo (public, as the storefront is)."""
    try:
        found = selectors.photo_for(photo_id)
    except LinliError as error:
        return error_page(request, error)
    answer = photos.response(
        name=found.name, content_type=found.content_type, shown_as=f"{found.pk}"
    )
    answer["Cache-Control"] = "public, max-age=3600"
    return answer


@page
def edit(request, who: Roles, supplier_id: int):
    """The farmer's editor, made for a phone: the story, one product's story, photos, an
    update. Each form posts on its own (``form`` names which)."""
    supplier = selectors.supplier_shown(supplier_id)
    if not rules.may_edit(who, supplier_id):
        raise NotYourStorefront()
    front = Storefront.objects.filter(supplier=supplier).first()
    products = list(Product.objects.filter(supplier=supplier, active=True).order_by("name"))
    stories = {s.product_id: s for s in ProductStory.objects.filter(product__in=products)}
    context: dict = {
        "supplier": supplier,
        "front": front,
        "products": [(product, stories.get(product.pk)) for product in products],
        "limits": LIMITS,
        "typed": {},
        "errors": {},
        "general": [],
        "form": "",
        "saved": request.GET.get("saved", ""),
    }
    if request.method != "POST":
        return render(request, "storefronts/edit.html", context)
    post = request.POST
    form = post.get("form", "")
    context["form"] = form
    context["typed"] = dict(post.items())
    try:
        if form == "story":
            services.edit_storefront(
                actor=request.user,
                supplier_id=supplier_id,
                **{name: post.get(name, "") for name in STOREFRONT_FIELDS},
            )
        elif form == "product":
            services.edit_product_story(
                actor=request.user,
                product_id=_number(post, "product", _("Choose the item.")),
                **{name: post.get(name, "") for name in STORY_FIELDS},
            )
        elif form == "photos":
            product = post.get("product", "")
            services.add_photos(
                actor=request.user,
                supplier_id=supplier_id,
                uploads=_uploads(request),
                product_id=_number(post, "product", _("Choose the item.")) if product else None,
                caption=post.get("caption", ""),
            )
        elif form == "update":
            services.post_update(
                actor=request.user,
                supplier_id=supplier_id,
                text=post.get("text", ""),
                uploads=_uploads(request),
            )
        elif form == "remove":
            services.remove_photo(
                actor=request.user, photo_id=_number(post, "photo", _("Choose the photo."))
            )
        else:
            raise Invalid(_("Choose what to do."))
    except LinliError as error:
        fields, general = field_errors(error)
        context.update(errors=fields, general=general)
        return render(request, "storefronts/edit.html", context, status=error.status)
    return redirect(f"{request.path}?saved={form}")


@page
def order_stories(request, who: Roles, order_id: int):
    """The farms behind one of the household's orders: one farm goes straight to its page."""
    suppliers = selectors.order_suppliers(who, order_id)
    if len(suppliers) == 1:
        return redirect("storefronts:storefront", suppliers[0].pk)
    return render(request, "storefronts/order.html", {"suppliers": suppliers, "order_id": order_id})


# ---------------------------------------------------------------------------------------------
# Presales and help-sell pages (decision 0038).


def _local(text: str, field: str) -> datetime:
    """A ``datetime-local`` input in Asia/Shanghai, or a refusal naming the field."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(details=[{"field": field, "message": _("Choose a date and time.")}]) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(details=[{"field": field, "message": _("Choose a date.")}]) from None


def _yuan(post, name: str) -> int | None:
    try:
        return fen_from_yuan(post.get(name, ""))
    except ValueError:
        raise Invalid(
            details=[{"field": name, "message": _("Write an amount in yuan, like 36.50.")}]
        ) from None


def _communities(who: Roles) -> list[Community]:
    return list(Community.objects.filter(pk__in=who.led_community_ids).order_by("name"))


def _default_cutoff() -> str:
    soon = timezone.localtime() + timedelta(days=2)
    return soon.replace(hour=20, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


@page
def presales(request, who: Roles):
    """A farmer's presales (open one; quantities per community; record the harvest); for a
    leader, the open presales to sell in its communities."""
    context: dict = {
        "shown": [selectors.presale(who, p.pk) for p in selectors.presales(who)[:50]],
        "products": list(
            Product.objects.filter(supplier_id__in=who.supplier_ids, active=True).order_by("name")
        ),
        "communities": _communities(who),
        "user_suppliers": who.supplier_ids,
        "policies": list(Policy),
        "cutoff": _default_cutoff(),
        "harvest_default": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "typed": {},
        "errors": {},
        "general": [],
        "form": "",
        "done": request.GET.get("done", ""),
        "yuan": lambda fen: f"{fen / 100:.2f}",
    }
    if request.method != "POST":
        return render(request, "storefronts/presales.html", context)
    post = request.POST
    form = post.get("form", "")
    context.update(form=form, typed=dict(post.items()))
    try:
        if form == "open":
            groupbuys.open_presale(
                actor=request.user,
                product_id=_number(post, "product", _("Choose the item.")),
                price_fen=_yuan(post, "price") or 0,
                harvest_on=_date(post.get("harvest_on", ""), "harvest_on"),
                total=_number(post, "total", _("Enter a whole number.")),
                minimum=_number(post, "minimum", _("Enter a whole number.")),
            )
        elif form == "harvest":
            groupbuys.record_harvest(
                actor=request.user,
                presale_id=_number(post, "presale", _("Choose the presale.")),
                harvested=_number(post, "harvested", _("Enter a whole number.")),
                policy=post.get("policy", ""),
            )
        elif form == "sell":
            group_buy = services.sell_in_community(
                actor=request.user,
                community_id=_number(post, "community", _("Choose the community.")),
                stock=_number(post, "stock", _("Enter a whole number.")),
                cutoff_at=_local(post.get("cutoff_at", ""), "cutoff_at"),
                presale_id=_number(post, "presale", _("Choose the presale.")),
            )
            return redirect("lead-group-buy", group_buy.pk)
        else:
            raise Invalid(_("Choose what to do."))
    except LinliError as error:
        fields, general = field_errors(error)
        context.update(errors=fields, general=general)
        return render(request, "storefronts/presales.html", context, status=error.status)
    return redirect(f"{request.path}?done={form}")


@page
def help_sell(request, who: Roles):
    """帮卖: a supplier's offers with every leader's level, share and sales (and a form to
    offer a product to leaders); a leader's offers with the chain above, pass on, stop, and
    sell in its communities."""
    is_supplier = bool(who.supplier_ids) or who.operator
    context: dict = {
        "offers": selectors.supplier_offers(who) if is_supplier else [],
        "held": selectors.passes_held(who) if who.leader_id is not None else [],
        "products": list(
            Product.objects.filter(supplier_id__in=who.supplier_ids, active=True).order_by("name")
        ),
        "leaders": list(
            Leader.objects.filter(active=True).select_related("user").order_by("pk")[:200]
        ),
        "communities": _communities(who),
        "cutoff": _default_cutoff(),
        "percent": rules.percent,
        "typed": {},
        "errors": {},
        "general": [],
        "form": "",
        "done": request.GET.get("done", ""),
    }
    if not is_supplier and who.leader_id is None:
        raise OfferNotFound()
    if request.method != "POST":
        return render(request, "storefronts/help_sell.html", context)
    post = request.POST
    form = post.get("form", "")
    context.update(form=form, typed=dict(post.items()))
    try:
        if form == "offer":
            groupbuys.offer_help_sell(
                actor=request.user,
                product_id=_number(post, "product", _("Choose the item.")),
                supply_price_fen=_yuan(post, "supply_price") or 0,
                suggested_price_fen=_yuan(post, "suggested_price") or 0,
                leader_ids=[int(v) for v in post.getlist("leaders") if v.isdigit()][:50],
            )
        elif form == "pass":
            try:
                share = rules.ppm_from_percent(post.get("share", ""))
            except ValueError:
                raise Invalid(
                    details=[{"field": "share", "message": _("Write a percentage, like 30.")}]
                ) from None
            groupbuys.pass_on(
                actor=request.user,
                pass_id=_number(post, "pass", _("Choose the offer.")),
                to_leader_id=_number(post, "leader", _("Choose the leader.")),
                share_ppm=share,
            )
        elif form == "stop":
            groupbuys.stop_passing(
                actor=request.user, pass_id=_number(post, "pass", _("Choose the offer."))
            )
        elif form == "sell":
            group_buy = services.sell_in_community(
                actor=request.user,
                community_id=_number(post, "community", _("Choose the community.")),
                stock=_number(post, "stock", _("Enter a whole number.")),
                cutoff_at=_local(post.get("cutoff_at", ""), "cutoff_at"),
                price_fen=_yuan(post, "price"),
                help_sell_id=_number(post, "pass", _("Choose the offer.")),
            )
            return redirect("lead-group-buy", group_buy.pk)
        else:
            raise Invalid(_("Choose what to do."))
    except LinliError as error:
        fields, general = field_errors(error)
        context.update(errors=fields, general=general)
        return render(request, "storefronts/help_sell.html", context, status=error.status)
    return redirect(f"{request.path}?done={form}")
