"""The API's outer surface: its documents, and JSON a Chinese reader can read as it is."""

from django.test import Client

from ..apiclient import Api


def test_chinese_comes_back_as_utf8_not_escapes(hood, now):
    hood.community.name = "真如苑"
    hood.community.save(update_fields=["name"])
    group_buy = hood.open(stock=(5, 5), now=now)
    member = Api(hood.members[0], language="zh-hans")

    shown = member.get(f"/group-buys/{group_buy.pk}")
    assert shown.status_code == 200
    assert shown["Content-Type"].startswith("application/json")
    assert "真如苑".encode() in shown.content
    assert b"\\u" not in shown.content

    placed = member.post(
        f"/group-buys/{group_buy.pk}/orders",
        {"lines": [{"item_id": group_buy.items.first().pk, "quantity": 1}]},
        key="utf8-check",
    )
    assert placed.status_code == 201, placed.content
    assert b"\\u" not in placed.content

    refused = member.post(f"/group-buys/{group_buy.pk}/orders", {"lines": []})
    assert 400 <= refused.status_code < 500
    assert b"\\u" not in refused.content
    assert any("\u4e00" <= char <= "\u9fff" for char in refused.json()["message"])


def test_the_openapi_document_and_docs_are_served_to_anyone():
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/group-buys/{group_buy_id}/orders" in paths
    assert "/api/purchase-orders/{purchase_order_id}/delivery" in paths
    assert Client().get("/api/docs").status_code == 200
