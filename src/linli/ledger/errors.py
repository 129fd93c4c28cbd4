from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


class AccountNotFound(NotFound):
    template = _("This account does not exist, or is not yours to see.")


class EntryNotFound(NotFound):
    template = _("This journal entry does not exist.")


class NotOperator(Forbidden):
    template = _("Only an operator may do this.")


class UnknownMethod(Invalid):
    code = "unknown_payment_method"
    template = _("Unknown payment method “%(method)s”. Use one of: %(methods)s.")


class NotRecordable(Forbidden):
    template = _("A payment by %(method)s is confirmed by its provider, not recorded by hand.")


class BadAmount(Invalid):
    template = _("The amount must be a whole number of fen from 1 to %(most)s.")


class ReferenceRequired(Invalid):
    template = _("A payment by %(method)s needs its reference (the transfer's number).")


class ReferenceUsed(Conflict):
    code = "reference_used"
    template = _(
        "A payment with reference “%(reference)s” was already recorded, for another household "
        "or amount."
    )


class RefundTooLarge(Conflict):
    code = "refund_too_large"
    template = _("Only %(due)s is due to this household in this group buy.")


class PayoutTooLarge(Conflict):
    code = "payout_too_large"
    template = _("Only %(due)s is owed.")


class AlreadyReversed(Conflict):
    code = "already_reversed"
    template = _("Journal entry #%(entry)s was already corrected by entry #%(by)s.")


class NotReversible(Conflict):
    template = _(
        "Only payments, refunds and payouts recorded by hand can be corrected; charges and "
        "settlements follow from the orders."
    )
