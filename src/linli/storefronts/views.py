"""Storefront pages: the public page of a farm (follow, updates, stories, ratings), the
farmer's editor (a phone form), the farms a member follows, and the links from an order to
the stories of what was bought. Thin: the selectors and services decide."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import roles
from linli.aftersales import photos
from linli.aftersales.limits import MAX_PHOTO_BYTES
from linli.catalog.models import Product
from linli.core.errors import Invalid, LinliError
from linli.pages.helpers import Roles, error_page, field_errors, page, whole_number

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
