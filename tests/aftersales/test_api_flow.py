"""The whole after-sales flow through the API: a member reports with photos, the leader
decides, the ledger credits, the supplier sees its goods' reports without any household, and
retries change nothing."""

import json

from django.test import Client

from linli.accounts.services import issue_token
from linli.aftersales.models import Photo, Report
from linli.core.models import AuditEvent, OutboxEvent
from linli.ledger import selectors as ledger
from linli.ledger.services import Acct, Kind, balance

from ..apiclient import Api
from .conftest import after_sales_entries, collected, line_of, postings, upload


def client(user, language="en") -> Client:
    _token, text = issue_token(actor=user, user=user, name="tests")
    return Client(HTTP_ACCEPT_LANGUAGE=language, HTTP_AUTHORIZATION=f"Bearer {text}")


def report(http: Client, line_id: int, *, quantity=2, kind="spoiled", note="", photos=(), key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    data = {"order_line_id": line_id, "quantity": quantity, "kind": kind, "note": note}
    if photos:
        data["photos"] = list(photos)
    return http.post("/api/after-sales", data, **extra)


def test_reported_with_photos_decided_by_the_leader_and_credited_once(hood):
    group_buy, order = collected(hood)
    eggs = line_of(order, 1)
    member = client(hood.members[1])

    made = report(
        member,
        eggs.pk,
        note="两盒都有破的",
        photos=[upload("a.jpg"), upload("b.png", "PNG", "image/png")],
        key="r-1",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert {k: body[k] for k in ("status", "kind", "quantity", "note", "product", "asked_fen")} == {
        "status": "pending",
        "kind": "spoiled",
        "quantity": 2,
        "note": "两盒都有破的",
        "product": "土鸡蛋",
        "asked_fen": 5600,
    }
    assert body["photos"] == [
        f"/api/after-sales/{body['id']}/photos/1",
        f"/api/after-sales/{body['id']}/photos/2",
    ]
    # The same request again, with its key: the first answer, nothing new.
    again = report(
        member,
        eggs.pk,
        note="两盒都有破的",
        photos=[upload("a.jpg"), upload("b.png", "PNG", "image/png")],
        key="r-1",
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert Report.objects.count() == 1
    assert Photo.objects.count() == 2
    assert OutboxEvent.objects.filter(name="after_sales.reported").count() == 1

    # The leader's list holds it, with the household.
    leader = Api(hood.leader_user)
    listed = leader.get("/after-sales").json()
    assert [(r["id"], r["household"]) for r in listed["items"]] == [
        (body["id"], f"{hood.households[1].building.name} {hood.households[1].room}")
    ]

    decided = leader.post(f"/after-sales/{body['id']}/decision", {"decision": "approve"}, key="d-1")
    assert decided.status_code == 200, decided.content
    assert {
        k: decided.json()[k] for k in ("status", "approved_quantity", "credit_fen", "cost_fen")
    } == {
        "status": "approved",
        "approved_quantity": 2,
        "credit_fen": 5600,
        "cost_fen": 4000,
    }
    replay = leader.post(f"/after-sales/{body['id']}/decision", {"decision": "approve"}, key="d-1")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    twice = leader.post(
        f"/after-sales/{body['id']}/decision", {"decision": "reject", "reason": "x"}
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_decided"

    [entry] = after_sales_entries()
    assert postings(entry) == {
        (Kind.HOUSEHOLD, hood.households[1].pk): -5600,
        (Kind.SUPPLIER, hood.supplier.pk): 4000,
        (Kind.OPERATOR, 0): 1600,
    }
    assert entry.key == f"after_sales:{body['id']}"
    assert ledger.check().ok
    # The order cost 3 × ¥4.50 + 2 × ¥28.00 = ¥69.50; ¥56.00 came back.
    assert balance(Acct(Kind.HOUSEHOLD, hood.households[1].pk)) == 6950 - 5600
    assert list(
        AuditEvent.objects.filter(action__startswith="after_sales")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["after_sales.reported", "after_sales.approved"]
    assert AuditEvent.objects.filter(action="ledger.after_sales_credited").count() == 1

    # The member reads the decision.
    mine = Api(hood.members[1]).get(f"/after-sales/{body['id']}").json()
    assert (mine["status"], mine["credit_fen"]) == ("approved", 5600)
    assert group_buy.pk == mine["group_buy_id"]


def test_the_supplier_sees_its_goods_reports_and_rate_without_any_household(hood):
    _group_buy, order = collected(hood)
    household = hood.households[1]
    household.contact_name, household.phone, household.room = "王阿姨", "13912345678", "1701室"
    household.save()
    made = report(client(hood.members[1]), line_of(order, 1).pk, note="破了", photos=[upload()])
    report_id = made.json()["id"]
    Api(hood.leader_user).post(f"/after-sales/{report_id}/decision", {"decision": "approve"})

    supplier = Api(hood.supplier_user)
    listed = supplier.get(f"/suppliers/{hood.supplier.pk}/after-sales")
    assert listed.status_code == 200
    [seen] = listed.json()["items"]
    assert set(seen) == {
        "id", "status", "status_label", "kind", "kind_label", "quantity", "note", "product_id",
        "product", "unit", "group_buy_id", "group_buy_title", "reported_at", "decided_at",
        "approved_quantity", "credit_fen", "cost_fen", "reason", "photos",
    }  # fmt: skip
    text = json.dumps(listed.json(), ensure_ascii=False)
    for secret in ("王阿姨", "13912345678", "1701室", "household", "order_id", "order_line"):
        assert secret not in text, secret
    photo = supplier.client.get(seen["photos"][0])
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"

    rate = supplier.get(f"/suppliers/{hood.supplier.pk}/complaint-rate").json()
    # Delivered: 3 greens + 2 eggs (one order); approved: 2 eggs.
    assert {
        k: rate[k] for k in ("delivered_units", "approved_reports", "approved_units", "rate")
    } == {
        "delivered_units": 5,
        "approved_reports": 1,
        "approved_units": 2,
        "rate": 0.4,
    }
    # Another supplier's staff see neither.
    other = Api(hood.other_supplier_user)
    assert other.get(f"/suppliers/{hood.supplier.pk}/after-sales").status_code == 404
    assert other.client.get(seen["photos"][0]).status_code == 404
    assert other.get(f"/after-sales/{report_id}").status_code == 404
    # The supplier's general list is the households' view: it holds nothing for them.
    assert supplier.get("/after-sales").json()["items"] == []
    rates = Api(hood.operator).get("/complaint-rates").json()
    assert [(r["supplier_id"], r["rate"]) for r in rates] == [(hood.supplier.pk, 0.4)]
    assert supplier.get("/complaint-rates").status_code == 404


def test_photos_are_served_with_their_type_and_only_to_who_may_see_the_report(hood):
    _group_buy, order = collected(hood)
    made = report(client(hood.members[1]), line_of(order, 0).pk, quantity=1, photos=[upload()])
    path = made.json()["photos"][0]
    photo = Api(hood.members[1]).client.get(path)
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert photo["Content-Disposition"] == (
        f'inline; filename="after-sales-{made.json()["id"]}-1.jpg"'
    )
    assert photo.content.startswith(b"\xff\xd8")
    assert Api(hood.leader_user).client.get(path).status_code == 200
    assert Api(hood.members[2]).client.get(path).status_code == 404
    assert Api(hood.other_leader_user).client.get(path).status_code == 404
    assert Api(hood.members[1]).client.get(path.replace("/1", "/2")).status_code == 404


def test_ids_beyond_any_row_are_not_found(hood):
    huge = 2**70
    operator = Api(hood.operator)
    for path in (
        f"/after-sales/{huge}",
        f"/after-sales/{huge}/photos/{huge}",
        f"/after-sales/{-huge}/photos/1",  # found by generated requests: was a 500 on SQLite
        f"/suppliers/{huge}/after-sales",
        f"/suppliers/{huge}/complaint-rate",
    ):
        answer = operator.get(path)
        assert answer.status_code == 404, (path, answer.content)
    decided = operator.post(f"/after-sales/{huge}/decision", {"decision": "approve"})
    assert decided.status_code == 404
    made = report(client(hood.members[1]), 2**62)
    assert made.status_code == 404
    assert made.json()["code"] == "order_line_not_found"
