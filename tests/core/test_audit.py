"""Every state change leaves an audit record: who, when, what, from which request."""

from django.test import Client

from linli.core.models import AuditEvent
from linli.groupbuys.models import Order

from ..apiclient import Api


def test_an_order_through_the_api_is_audited_with_its_request(hood, now):
    group_buy = hood.open(now=now)
    item = group_buy.items.first()
    api = Api(hood.members[0])
    response = api.client.post(
        f"/api/group-buys/{group_buy.pk}/orders",
        f'{{"lines": [{{"item_id": {item.pk}, "quantity": 2}}]}}',
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-12345",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 201
    assert response["X-Request-ID"] == "req-12345"
    event = AuditEvent.objects.get(action="order.placed")
    order = Order.objects.get()
    assert (event.actor, event.actor_label) == (hood.members[0], hood.members[0].username)
    assert (event.target_type, event.target_id) == ("groupbuys.order", str(order.pk))
    assert (event.channel, event.request_id, event.ip) == ("api", "req-12345", "10.1.2.3")
    assert event.data["lines"] == [[item.pk, 2]]


def test_a_refused_change_leaves_no_audit_record(hood, now):
    group_buy = hood.open(stock=(1,), now=now)
    item = group_buy.items.first()
    member = Api(hood.members[0])
    before = AuditEvent.objects.count()
    refused = member.post(
        f"/group-buys/{group_buy.pk}/orders", {"lines": [{"item_id": item.pk, "quantity": 2}]}
    )
    assert refused.status_code == 409
    assert AuditEvent.objects.count() == before


def test_admin_edits_are_audited(hood):
    client = Client()
    hood.operator.is_superuser = True
    hood.operator.save()
    client.force_login(hood.operator)
    household = hood.households[1]
    page = client.get(f"/admin/communities/household/{household.pk}/change/")
    assert page.status_code == 200
    form = {
        "building": household.building_id,
        "room": household.room,
        "contact_name": household.contact_name,
        "phone": household.phone,
        "vulnerable": "on",
        "vulnerability": "elderly_alone",
        "notes": "独居老人，送货上门",
    }
    saved = client.post(f"/admin/communities/household/{household.pk}/change/", form)
    assert saved.status_code == 302
    household.refresh_from_db()
    assert household.vulnerable
    event = AuditEvent.objects.get(action="household.changed")
    assert event.channel == "admin"
    assert set(event.data["fields"]) >= {"vulnerable", "vulnerability", "notes"}
