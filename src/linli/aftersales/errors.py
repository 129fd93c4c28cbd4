"""What can go wrong with an after-sales report, each in the caller's language."""

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


class ReportNotFound(NotFound):
    code = "report_not_found"
    template = _("There is no such after-sales report, or it is not yours to see.")


class LineNotFound(NotFound):
    code = "order_line_not_found"
    template = _("There is no such item in an order, or it is not yours to see.")


class NotYourOrder(Forbidden):
    code = "not_your_order"
    template = _("You can only report a problem with your own household's order.")


class NotCollected(Conflict):
    code = "not_collected"
    template = _(
        "You have not collected %(product)s yet: report a problem once you have picked it up."
    )


class ReportWindowClosed(Conflict):
    code = "report_window_closed"
    template = _(
        "Problems with %(product)s could be reported until %(until)s, %(hours)s hours after "
        "it was collected."
    )


class TooMany(Invalid):
    code = "quantity_over_collected"
    template = _("You collected %(collected)s %(unit)s of %(product)s: report at most that many.")


class AlreadyReported(Conflict):
    code = "already_reported"
    template = _("A problem with %(product)s in this order was already reported (report %(id)s).")


class TooManyPhotos(Invalid):
    code = "too_many_photos"
    template = _("Send at most %(most)s photos.")


class NotAnImage(Invalid):
    code = "not_an_image"
    template = _("%(name)s is not a JPEG, PNG or WebP photo.")


class WrongImageType(Invalid):
    code = "image_type_mismatch"
    template = _("%(name)s is a %(actual)s image but was sent as %(declared)s.")


class PhotoTooLarge(Invalid):
    code = "photo_too_large"
    template = _("%(name)s is larger than %(mb)s MB.")


class NotYoursToDecide(Forbidden):
    code = "not_yours_to_decide"
    template = _("Only a leader of %(community)s or an operator can decide this report.")


class HandedToOperator(Conflict):
    code = "handed_to_operator"
    template = _(
        "The leader's time to decide ended at %(at)s; an operator decides this report now."
    )


class AlreadyDecided(Conflict):
    code = "already_decided"
    template = _("This report was already decided (%(status)s) at %(at)s.")


class DecisionInvalid(Invalid):
    code = "decision_invalid"
