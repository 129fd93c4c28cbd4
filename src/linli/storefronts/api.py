"""Storefronts for programs: read a farm's page, edit its story and its products' stories,
add photos and updates (multipart), follow, rate. Thin: parse, call, answer."""

from ninja import File, Form, Router, UploadedFile
from ninja.pagination import paginate

from linli.accounts.roles import roles
from linli.aftersales.limits import MAX_PHOTO_BYTES
from linli.aftersales.photos import Upload
from linli.core.idempotency import idempotent

from . import selectors, services
from .limits import MAX_PHOTOS_AT_ONCE
from .models import Follow
from .schemas import (
    FollowOut,
    PhotoOut,
    PhotosIn,
    ProductStoryIn,
    ProductStoryOut,
    RatingIn,
    RatingOut,
    StorefrontIn,
    StorefrontOut,
    SupplierOut,
    UpdateIn,
    UpdateOut,
    photo_url,
)

router = Router(tags=["storefronts"])


def _uploads(files) -> list[Upload]:
    return [
        Upload(
            name=upload.name or "",
            content_type=upload.content_type or "",
            data=upload.read(MAX_PHOTO_BYTES + 1),
        )
        for upload in list(files or [])[: MAX_PHOTOS_AT_ONCE + 1]
    ]


def storefront_out(request, supplier_id: int) -> StorefrontOut:
    shown = selectors.storefront(roles(request.auth), supplier_id)
    front = shown.storefront
    return StorefrontOut(
        supplier_id=shown.supplier.pk,
        name=shown.supplier.name,
        kind=shown.supplier.kind,
        place=front.place if front else "",
        map_url=front.map_url if front else "",
        story=front.story if front else "",
        story_en=front.story_en if front else "",
        growing=front.growing if front else "",
        growing_en=front.growing_en if front else "",
        certifications=front.certifications if front else "",
        photos=[photo_url(pk) for pk in shown.photo_ids],
        products=[
            ProductStoryOut(
                product_id=row.product.pk,
                name=row.product.name,
                unit=row.product.unit,
                photos=[photo_url(pk) for pk in row.photo_ids],
                ratings=row.ratings,
                average_stars=None if row.average_tenths is None else row.average_tenths / 10,
                **(
                    {
                        name: getattr(row.story, name)
                        for name in ("growing", "season", "keeping", "preparing", "english")
                    }
                    if row.story
                    else {}
                ),
            )
            for row in shown.products
        ],
        updates=[
            UpdateOut(
                id=update.pk,
                text=update.text,
                posted_at=update.posted_at,
                photos=[photo_url(photo.pk) for photo in update.photos.all()],
            )
            for update in shown.updates
        ],
        followers=shown.followers,
        following=shown.following,
    )


@router.get("/storefronts", response=list[SupplierOut], summary="Every farm and shop")
@paginate
def list_storefronts(request):
    return selectors.storefronts()


@router.get("/storefronts/{supplier_id}", response=StorefrontOut, summary="A farm's page")
def get_storefront(request, supplier_id: int):
    return storefront_out(request, supplier_id)


@router.put(
    "/storefronts/{supplier_id}",
    response=StorefrontOut,
    summary="Write the farm's story (its staff, or an operator)",
)
@idempotent
def edit_storefront(request, supplier_id: int, payload: StorefrontIn):
    services.edit_storefront(actor=request.auth, supplier_id=supplier_id, **payload.dict())
    return 200, storefront_out(request, supplier_id)


@router.put(
    "/products/{product_id}/story",
    response=StorefrontOut,
    summary="Write how a product is grown, kept and prepared (its supplier's staff)",
)
@idempotent
def edit_product_story(request, product_id: int, payload: ProductStoryIn):
    story = services.edit_product_story(actor=request.auth, product_id=product_id, **payload.dict())
    return 200, storefront_out(request, story.product.supplier_id)


@router.post(
    "/storefronts/{supplier_id}/photos",
    response={201: list[PhotoOut]},
    summary="Add photos of the farm or a product (multipart, up to 3)",
)
@idempotent
def add_photos(
    request, supplier_id: int, payload: Form[PhotosIn], photos: File[list[UploadedFile]] = None
):
    added = services.add_photos(
        actor=request.auth,
        supplier_id=supplier_id,
        uploads=_uploads(photos),
        product_id=payload.product_id,
        caption=payload.caption,
    )
    return 201, [
        PhotoOut(id=p.pk, url=photo_url(p.pk), width=p.width, height=p.height) for p in added
    ]


@router.post(
    "/storefronts/{supplier_id}/updates",
    response={201: UpdateOut},
    summary="Post a short update for followers (multipart, up to 3 photos)",
)
@idempotent
def post_update(
    request, supplier_id: int, payload: Form[UpdateIn], photos: File[list[UploadedFile]] = None
):
    update = services.post_update(
        actor=request.auth, supplier_id=supplier_id, text=payload.text, uploads=_uploads(photos)
    )
    return 201, UpdateOut(
        id=update.pk,
        text=update.text,
        posted_at=update.posted_at,
        photos=[photo_url(photo.pk) for photo in update.photos.all()],
    )


def _follow_out(request, supplier_id: int) -> FollowOut:
    who = roles(request.auth)
    return FollowOut(
        supplier_id=supplier_id,
        following=Follow.objects.filter(
            supplier_id=supplier_id, household_id=who.household_id
        ).exists(),
        followers=Follow.objects.filter(supplier_id=supplier_id).count(),
    )


@router.post(
    "/storefronts/{supplier_id}/follow", response=FollowOut, summary="Follow a farm (member)"
)
@idempotent
def follow(request, supplier_id: int):
    services.follow(actor=request.auth, supplier_id=supplier_id)
    return 200, _follow_out(request, supplier_id)


@router.delete(
    "/storefronts/{supplier_id}/follow", response=FollowOut, summary="Stop following (member)"
)
@idempotent
def unfollow(request, supplier_id: int):
    selectors.supplier_shown(supplier_id)
    services.unfollow(actor=request.auth, supplier_id=supplier_id)
    return 200, _follow_out(request, supplier_id)


@router.put(
    "/products/{product_id}/rating",
    response=RatingOut,
    summary="Rate a product the household collected (member; replaces an earlier rating)",
)
@idempotent
def rate(request, product_id: int, payload: RatingIn):
    rating = services.rate(
        actor=request.auth, product_id=product_id, stars=payload.stars, comment=payload.comment
    )
    return 200, RatingOut(
        product_id=rating.product_id,
        stars=rating.stars,
        comment=rating.comment,
        rated_at=rating.rated_at,
    )
