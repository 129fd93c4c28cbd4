"""What a pickup code's QR holds, and the code read back from whatever a scanner or a leader
types at the gate. Both directions of that one format live here.

The QR holds the address of the leader's hand-out page for the group buy, with the code as the
page's search (``https://host/lead/group-buys/12/handout?q=123456789012``): a leader's phone
camera app opens the page with the order found, and a scanner (the hand-out page's camera or a
keyboard-wedge one) reading it types the address, from which the code is read back. When no
address is known (a sheet printed from the command line without ``LINLI_SITE_URL``), it holds
the bare digits, which read back as they are. The address is written with ``reverse()`` and
read back with ``resolve()``, by the page's name: nothing here repeats its path.
"""

import unicodedata
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, get_script_prefix, resolve, reverse

from .errors import PickupCodeUnknown, PickupCodeUnreadable

CODE_DIGITS = 12
# The name of the leader's hand-out page (linli.groupbuys.urls): the address a QR holds.
HANDOUT_URL_NAME = "lead-handout"


def site_url(request: HttpRequest | None = None) -> str | None:
    """The scheme and host that absolute addresses start with: the ``LINLI_SITE_URL`` setting
    when set (behind a proxy the request may not know it), else the request's, else none."""
    if configured := getattr(settings, "LINLI_SITE_URL", ""):
        return str(configured).rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return None


def handout_url(*, group_buy_id: int, code: str, base: str) -> str:
    """The leader's hand-out page of the group buy, searching for ``code``."""
    path = reverse(HANDOUT_URL_NAME, args=[group_buy_id])
    return f"{base.rstrip('/')}{path}?{urlencode({'q': code})}"


def pickup_qr_text(*, group_buy_id: int, code: str, base: str | None) -> str:
    """What the QR of an order's pickup code says: the hand-out address on ``base`` (see
    :func:`site_url`), or the bare digits without one."""
    return handout_url(group_buy_id=group_buy_id, code=code, base=base) if base else code


def read_pickup_code(text: str, *, group_buy_id: int) -> str:
    """The 12-digit code in what was typed or scanned at the gate of ``group_buy_id``: digits,
    spaces allowed (full-width ones too, as a Chinese keyboard types them), or the hand-out
    address a QR holds. The address of another group buy's hand-out is refused as a code this
    group buy does not have (:class:`PickupCodeUnknown`); anything else as unreadable
    (:class:`PickupCodeUnreadable`)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if (code := _digits(text)) is not None:
        return code
    address = urlsplit(text)
    found = _handout_of(address.path)
    if found is None:
        raise PickupCodeUnreadable()
    if found != group_buy_id:
        raise PickupCodeUnknown()
    searched = parse_qs(address.query).get("q", [])
    if len(searched) != 1 or (code := _digits(searched[0])) is None:
        raise PickupCodeUnreadable()
    return code


def _handout_of(path: str) -> int | None:
    """The group buy whose hand-out page ``path`` is the address of, read by the URLconf;
    ``None`` when it is the address of no hand-out page.

    The site that printed the address may be served under a prefix this process does not know
    (a sheet printed there, read back at the command line, which has none), so what resolves
    is the end of ``path``: as many segments as the hand-out page's own path has past the
    script prefix, with or without a trailing slash."""
    own = reverse(HANDOUT_URL_NAME, args=[0]).removeprefix(get_script_prefix())
    depth = own.strip("/").count("/") + 1
    tail = "/".join(path.strip("/").split("/")[-depth:])
    try:
        match = resolve(f"/{tail}/" if own.endswith("/") else f"/{tail}")
    except Resolver404:
        return None
    if match.view_name != HANDOUT_URL_NAME:
        return None
    return int(match.kwargs["group_buy_id"])


def _digits(text: str) -> str | None:
    """Twelve digits with any spaces taken out; ``None`` if ``text`` is not digits and spaces;
    unreadable if it is, but not twelve of them."""
    digits = "".join(text.split())
    if not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) != CODE_DIGITS:
        raise PickupCodeUnreadable()
    return digits
