import pytest
from django.test import Client


@pytest.fixture
def browse():
    """A page client signed in as ``user`` (anonymous for ``None``), speaking ``language``,
    with CSRF checks on as in a real browser."""

    def make(user=None, language: str = "en") -> Client:
        client = Client(enforce_csrf_checks=False, HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            client.force_login(user)
        return client

    return make
