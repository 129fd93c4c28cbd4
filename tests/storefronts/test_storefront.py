"""A farm's storefront: its story and products' stories edited by its staff, photos checked,
follows and updates on the front door, ratings only from households that collected."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.accounts.roles import roles
from linli.aftersales.errors import NotAnImage
from linli.aftersales.photos import Upload
from linli.core.personal_data import holders
from linli.groupbuys import services as groupbuys
from linli.storefronts import errors, limits, selectors, services
from linli.storefronts.models import Follow, Photo, ProductStory, Rating, Storefront, Update

from .. import factories
from ..conftest import text
from ..state import snapshot


def png(name="farm.png"):
    return Upload(name=name, content_type="image/png", data=factories.photo_bytes("PNG"))


def test_staff_write_the_story_and_everyone_reads_it(hood, browse):
    services.edit_storefront(
        actor=hood.supplier_user,
        supplier_id=hood.supplier.pk,
        place="崇明岛 陈家镇",
        map_url="https://uri.amap.com/marker?position=121.8,31.5",
        story="我们一家三代在崇明种菜。",
        growing="不用化肥,轮作。",
        certifications="绿色食品认证",
    )
    services.edit_product_story(
        actor=hood.supplier_user,
        product_id=hood.products[0].pk,
        growing="露天种植",
        season="11月到3月",
        keeping="冷藏三天",
        preparing="清炒",
    )
    front = Storefront.objects.get(supplier=hood.supplier)
    assert front.place == "崇明岛 陈家镇"
    assert ProductStory.objects.get(product=hood.products[0]).season == "11月到3月"
    # Public: even without signing in.
    page = text(browse(None, "zh-hans").get(f"/farms/{hood.supplier.pk}/"))
    assert "我们一家三代在崇明种菜。" in page and "11月到3月" in page and "绿色食品认证" in page


def test_only_its_staff_or_an_operator_edit(hood):
    before = snapshot()
    for outsider in (hood.members[1], hood.leader_user, hood.other_supplier_user):
        with pytest.raises(errors.NotYourStorefront):
            services.edit_storefront(actor=outsider, supplier_id=hood.supplier.pk, story="假的")
    with pytest.raises(errors.NotYourStorefront):
        services.edit_product_story(
            actor=hood.other_supplier_user, product_id=hood.products[0].pk, season="x"
        )
    assert snapshot() == before
    services.edit_storefront(actor=hood.operator, supplier_id=hood.supplier.pk, story="运营写的")
    assert Storefront.objects.get().story == "运营写的"


def test_bad_fields_are_named_and_change_nothing(hood):
    before = snapshot()
    with pytest.raises(errors.BadInput) as refused:
        services.edit_storefront(
            actor=hood.supplier_user,
            supplier_id=hood.supplier.pk,
            place="长" * 81,
            map_url="javascript:alert(1)",
        )
    assert [d["field"] for d in refused.value.details] == ["place"]
    with pytest.raises(errors.BadInput) as refused:
        services.edit_storefront(
            actor=hood.supplier_user, supplier_id=hood.supplier.pk, map_url="javascript:alert(1)"
        )
    assert refused.value.details[0]["field"] == "map_url"
    assert snapshot() == before


def test_photos_are_checked_and_stored_bare(hood, media):
    added = services.add_photos(
        actor=hood.supplier_user,
        supplier_id=hood.supplier.pk,
        uploads=[png(), png("greens.png")],
        product_id=hood.products[0].pk,
        caption="菜地",
    )
    assert [p.product_id for p in added] == [hood.products[0].pk] * 2
    assert all((media / p.name).exists() for p in added)
    before = snapshot()
    not_an_image = Upload(name="x.png", content_type="image/png", data=b"<?php echo 1; ?>")
    with pytest.raises(NotAnImage) as refused:
        services.add_photos(
            actor=hood.supplier_user,
            supplier_id=hood.supplier.pk,
            uploads=[png(), not_an_image],
        )
    assert refused.value.status == 422 and "x.png" in str(refused.value.message)
    assert snapshot() == before
    assert Photo.objects.count() == 2


def test_photo_count_is_bounded(hood):
    services.add_photos(
        actor=hood.supplier_user, supplier_id=hood.supplier.pk, uploads=[png(), png(), png()]
    )
    stored = Photo.objects.count()
    Photo.objects.bulk_create(
        Photo(
            supplier=hood.supplier,
            name="x",
            content_type="image/png",
            width=1,
            height=1,
            added_at=Photo.objects.first().added_at,
        )
        for _ in range(limits.MAX_STOREFRONT_PHOTOS - stored)
    )
    with pytest.raises(errors.TooManyPhotos):
        services.add_photos(actor=hood.supplier_user, supplier_id=hood.supplier.pk, uploads=[png()])


def test_followers_see_updates_and_offers_on_the_front_door(hood, browse):
    member = hood.members[1]
    services.follow(actor=member, supplier_id=hood.supplier.pk)
    services.follow(actor=member, supplier_id=hood.supplier.pk)  # twice: one follow
    assert Follow.objects.count() == 1
    services.post_update(
        actor=hood.supplier_user,
        supplier_id=hood.supplier.pk,
        text="草莓还有两周就熟了",
        uploads=[png()],
    )
    hood.open()
    page = text(browse(member, "zh-hans").get("/"))
    assert "草莓还有两周就熟了" in page
    assert hood.products[0].name in page  # on offer in the member's community
    # Someone who does not follow sees neither.
    other = text(browse(hood.members[2], "zh-hans").get("/"))
    assert "草莓还有两周就熟了" not in other
    services.unfollow(actor=member, supplier_id=hood.supplier.pk)
    assert not Follow.objects.exists()
    assert selectors.news(roles(member)) == []


def test_only_households_that_collected_rate(hood):
    group_buy = hood.open()
    item = group_buy.items.order_by("position").first()
    member = hood.members[1]
    order = groupbuys.place_order(actor=member, group_buy_id=group_buy.pk, lines={item.pk: 1})
    before = snapshot()
    with pytest.raises(errors.NotCollected):
        services.rate(actor=member, product_id=hood.products[0].pk, stars=5)
    with pytest.raises(errors.NoHousehold):
        services.rate(actor=hood.supplier_user, product_id=hood.products[0].pk, stars=5)
    with pytest.raises(errors.BadStars):
        services.rate(actor=member, product_id=hood.products[0].pk, stars=6)
    assert snapshot() == before
    groupbuys.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    groupbuys.confirm_pickup(actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=order.pk)
    services.rate(actor=member, product_id=hood.products[0].pk, stars=4, comment="很嫩")
    services.rate(actor=member, product_id=hood.products[0].pk, stars=5, comment="很嫩!")
    rating = Rating.objects.get()
    assert (rating.stars, rating.household_id) == (5, member.member.household_id)
    shown = selectors.storefront(roles(hood.other_member), hood.supplier.pk)
    assert shown.products[0].average_tenths == 50 or shown.products[1].average_tenths == 50


def test_the_order_page_links_the_farmers_story(hood, browse):
    group_buy = hood.open()
    item = group_buy.items.order_by("position").first()
    order = groupbuys.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={item.pk: 1}
    )
    client = browse(hood.members[1])
    assert f"/farms/orders/{order.pk}/" in text(client.get(f"/orders/{order.pk}/"))
    response = client.get(f"/farms/orders/{order.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/farms/{hood.supplier.pk}/"
    assert browse(hood.members[2]).get(f"/farms/orders/{order.pk}/").status_code == 404


def test_the_editor_works_from_a_phone_form(hood, browse):
    client = browse(hood.supplier_user, "zh-hans")
    page = client.get(f"/farms/{hood.supplier.pk}/edit/")
    assert page.status_code == 200
    response = client.post(
        f"/farms/{hood.supplier.pk}/edit/", {"form": "story", "story": "手机上写的故事"}
    )
    assert response.status_code == 302
    assert Storefront.objects.get().story == "手机上写的故事"
    refused = client.post(
        f"/farms/{hood.supplier.pk}/edit/",
        {"form": "update", "text": "看图", "photos": [_file(b"not a picture")]},
    )
    assert refused.status_code == 422 and not Update.objects.exists()
    assert browse(hood.members[1]).get(f"/farms/{hood.supplier.pk}/edit/").status_code == 403


def _file(data: bytes):
    return SimpleUploadedFile("a.png", data, content_type="image/png")


def test_personal_data_holder_exports_and_erases(hood):
    member = hood.members[1]
    services.follow(actor=member, supplier_id=hood.supplier.pk)
    (holder,) = [h for h in holders() if h.name == "storefronts"]
    household_id = member.member.household_id
    assert holder.export(household_id)["storefronts_follow"][0]["supplier_id"] == hood.supplier.pk
    assert holder.export(hood.members[2].member.household_id)["storefronts_follow"] == []
    holder.erase(household_id)
    assert not Follow.objects.exists()
