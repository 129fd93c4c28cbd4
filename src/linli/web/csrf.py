"""The CSRF field of a page's forms: Django's token, masked with one draw from the OS.

Django masks the CSRF secret afresh for every token it hands out (so that a compressed page
cannot leak it, BREACH), drawing each of the mask's 32 characters with its own call to the
OS: about 70 µs, on every page with a form. This draws the mask's bytes at once and keeps
Django's format exactly (``mask + cipher``, 64 characters of ``CSRF_ALLOWED_CHARS``), so
``CsrfViewMiddleware`` checks it as its own; the cookie, its renewal and a new secret on a
first visit are still Django's (``get_token``).
"""

import secrets

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from markupsafe import Markup

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
# Bytes at or above this would make the first characters likelier than the rest.
_FAIR = 256 - 256 % len(_CHARS)


def _mask() -> list[int]:
    """``CSRF_SECRET_LENGTH`` indexes into the alphabet, each equally likely."""
    drawn: list[int] = []
    while len(drawn) < CSRF_SECRET_LENGTH:
        drawn += [byte % len(_CHARS) for byte in secrets.token_bytes(48) if byte < _FAIR]
    return drawn[:CSRF_SECRET_LENGTH]


def masked_token(request: HttpRequest) -> str:
    """What ``django.middleware.csrf.get_token`` returns, drawn faster."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)  # a first visit: Django makes the secret and its cookie
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # renew the cookie, as get_token does
    mask = _mask()
    cipher = "".join(
        _CHARS[(_INDEX[char] + offset) % len(_CHARS)]
        for char, offset in zip(secret, mask, strict=True)
    )
    return "".join(_CHARS[offset] for offset in mask) + cipher


class CsrfInput:
    """``{{ csrf_input }}``: the hidden field, made when a template first shows it (a page
    without a form sets no cookie) and the same for every form of the page."""

    __slots__ = ("_html", "_request")

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._html: Markup | None = None

    def __html__(self) -> Markup:
        if self._html is None:
            token = masked_token(self._request)
            self._html = Markup(f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">')
        return self._html

    __str__ = __html__
