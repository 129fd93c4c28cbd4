"""What can go wrong with a storefront, each in the caller's language."""

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


class StorefrontNotFound(NotFound):
    code = "storefront_not_found"
    template = _("There is no such farm or shop.")


class NotYourStorefront(Forbidden):
    code = "not_your_storefront"
    template = _("Only the farm's own staff (or an operator) can change its storefront.")


class ProductNotFound(NotFound):
    code = "storefront_product_not_found"
    template = _("This farm has no such product.")


class PhotoNotFound(NotFound):
    code = "storefront_photo_not_found"
    template = _("There is no such photo.")


class TooManyPhotos(Invalid):
    code = "storefront_too_many_photos"
    template = _("A storefront holds at most %(most)s photos; remove some first.")


class NoHousehold(Forbidden):
    code = "no_household"
    template = _("Only a member with a household can follow a farm or rate its goods.")


class NotCollected(Conflict):
    code = "rating_not_collected"
    template = _("Your household can rate %(product)s once it has picked it up.")


class BadStars(Invalid):
    code = "bad_stars"
    template = _("Give from 1 to 5 stars.")


class BadInput(Invalid):
    """One or more fields are wrong; ``details`` names each."""
