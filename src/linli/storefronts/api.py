"""Storefronts for programs: read a farm's page, edit its story and its products' stories,
add photos and updates (multipart), follow, rate. Thin: parse, call, answer."""

from ninja import File, Form, Router, UploadedFile
from ninja.pagination import paginate

from linli.accounts.roles import roles
from linli.aftersales.limits import MAX_PHOTO_BYTES
from linli.aftersales.photos import Upload
from linli.core.idempotency import idempotent
from linli.groupbuys import services as groupbuys

from . import selectors, services
from .limits import MAX_PHOTOS_AT_ONCE
from .models import Follow
from .schemas import (
    ChainLevelOut,
    FollowOut,
    HarvestIn,
    HarvestOut,
    HarvestShareOut,
    LeaderSoldOut,
    OfferIn,
    OfferOut,
    PassOnIn,
    PassOut,
    PhotoOut,
    PhotosIn,
    PresaleCommunityOut,
    PresaleIn,
    PresaleOut,
    ProductStoryIn,
    ProductStoryOut,
    RatingIn,
    RatingOut,
    StorefrontIn,
    StorefrontOut,
    StorefrontSupplierOut,
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


@router.get("/storefronts", response=list[StorefrontSupplierOut], summary="Every farm and shop")
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


# ---------------------------------------------------------------------------------------------
# Presales (预售) and help-sell (帮卖): decision 0038.


def presale_out(shown: selectors.PresaleShown) -> PresaleOut:
    presale = shown.presale
    return PresaleOut(
        id=presale.pk,
        supplier_id=presale.supplier_id,
        supplier=presale.supplier.name,
        product_id=presale.product_id,
        product=presale.product.name,
        unit=presale.product.unit,
        price_fen=presale.price_fen,
        harvest_on=presale.harvest_on,
        total=presale.total,
        left=presale.left,
        sold=presale.sold,
        minimum=presale.minimum,
        status=presale.status,
        harvested=presale.harvested,
        policy=presale.policy,
        communities=[PresaleCommunityOut(**vars(c)) for c in shown.communities],
    )


@router.get(
    "/presales",
    response=list[PresaleOut],
    summary="Presales: a supplier's own; every one for leaders and operators",
)
@paginate
def list_presales(request):
    return [
        presale_out(selectors.PresaleShown(presale=p, communities=[]))
        for p in selectors.presales(roles(request.auth))[:200]
    ]


@router.post("/presales", response={201: PresaleOut}, summary="Open a presale (supplier)")
@idempotent
def open_presale(request, payload: PresaleIn):
    presale = groupbuys.open_presale(actor=request.auth, **payload.dict())
    return 201, presale_out(selectors.presale(roles(request.auth), presale.pk))


@router.get(
    "/presales/{presale_id}",
    response=PresaleOut,
    summary="A presale with quantities per community (its supplier: all; a leader: its own)",
)
def get_presale(request, presale_id: int):
    return presale_out(selectors.presale(roles(request.auth), presale_id))


@router.post(
    "/presales/{presale_id}/harvest",
    response=HarvestOut,
    summary="Record the harvest; a short one is shared out across communities and refunded",
)
@idempotent
def record_harvest(request, presale_id: int, payload: HarvestIn):
    harvest = groupbuys.record_harvest(
        actor=request.auth,
        presale_id=presale_id,
        harvested=payload.harvested,
        policy=payload.policy,
    )
    return 200, HarvestOut(
        presale_id=harvest.presale_id,
        harvested=harvest.harvested,
        sold=harvest.sold,
        policy=harvest.policy,
        shares=[HarvestShareOut(**vars(share)) for share in harvest.shares],
    )


def _level(held) -> ChainLevelOut:
    return ChainLevelOut(
        pass_id=held.pk,
        leader_id=held.leader_id,
        leader=held.leader.user.get_full_name() or held.leader.user.username,
        depth=held.depth,
        share_ppm=held.share_ppm,
        stopped=held.stopped_at is not None,
    )


def offer_out(shown: selectors.OfferShown) -> OfferOut:
    offer = shown.offer
    stopped = {held.pk: held.stopped_at is not None for held in shown.passes}
    return OfferOut(
        id=offer.pk,
        product_id=offer.product_id,
        product=offer.product.name,
        supply_price_fen=offer.supply_price_fen,
        suggested_price_fen=offer.suggested_price_fen,
        max_depth=offer.max_depth,
        operator_ppm=offer.operator_ppm,
        leaders=[
            LeaderSoldOut(
                pass_id=held.pk,
                leader_id=sold.leader_id,
                leader=sold.leader,
                depth=sold.depth,
                share_ppm=sold.share_ppm,
                stopped=stopped[held.pk],
                units=sold.units,
                sales_fen=sold.sales_fen,
            )
            for held, sold in zip(shown.passes, shown.sold, strict=True)
        ],
    )


def pass_out(shown: selectors.PassShown) -> PassOut:
    held, offer = shown.held, shown.held.offer
    return PassOut(
        id=held.pk,
        offer_id=offer.pk,
        product_id=offer.product_id,
        product=offer.product.name,
        supplier=offer.supplier.name,
        supply_price_fen=offer.supply_price_fen,
        suggested_price_fen=offer.suggested_price_fen,
        depth=held.depth,
        max_depth=offer.max_depth,
        share_ppm=held.share_ppm,
        stopped=held.stopped_at is not None,
        may_pass_on=shown.may_pass_on,
        chain=[_level(level) for level in shown.chain],
        passed_to=[_level(level) for level in shown.passed_to],
        units=shown.units,
        sales_fen=shown.sales_fen,
    )


@router.post(
    "/help-sell/offers",
    response={201: OfferOut},
    summary="Offer a product to leaders at a supply price (supplier)",
)
@idempotent
def offer_help_sell(request, payload: OfferIn):
    offer = groupbuys.offer_help_sell(actor=request.auth, **payload.dict())
    shown = next(
        s for s in selectors.supplier_offers(roles(request.auth)) if s.offer.pk == offer.pk
    )
    return 201, offer_out(shown)


@router.get(
    "/help-sell/offers",
    response=list[OfferOut],
    summary="A supplier's offers, with every leader's level, share and sales",
)
@paginate
def list_offers(request):
    return [offer_out(shown) for shown in selectors.supplier_offers(roles(request.auth))]


@router.get(
    "/help-sell/passes",
    response=list[PassOut],
    summary="The offers a leader holds, each with the chain above it (operators: all)",
)
@paginate
def list_passes(request):
    return [pass_out(shown) for shown in selectors.passes_held(roles(request.auth))]


@router.post(
    "/help-sell/passes/{pass_id}/pass-on",
    response={201: PassOut},
    summary="Pass an offer on to another leader, who keeps share_ppm of it (leader)",
)
@idempotent
def pass_on(request, pass_id: int, payload: PassOnIn):
    groupbuys.pass_on(
        actor=request.auth,
        pass_id=pass_id,
        to_leader_id=payload.to_leader_id,
        share_ppm=payload.share_ppm,
    )
    return 201, pass_out(selectors.pass_for(roles(request.auth), pass_id))


@router.post(
    "/help-sell/passes/{pass_id}/stop",
    response=PassOut,
    summary="Stop passing an offer on; running group buys keep their terms (leader)",
)
@idempotent
def stop_passing(request, pass_id: int):
    groupbuys.stop_passing(actor=request.auth, pass_id=pass_id)
    return 200, pass_out(selectors.pass_for(roles(request.auth), pass_id))
