"""Every write to the storefronts: keyword-only, one transaction each, checks who asks, and
raises a :mod:`.errors` error (nothing changed) when the request cannot be carried out."""

import secrets
from collections.abc import Sequence
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.aftersales import photos
from linli.aftersales.photos import Upload
from linli.catalog.models import Product, Supplier
from linli.core import audit
from linli.core.errors import Message
from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy, HelpSellPass, OrderLine, Presale

from . import errors, rules
from .limits import (
    MAX_CAPTION,
    MAX_COMMENT,
    MAX_MAP_URL,
    MAX_PHOTOS_AT_ONCE,
    MAX_PLACE,
    MAX_SEASON,
    MAX_SHORT,
    MAX_STOREFRONT_PHOTOS,
    MAX_STORY,
    MAX_UPDATE,
)
from .models import Follow, Photo, ProductStory, Rating, Storefront, Update


def _check_lengths(fields: dict[str, tuple[str, int]]) -> dict[str, str]:
    """Each text stripped, or every field that is too long named at once."""
    problems = [
        {
            "field": name,
            "message": Message(_("At most %(max)s characters."), max=most),
        }
        for name, (text, most) in fields.items()
        if len(text.strip()) > most
    ]
    if problems:
        raise errors.BadInput(details=problems)
    return {name: text.strip() for name, (text, _most) in fields.items()}


def _supplier_to_edit(actor: User, supplier_id: int) -> Supplier:
    who = roles(actor)
    supplier = Supplier.objects.filter(pk=supplier_id, active=True).first()
    if supplier is None:
        raise errors.StorefrontNotFound()
    if not rules.may_edit(who, supplier_id):
        raise errors.NotYourStorefront()
    return supplier


def edit_storefront(
    *,
    actor: User,
    supplier_id: int,
    place: str = "",
    map_url: str = "",
    story: str = "",
    story_en: str = "",
    growing: str = "",
    growing_en: str = "",
    certifications: str = "",
    now: datetime | None = None,
) -> Storefront:
    """Write the storefront's story (creating it the first time); every field is replaced."""
    now = now or timezone.now()
    texts = _check_lengths(
        {
            "place": (place, MAX_PLACE),
            "map_url": (map_url, MAX_MAP_URL),
            "story": (story, MAX_STORY),
            "story_en": (story_en, MAX_STORY),
            "growing": (growing, MAX_STORY),
            "growing_en": (growing_en, MAX_STORY),
            "certifications": (certifications, MAX_SHORT),
        }
    )
    if texts["map_url"] and not texts["map_url"].startswith(("https://", "http://")):
        raise errors.BadInput(
            details=[
                {"field": "map_url", "message": _("A map link starts with https:// or http://.")}
            ]
        )
    with transaction.atomic():
        supplier = _supplier_to_edit(actor, supplier_id)
        storefront, _created = Storefront.objects.select_for_update().update_or_create(
            supplier=supplier, defaults={**texts, "updated_at": now}
        )
        audit.record(actor=actor, action="storefront.edited", target=storefront)
    return storefront


def edit_product_story(
    *,
    actor: User,
    product_id: int,
    growing: str = "",
    season: str = "",
    keeping: str = "",
    preparing: str = "",
    english: str = "",
    now: datetime | None = None,
) -> ProductStory:
    """Write how a product is grown, its season, how to keep and prepare it."""
    now = now or timezone.now()
    texts = _check_lengths(
        {
            "growing": (growing, MAX_SHORT),
            "season": (season, MAX_SEASON),
            "keeping": (keeping, MAX_SHORT),
            "preparing": (preparing, MAX_SHORT),
            "english": (english, MAX_SHORT),
        }
    )
    with transaction.atomic():
        product = Product.objects.filter(pk=product_id).first()
        if product is None:
            raise errors.ProductNotFound()
        _supplier_to_edit(actor, product.supplier_id)
        story, _created = ProductStory.objects.update_or_create(
            product=product, defaults={**texts, "updated_at": now}
        )
        audit.record(actor=actor, action="storefront.product_story_edited", target=story)
    return story


def _store(supplier_id: int, photo: photos.Clean) -> str:
    wanted = f"storefronts/{supplier_id}/{secrets.token_hex(12)}.{photo.extension}"
    return default_storage.save(wanted, ContentFile(photo.data))


def _add_photos_locked(
    *,
    supplier: Supplier,
    uploads: Sequence[Upload],
    now: datetime,
    product: Product | None = None,
    update: Update | None = None,
    caption: str = "",
) -> list[Photo]:
    """Check every upload before storing any (a bad one refuses them all); the caller holds
    the supplier's row, so two uploads cannot both pass the count."""
    if len(uploads) > MAX_PHOTOS_AT_ONCE:
        raise errors.BadInput(
            details=[
                {
                    "field": "photos",
                    "message": Message(
                        _("Send at most %(most)s photos at once."), most=MAX_PHOTOS_AT_ONCE
                    ),
                }
            ]
        )
    cleaned = [photos.clean(upload) for upload in uploads]
    stored = Photo.objects.filter(supplier=supplier).count()
    if not rules.room_for_photos(stored=stored, adding=len(cleaned)):
        raise errors.TooManyPhotos(most=MAX_STOREFRONT_PHOTOS)
    names: list[str] = []
    try:
        rows = []
        for photo in cleaned:
            name = _store(supplier.pk, photo)
            names.append(name)
            rows.append(
                Photo(
                    supplier=supplier,
                    product=product,
                    update=update,
                    name=name,
                    content_type=photo.content_type,
                    width=photo.width,
                    height=photo.height,
                    caption=caption,
                    added_at=now,
                )
            )
        return Photo.objects.bulk_create(rows)
    except BaseException:
        photos.delete(names)
        raise


def add_photos(
    *,
    actor: User,
    supplier_id: int,
    uploads: Sequence[Upload],
    product_id: int | None = None,
    caption: str = "",
    now: datetime | None = None,
) -> list[Photo]:
    """Add photos of the farm (or of one of its products). Each is checked for type and size
    and re-encoded from its pixels; one bad photo refuses them all."""
    now = now or timezone.now()
    texts = _check_lengths({"caption": (caption, MAX_CAPTION)})
    if not uploads:
        raise errors.BadInput(details=[{"field": "photos", "message": _("Choose a photo.")}])
    with transaction.atomic():
        supplier = _supplier_to_edit(actor, supplier_id)
        supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
        product = None
        if product_id is not None:
            product = Product.objects.filter(pk=product_id, supplier=supplier).first()
            if product is None:
                raise errors.ProductNotFound()
        added = _add_photos_locked(
            supplier=supplier, uploads=uploads, now=now, product=product, caption=texts["caption"]
        )
        audit.record(
            actor=actor,
            action="storefront.photos_added",
            target=supplier,
            data={"photos": [photo.pk for photo in added], "product": product_id},
        )
    return added


def remove_photo(*, actor: User, photo_id: int) -> None:
    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or not rules.may_edit(roles(actor), photo.supplier_id):
            raise errors.PhotoNotFound()
        name = photo.name
        photo.delete()
        audit.record(actor=actor, action="storefront.photo_removed", target_id=photo_id)
        transaction.on_commit(lambda: photos.delete([name]))


def post_update(
    *,
    actor: User,
    supplier_id: int,
    text: str,
    uploads: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Update:
    """A short update for the followers, with up to three photos."""
    now = now or timezone.now()
    texts = _check_lengths({"text": (text, MAX_UPDATE)})
    if not texts["text"]:
        raise errors.BadInput(details=[{"field": "text", "message": _("Write something.")}])
    with transaction.atomic():
        supplier = _supplier_to_edit(actor, supplier_id)
        supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
        update = Update.objects.create(
            supplier=supplier, text=texts["text"], posted_by=actor, posted_at=now
        )
        if uploads:
            _add_photos_locked(supplier=supplier, uploads=uploads, now=now, update=update)
        audit.record(actor=actor, action="storefront.update_posted", target=update)
    return update


def _household(actor: User) -> int:
    who = roles(actor)
    if who.household_id is None:
        raise errors.NoHousehold()
    return who.household_id


def follow(*, actor: User, supplier_id: int, now: datetime | None = None) -> Follow:
    """Follow a farm; following it again changes nothing."""
    household_id = _household(actor)
    with transaction.atomic():
        if not Supplier.objects.filter(pk=supplier_id, active=True).exists():
            raise errors.StorefrontNotFound()
        found, _created = Follow.objects.get_or_create(
            household_id=household_id,
            supplier_id=supplier_id,
            defaults={"since": now or timezone.now()},
        )
    return found


def unfollow(*, actor: User, supplier_id: int) -> None:
    """Stop following; stopping twice changes nothing."""
    household_id = _household(actor)
    Follow.objects.filter(household_id=household_id, supplier_id=supplier_id).delete()


def collected(household_id: int, product_id: int) -> bool:
    """Did the household pick the product up in some order (in part counts)?"""
    return OrderLine.objects.filter(
        order__household_id=household_id, item__product_id=product_id, picked_up__gt=0
    ).exists()


def rate(
    *,
    actor: User,
    product_id: int,
    stars: int,
    comment: str = "",
    now: datetime | None = None,
) -> Rating:
    """Rate a product the household picked up; rating again replaces the earlier rating."""
    now = now or timezone.now()
    if not rules.stars_valid(stars):
        raise errors.BadStars()
    texts = _check_lengths({"comment": (comment, MAX_COMMENT)})
    household_id = _household(actor)
    with transaction.atomic():
        product = Product.objects.filter(pk=product_id).first()
        if product is None:
            raise errors.ProductNotFound()
        if not rules.may_rate(has_household=True, collected=collected(household_id, product_id)):
            raise errors.NotCollected(product=product.name)
        rating, _created = Rating.objects.update_or_create(
            household_id=household_id,
            product=product,
            defaults={
                "supplier_id": product.supplier_id,
                "stars": stars,
                "comment": texts["comment"],
                "rated_by": actor,
                "rated_at": now,
            },
        )
        audit.record(actor=actor, action="storefront.rated", target=rating, data={"stars": stars})
    return rating


def erase_household(household_id: int) -> None:
    """The household asked to be forgotten: its follows and ratings go (inside the caller's
    transaction)."""
    Follow.objects.filter(household_id=household_id).delete()
    Rating.objects.filter(household_id=household_id).delete()


def sell_in_community(
    *,
    actor: User,
    community_id: int,
    stock: int,
    cutoff_at: datetime,
    price_fen: int | None = None,
    presale_id: int | None = None,
    help_sell_id: int | None = None,
    now: datetime | None = None,
) -> GroupBuy:
    """A leader opens a group buy of one presale or one help-sell offer it holds, in one of
    its communities, picked up on the usual rhythm (a presale after its harvest)."""
    harvest_on = None
    found: tuple[int, str] | None
    if presale_id is not None:
        row = (
            Presale.objects.filter(pk=presale_id)
            .values_list("product_id", "product__name", "harvest_on")
            .first()
        )
        found = None if row is None else (row[0], row[1])
        harvest_on = None if row is None else row[2]
    else:
        found = (
            HelpSellPass.objects.filter(pk=help_sell_id or 0)
            .values_list("offer__product_id", "offer__product__name")
            .first()
        )
    if found is None:
        raise errors.BadInput(
            details=[{"field": "source", "message": _("Choose a presale or an offer.")}]
        )
    product_id, name = found
    starts, ends = rules.pickup_window(cutoff_at, harvest_on=harvest_on)
    return groupbuys.open_group_buy(
        actor=actor,
        community_id=community_id,
        title=name,
        items=[
            groupbuys.ItemSpec(
                product_id=product_id,
                price_fen=price_fen,
                stock=stock,
                presale_id=presale_id,
                help_sell_id=help_sell_id,
            )
        ],
        min_to_form=1,
        cutoff_at=cutoff_at,
        pickup_starts_at=starts,
        pickup_ends_at=ends,
        now=now,
    )
