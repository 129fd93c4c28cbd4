"""Every refusal, with its exact message in both languages, and nothing changed by it: no
report, no photo (in the table or in storage), no event, no money."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.timezone import localtime

from linli.aftersales import services
from linli.aftersales.models import Photo, Report
from linli.core.models import OutboxEvent
from linli.ledger.models import Entry

from .. import factories
from ..apiclient import Api
from .conftest import collected, line_of, upload
from .test_api_flow import client, report

LANGUAGES = ["en", "zh-hans"]


def state(media) -> tuple:
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return (
        list(Report.objects.values_list("pk", "status", "credit_fen")),
        Photo.objects.count(),
        files,
        OutboxEvent.objects.filter(name__startswith="after_sales").count(),
        Entry.objects.count(),
    )


def refused(response, status: int, code: str, message: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["message"]) == (code, message)


def shown(moment) -> str:
    return localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_the_window(hood, language, media):
    picked_at = timezone.now() - timedelta(hours=25)
    _g, order = collected(hood, pickup_at=picked_at)
    before = state(media)
    answer = report(client(hood.members[1], language), line_of(order, 1).pk)
    until = shown(picked_at + timedelta(hours=24))
    refused(
        answer,
        409,
        "report_window_closed",
        {
            "en": f"Problems with 土鸡蛋 could be reported until {until}, 24 hours after it was "
            "collected.",
            "zh-hans": f"土鸡蛋的售后申请截止于 {until}（提货后 24 小时内）。",
        }[language],
    )
    assert state(media) == before


def test_the_window_is_a_setting(hood, settings):
    settings.LINLI_AFTER_SALES = {"REPORT_HOURS": 48, "DECIDE_HOURS": 48}
    _g, order = collected(hood, pickup_at=timezone.now() - timedelta(hours=25))
    assert report(client(hood.members[1]), line_of(order, 1).pk).status_code == 201


@pytest.mark.parametrize("language", LANGUAGES)
def test_before_pickup(hood, language, media):
    _g, order = collected(hood, picked={0: 3})  # the greens only: no eggs handed out yet
    before = state(media)
    refused(
        report(client(hood.members[1], language), line_of(order, 1).pk),
        409,
        "not_collected",
        {
            "en": "You have not collected 土鸡蛋 yet: report a problem once you have picked it up.",
            "zh-hans": "您还没有提走土鸡蛋：提货后才能申请售后。",
        }[language],
    )
    assert state(media) == before
    # What was collected of a partly collected order may be reported meanwhile.
    assert report(client(hood.members[1]), line_of(order, 0).pk, quantity=3).status_code == 201


@pytest.mark.parametrize("language", LANGUAGES)
def test_someone_elses_order(hood, language, media):
    _g, order = collected(hood)
    before = state(media)
    refused(
        report(client(hood.members[2], language), line_of(order, 1).pk),
        404,
        "order_line_not_found",
        {
            "en": "There is no such item in an order, or it is not yours to see.",
            "zh-hans": "订单中没有这件商品，或您无权查看。",
        }[language],
    )
    # The leader sees the order (their community's) but it is not their household's.
    refused(
        report(client(hood.leader_user, language), line_of(order, 1).pk),
        403,
        "not_your_order",
        {
            "en": "You can only report a problem with your own household's order.",
            "zh-hans": "只能为自己家的订单申请售后。",
        }[language],
    )
    assert state(media) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_more_than_was_collected(hood, language, media):
    _g, order = collected(hood)
    before = state(media)
    refused(
        report(client(hood.members[1], language), line_of(order, 1).pk, quantity=3),
        422,
        "quantity_over_collected",
        {
            "en": "You collected 2 盒 of 土鸡蛋: report at most that many.",
            "zh-hans": "土鸡蛋您提走了 2 盒：申请数量不能超过这个数。",
        }[language],
    )
    assert state(media) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_fourth_photo(hood, language, media):
    _g, order = collected(hood)
    before = state(media)
    refused(
        report(
            client(hood.members[1], language),
            line_of(order, 1).pk,
            photos=[upload(f"{n}.jpg") for n in range(4)],
        ),
        422,
        "too_many_photos",
        {"en": "Send at most 3 photos.", "zh-hans": "最多上传 3 张照片。"}[language],
    )
    assert state(media) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_file_that_is_not_an_image(hood, language, media):
    _g, order = collected(hood)
    before = state(media)
    fake = upload("menu.jpg", data=b"<script>alert(1)</script>" * 10)
    refused(
        report(client(hood.members[1], language), line_of(order, 1).pk, photos=[upload(), fake]),
        422,
        "not_an_image",
        {
            "en": "menu.jpg is not a JPEG, PNG or WebP photo.",
            "zh-hans": "menu.jpg 不是 JPEG、PNG 或 WebP 图片。",
        }[language],
    )
    assert state(media) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_image_that_lies_about_its_type(hood, language, media):
    _g, order = collected(hood)
    before = state(media)
    liar = upload("b.jpg", data=factories.photo_bytes("PNG"), content_type="image/jpeg")
    refused(
        report(client(hood.members[1], language), line_of(order, 1).pk, photos=[liar]),
        422,
        "image_type_mismatch",
        {
            "en": "b.jpg is a PNG image but was sent as image/jpeg.",
            "zh-hans": "b.jpg 是 PNG 图片，却以 image/jpeg 类型上传。",
        }[language],
    )
    assert state(media) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_photo_too_large(hood, language, media):
    _g, order = collected(hood)
    before = state(media)
    big = upload("big.jpg", data=factories.photo_bytes() + b"\0" * (5 * 1024 * 1024))
    refused(
        report(client(hood.members[1], language), line_of(order, 1).pk, photos=[big]),
        422,
        "photo_too_large",
        {"en": "big.jpg is larger than 5 MB.", "zh-hans": "big.jpg 超过 5 MB。"}[language],
    )
    assert state(media) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_report_on_the_same_line(hood, language, media):
    _g, order = collected(hood)
    first = report(client(hood.members[1]), line_of(order, 1).pk, quantity=1).json()["id"]
    before = state(media)
    refused(
        report(client(hood.members[1], language), line_of(order, 1).pk, quantity=1, kind="wrong"),
        409,
        "already_reported",
        {
            "en": f"A problem with 土鸡蛋 in this order was already reported (report {first}).",
            "zh-hans": f"这笔订单的土鸡蛋已经申请过售后（售后单 {first}）。",
        }[language],
    )
    assert state(media) == before


def reported(hood, quantity=2):
    _g, order = collected(hood)
    return services.report_problem(
        actor=hood.members[1], order_line_id=line_of(order, 1).pk, quantity=quantity, kind="spoiled"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_deciding_twice(hood, language, media):
    made = reported(hood)
    done = services.decide_report(actor=hood.leader_user, report_id=made.pk, choice="approve")
    before = state(media)
    refused(
        Api(hood.operator, language).post(
            f"/after-sales/{made.pk}/decision", {"decision": "reject", "reason": "照片看不清"}
        ),
        409,
        "already_decided",
        {
            "en": f"This report was already decided (approved) at {shown(done.decided_at)}.",
            "zh-hans": f"这张售后单已于 {shown(done.decided_at)} 处理（已同意）。",
        }[language],
    )
    assert state(media) == before


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("body", "field", "messages"),
    [
        (
            {"decision": "partly_approve", "credit_fen": 5601, "reason": "只破了一点"},
            "amount",
            {
                "en": "Credit from ¥0.01 to ¥56.00, the price of 2 盒.",
                "zh-hans": "退款金额须在 ¥0.01 到 ¥56.00（2 盒 的价格）之间。",
            },
        ),
        (
            {"decision": "partly_approve", "quantity": 3, "reason": "只破了一盒"},
            "quantity",
            {
                "en": "Approve from 1 to 2 盒, the quantity reported.",
                "zh-hans": "同意数量须在 1 到 2 盒（申请数量）之间。",
            },
        ),
        (
            {"decision": "partly_approve", "quantity": 2, "credit_fen": 5600, "reason": "全部"},
            "quantity",
            {
                "en": "A part is less than was asked: a smaller quantity or amount (or approve "
                "it all).",
                "zh-hans": "部分同意须少于申请：数量或金额更小（否则请全部同意）。",
            },
        ),
        (
            {"decision": "reject"},
            "reason",
            {
                "en": "Say why, in a few words: the household reads it.",
                "zh-hans": "请简要说明原因：住户会看到。",
            },
        ),
    ],
)
def test_a_decision_beyond_what_was_asked(hood, language, body, field, messages, media):
    made = reported(hood)
    before = state(media)
    answer = Api(hood.leader_user, language).post(f"/after-sales/{made.pk}/decision", body)
    refused(answer, 422, "decision_invalid", messages[language])
    assert answer.json()["details"] == [{"field": field, "message": messages[language]}]
    assert state(media) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_leader_of_another_community_or_a_member_cannot_decide(hood, language, media):
    made = reported(hood)
    before = state(media)
    answer = Api(hood.other_leader_user, language).post(
        f"/after-sales/{made.pk}/decision", {"decision": "approve"}
    )
    refused(
        answer,
        404,
        "report_not_found",
        {
            "en": "There is no such after-sales report, or it is not yours to see.",
            "zh-hans": "没有这张售后单，或您无权查看。",
        }[language],
    )
    community = hood.community.name
    refused(
        Api(hood.members[1], language).post(
            f"/after-sales/{made.pk}/decision", {"decision": "approve"}
        ),
        403,
        "not_yours_to_decide",
        {
            "en": f"Only a leader of {community} or an operator can decide this report.",
            "zh-hans": f"只有{community}的团长或运营人员才能处理这张售后单。",
        }[language],
    )
    assert state(media) == before
