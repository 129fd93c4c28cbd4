"""Personal API tokens: stored hashed, shown once, revocable; or the browser session."""

import hashlib
from datetime import timedelta

from django.test import Client

from linli.accounts.models import ApiToken, User
from linli.accounts.services import issue_token
from linli.core.models import AuditEvent

from ..apiclient import Api
from ..factories import UserFactory


def test_a_token_is_stored_only_as_a_digest_and_works_until_revoked(db):
    user = UserFactory()
    token, text = issue_token(actor=user, user=user, name="script")
    assert text.startswith("linli_")
    assert len(text) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(text.encode()).hexdigest()
    assert text not in (stored.digest, stored.prefix, stored.name)

    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    me = client.get("/api/me").json()
    assert me["username"] == user.username
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None

    revoked = client.delete(f"/api/tokens/{token.pk}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/me").status_code == 401
    assert AuditEvent.objects.filter(action="token.revoked", target_id=str(token.pk)).exists()


def test_wrong_or_malformed_tokens_are_refused(db):
    for header in ["Bearer linli_nope", "Bearer ", "Token abc", "Bearer " + "x" * 500]:
        response = Client(HTTP_AUTHORIZATION=header).get("/api/me")
        assert response.status_code == 401, header
        assert response.json()["code"] == "unauthenticated"


def test_a_user_cannot_revoke_someone_elses_token(db):
    owner, other = UserFactory(), UserFactory()
    token, _text = issue_token(actor=owner, user=owner, name="mine")
    response = Api(other).delete(f"/tokens/{token.pk}")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_password_buys_a_token_and_a_wrong_one_does_not(db):
    user = UserFactory(password="a-long-pass-phrase")
    anonymous = Api()
    wrong = anonymous.post("/auth/token", {"username": user.username, "password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "bad_credentials"
    right = anonymous.post(
        "/auth/token",
        {"username": user.username, "password": "a-long-pass-phrase", "name": "phone"},
    )
    assert right.status_code == 201
    text = right.json()["token"]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/me").json()["id"] == user.pk
    listed = Api(user).get("/tokens").json()
    assert {row["name"] for row in listed} >= {"phone"}
    assert all("token" not in row for row in listed)


def test_the_browser_session_works_and_needs_csrf_to_change_things(hood):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hood.members[0])
    assert client.get("/api/me").json()["roles"]["household_id"] == hood.households[0].pk
    refused = client.post("/api/tokens", "{}", content_type="application/json")
    assert refused.status_code == 403
    assert not ApiToken.objects.filter(user=hood.members[0]).exists()


def test_last_use_is_written_at_most_once_an_hour(db):
    user = UserFactory()
    token, text = issue_token(actor=user, user=user, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None

    client.get("/api/me")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get("/api/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    two_hours_ago = first - timedelta(hours=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=two_hours_ago)
    client.get("/api/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_a_deactivated_users_token_stops_working(db):
    user = UserFactory()
    _token, text = issue_token(actor=user, user=user, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    assert client.get("/api/me").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/me").status_code == 401


def test_me_lists_every_role_a_person_holds(hood):
    # The leader also lives in the first household and sells for the supplier.
    hood.supplier.users.add(hood.leader_user)
    roles = Api(hood.leader_user).get("/me").json()["roles"]
    assert roles["household_id"] == hood.households[0].pk
    assert roles["community_id"] == hood.community.pk
    assert roles["leader_id"] == hood.leader.pk
    assert roles["led_community_ids"] == [hood.community.pk]
    assert roles["supplier_ids"] == [hood.supplier.pk]
    assert roles["operator"] is False

    hood.leader.active = False
    hood.leader.save()
    hood.supplier.active = False
    hood.supplier.save()
    roles = Api(hood.leader_user).get("/me").json()["roles"]
    assert (roles["leader_id"], roles["led_community_ids"], roles["supplier_ids"]) == (None, [], [])
    assert roles["household_id"] == hood.households[0].pk

    assert Api(hood.operator).get("/me").json()["roles"]["operator"] is True
