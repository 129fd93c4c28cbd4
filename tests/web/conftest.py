import pytest
from django.test import Client


@pytest.fixture
def browse():
    """A page client signed in as ``user`` (anonymous for ``None``), speaking ``language``,
    with CSRF checks on as in a real browser (``csrf`` fetches the token from a page)."""

    def make(user=None, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            client.force_login(user)
        return client

    return make


def text(response) -> str:
    return response.content.decode()
