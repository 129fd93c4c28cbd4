"""Operators manage the city in the admin; everyone else is kept out."""

import pytest
from django.contrib import admin
from django.test import Client


@pytest.fixture
def operator_client(hood):
    hood.operator.is_superuser = True
    hood.operator.save()
    client = Client()
    client.force_login(hood.operator)
    return client


def test_every_admin_page_opens_for_an_operator(operator_client):
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert operator_client.get(base).status_code == 200, base
        assert operator_client.get(base, {"q": "1号楼"}).status_code == 200, base


def test_a_member_cannot_enter_the_admin(hood):
    client = Client()
    client.force_login(hood.members[0])
    response = client.get("/admin/communities/household/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
