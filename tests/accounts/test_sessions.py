"""The browser session and its user, read with written-out queries: the same answers as
Django's own (signed in, signed out, expired, deactivated, password changed)."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from linli.accounts.sessions import Backend

from ..factories import UserFactory

PASSWORD = "pw-for-tests"  # the factories' password


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def me(client: Client) -> dict:
    return client.get("/api/me").json()


def test_the_user_comes_back_whole_with_python_values(db):
    user = UserFactory(display_name="王阿姨")
    user.last_login = timezone.now().replace(microsecond=0)
    user.save()
    found = Backend().get_user(user.pk)
    assert found is not None
    assert (found.pk, found.username, found.display_name) == (user.pk, user.username, "王阿姨")
    assert found.is_active is True and found.is_staff is False
    assert found.last_login == user.last_login and found.date_joined == user.date_joined
    assert Backend().get_user(user.pk + 1000) is None


def test_a_session_signs_in_until_signed_out_expired_or_deactivated(db):
    user = UserFactory()
    client = signed_in(user)
    assert me(client)["username"] == user.username

    client.post("/logout/")
    assert client.get("/api/me").status_code == 401

    client = signed_in(user)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/me").status_code == 401

    client = signed_in(user)
    user.is_active = False
    user.save()
    assert client.get("/api/me").status_code == 401


def test_a_new_password_signs_out_the_other_sessions(db):
    user = UserFactory()
    client = signed_in(user)
    user.set_password("another-long-password-2026")
    user.save()
    assert client.get("/api/me").status_code == 401


def test_the_roles_come_with_the_user_and_follow_the_database_at_each_request(hood):
    """The backend reads the user's roles in the same query; a leader made inactive is no
    longer one at the next request, and a user with no role has none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.accounts.roles import roles

    found = Backend().get_user(hood.leader_user.pk)
    with CaptureQueriesContext(connection) as queries:
        leader_roles = roles(found)
    assert len(queries) == 0
    assert leader_roles.leads(hood.community.pk) and leader_roles.household_id is not None
    client = Client()
    client.force_login(hood.leader_user)
    assert client.get(f"/lead/communities/{hood.community.pk}/households").status_code == 200
    hood.leader.active = False
    hood.leader.save()
    assert client.get(f"/lead/communities/{hood.community.pk}/households").status_code != 200

    nobody = Backend().get_user(UserFactory().pk)
    assert nobody is not None and roles(nobody).led_community_ids == frozenset()
    assert roles(nobody).household_id is None and not roles(nobody).supplier_ids
