"""The CSRF field of the pages' forms (``linli.web.csrf``): Django's checks take it as their own,
a page's forms share one token, each page masks it afresh, and a form without it is refused."""

import re

from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from linli.groupbuys.models import Order
from linli.web.csrf import masked_token

from ..conftest import text

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def checked_browser(user, language: str = "en") -> Client:
    """A page client that, like a browser, gets CSRF-checked on every POST."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_an_order_posted_with_the_pages_token_is_placed_and_without_it_refused(hood):
    group_buy = hood.open(stock=(10, 5))
    greens = group_buy.items.order_by("position").first()
    browser = checked_browser(hood.members[1])
    page = text(browser.get(f"/group-buys/{group_buy.pk}/"))
    tokens = TOKEN.findall(page)
    assert len(tokens) >= 2 and len(set(tokens)) == 1  # the language switch and the order form
    secret = browser.cookies["csrftoken"].value
    assert _unmask_cipher_token(tokens[0]) == secret

    refused = browser.post(f"/group-buys/{group_buy.pk}/", {f"q-{greens.pk}": "1"})
    assert refused.status_code == 403 and not Order.objects.exists()

    placed = browser.post(
        f"/group-buys/{group_buy.pk}/",
        {f"q-{greens.pk}": "1", "csrfmiddlewaretoken": tokens[0]},
    )
    assert placed.status_code == 302 and Order.objects.count() == 1


def test_each_page_masks_the_token_afresh_and_renews_the_cookie(hood):
    group_buy = hood.open()
    browser = checked_browser(hood.members[1])
    first = browser.get(f"/group-buys/{group_buy.pk}/")
    second = browser.get(f"/group-buys/{group_buy.pk}/")
    one, other = TOKEN.search(text(first))[1], TOKEN.search(text(second))[1]
    assert one != other  # BREACH: the same secret never shows the same way twice
    assert _unmask_cipher_token(one) == _unmask_cipher_token(other)
    assert "csrftoken" in second.cookies  # the cookie's expiry is renewed, as Django does


def test_a_first_visit_gets_a_new_secret_and_a_token_for_it(hood):
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.get("/login/")
    token = TOKEN.search(text(response))[1]
    assert _unmask_cipher_token(token) == response.cookies["csrftoken"].value


class _Request:
    def __init__(self, secret: str) -> None:
        self.META = {"CSRF_COOKIE": secret}


@given(st.text(alphabet=CSRF_ALLOWED_CHARS, min_size=32, max_size=32))
def test_any_secret_masks_to_a_token_that_unmasks_to_it(secret):
    request = _Request(secret)
    token = masked_token(request)  # type: ignore[arg-type]
    assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
