import json

from django.test import Client

from linli.accounts.services import issue_token


def client_for(user, language="en"):
    _token, text = issue_token(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE=language)


def test_order_through_the_api(hood, now):
    group_buy = hood.open(stock=(5, 5), now=now)
    item = group_buy.items.order_by("position").first()
    member = client_for(hood.members[0])
    body = {"lines": [{"item_id": item.pk, "quantity": 2}]}
    response = member.post(
        f"/api/group-buys/{group_buy.pk}/orders",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    assert response.status_code == 201, response.content
    again = member.post(
        f"/api/group-buys/{group_buy.pk}/orders",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    assert again.json()["id"] == response.json()["id"]
    too_much = member.post(
        f"/api/group-buys/{group_buy.pk}/orders",
        json.dumps({"lines": [{"item_id": item.pk, "quantity": 4}]}),
        content_type="application/json",
    )
    assert too_much.status_code == 409
    print(too_much.json())
    zh = client_for(hood.members[1], "zh-hans")
    bad = zh.post(
        f"/api/group-buys/{group_buy.pk}/orders",
        json.dumps({"lines": [{"item_id": item.pk, "quantity": "2"}]}),
        content_type="application/json",
    )
    print(bad.status_code, bad.json())
    malformed = zh.post(
        f"/api/group-buys/{group_buy.pk}/orders", "{not json", content_type="application/json"
    )
    print(malformed.status_code, malformed.json())
    anon = Client().get(f"/api/group-buys/{group_buy.pk}")
    print(anon.status_code, anon.json())
    print(member.get(f"/api/group-buys/{group_buy.pk}/tally").json())
    print(member.get("/api/orders").json())
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
