"""What a household is shown when it is asked for each consent, and the version of that text.

A consent is recorded with the version it was given under; a new version of a text is a new
question (the household's earlier answer stays on record, and still counts until it answers the
new one, unless the change widens the use: then raise the version and ask again)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Consent


@dataclass(frozen=True)
class ConsentText:
    version: str
    title: Promise
    text: Promise


P = Consent.Purpose

CONSENT_TEXTS: dict[str, ConsentText] = {
    P.NEIGHBOURS_ORDER: ConsentText(
        "2026-12-07",
        P.NEIGHBOURS_ORDER.label,
        _(
            "Members of other households in our community may place and change orders for us "
            "(for a household without a phone). They see our room and what we ordered."
        ),
    ),
    P.SUGGESTIONS: ConsentText(
        "2026-12-07",
        P.SUGGESTIONS.label,
        _(
            "Linli may read our order history to suggest items we usually buy when they are "
            "due. Only our household sees the suggestions."
        ),
    ),
    P.CONNECT_HOST: ConsentText(
        "2026-12-07",
        P.CONNECT_HOST.label,
        _(
            "We may be asked to host a visitor of a consumer-connect programme. Our name, "
            "room and the weeks we offer are shown to the programme's organisers."
        ),
    ),
    P.QUOTED: ConsentText(
        "2026-12-07",
        P.QUOTED.label,
        _(
            "Our words may be quoted in a visitor's report, without our name, to people "
            "at Linli who improve what it sells."
        ),
    ),
    P.MARKETING: ConsentText(
        "2026-12-07",
        P.MARKETING.label,
        _("Linli may send us notices about offers and new products."),
    ),
    P.LEADER_CONTACTS: ConsentText(
        "2026-12-07",
        P.LEADER_CONTACTS.label,
        _(
            "Our group leader may export our name, room and phone to keep in touch with us, "
            "also outside Linli."
        ),
    ),
}
