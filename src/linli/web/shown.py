"""How pages show money, remaining time, phone numbers, QR codes and form errors (the
templates' filters and functions, registered in :mod:`linli.web.jinja`)."""

import segno
from markupsafe import Markup

# The remaining time is the templates' filter and the group buys' tile's note alike.
from linli.core.formatting import time_left as time_left
from linli.core.formatting import yuan as _yuan
from linli.groupbuys.pickup_codes import pickup_qr_text, site_url


def yuan(fen: int | None) -> str:
    """¥12.50 for 1250 fen."""
    return "" if fen is None else _yuan(fen)


def qr_data_uri(text: str) -> str:
    """``text`` as an inline SVG QR image (no second request, works offline)."""
    return segno.make(text, error="m").svg_data_uri(scale=6, border=2)


def pickup_qr(request, order) -> str:
    """The order's pickup code as an inline SVG QR holding the address of the leader's
    hand-out page with the code (:mod:`linli.groupbuys.pickup_codes`)."""
    text = pickup_qr_text(
        group_buy_id=order.group_buy_id,
        code=order.issued_pickup_code,
        base=site_url(request),
    )
    return qr_data_uri(text)


def for_item(mapping, item_id):
    """What was typed, or the errors, for one item (``item-<id>``)."""
    return mapping.get(f"item-{item_id}") if mapping else None


def for_product(mapping, product_id):
    return mapping.get(f"product-{product_id}") if mapping else None


def shown_phone(who, household) -> str:
    """The household's phone as the caller may see it (masked for leaders: 138****1234)."""
    return who.shown_phone(household.pk, household.phone)


def errorlist(messages, id: str | None = None, role: str | None = None) -> Markup:
    """A field's (or a form's) error messages as Django lists them, ``<ul class="errorlist">``;
    nothing when there are none. Called for every row of a form, so Python rather than a
    template macro (a tenth of the time)."""
    if not messages:
        return Markup("")
    attributes = Markup(' id="%s"') % id if id else Markup("")
    if role:
        attributes += Markup(' role="%s"') % role
    listed = Markup("").join(Markup("<li>%s</li>") % message for message in messages)
    return Markup('<ul class="errorlist"%s>%s</ul>') % (attributes, listed)
