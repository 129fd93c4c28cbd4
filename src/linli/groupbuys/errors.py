"""What can go wrong in a group buy, each in the caller's language."""

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


class GroupBuyNotFound(NotFound):
    code = "group_buy_not_found"
    template = _("There is no such group buy, or it is not yours to see.")


class OrderNotFound(NotFound):
    code = "order_not_found"
    template = _("There is no such order, or it is not yours to see.")


class PurchaseOrderNotFound(NotFound):
    code = "purchase_order_not_found"
    template = _("There is no such purchase order, or it is not yours to see.")


class NotLeader(Forbidden):
    code = "not_leader"
    template = _("Only a group leader of %(community)s can do this.")


class NotSupplier(Forbidden):
    code = "not_supplier"
    template = _("Only %(supplier)s, who supplies this purchase order, can record its delivery.")


class NotYourHousehold(Forbidden):
    code = "not_your_household"
    template = _(
        "You can only order for your own household, or for a neighbour's that a leader has "
        "marked as ordered for by neighbours."
    )


class HouseholdOutsideCommunity(Invalid):
    code = "household_outside_community"
    template = _("This household does not live in %(community)s, where this group buy is.")


class NoHousehold(Invalid):
    code = "no_household"
    template = _("Your account is not linked to a household; say which household to order for.")


class NotOpenYet(Conflict):
    code = "not_open_yet"
    template = _("This group buy opens at %(opens_at)s.")


class CutoffPassed(Conflict):
    code = "cutoff_passed"
    template = _("Orders for this group buy closed at %(cutoff_at)s.")


class GroupBuyClosed(Conflict):
    code = "group_buy_closed"
    template = _("This group buy is %(status)s and takes no more changes.")


class NotDue(Conflict):
    code = "not_due"
    template = _("The cutoff (%(cutoff_at)s) has not come yet; close it early instead.")


class GroupBuyFull(Conflict):
    code = "group_buy_full"
    template = _("This group buy is almost full: only %(left)s more %(unit)s can join.")


class OrderNotChangeable(Conflict):
    code = "order_not_changeable"
    template = _("This order is %(status)s and can no longer be changed.")


class EmptyOrder(Invalid):
    code = "empty_order"
    template = _("An order needs at least one item.")


class TooManyLines(Invalid):
    code = "too_many_lines"
    template = _("An order can have at most %(max)s different items.")


class BadQuantity(Invalid):
    code = "bad_quantity"
    template = _("Quantities must be whole numbers from 1 to %(max)s.")


class UnknownItems(Invalid):
    code = "unknown_items"
    template = _("These items are not in this group buy: %(items)s.")


class InsufficientStock(Conflict):
    """Carries every line that could not be filled, not only the first."""

    code = "insufficient_stock"
    template = _("Not enough stock for some items; nothing was ordered.")
    line_template = _("Only %(left)s %(unit)s of %(product)s left; you asked for %(asked)s.")
    sold_out_template = _("%(product)s is sold out: no more can be ordered.")


class LimitExceeded(Conflict):
    code = "limit_exceeded"
    template = _("Some items are over their limit per household; nothing was ordered.")
    line_template = _(
        "%(product)s is limited to %(limit)s %(unit)s per household; "
        "your household already has %(had)s and asked for %(asked)s more."
    )


class PickupNotReady(Conflict):
    code = "pickup_not_ready"
    template = _("This group buy is %(status)s; goods are handed out only once it has formed.")


class PickupCodeUnknown(NotFound):
    code = "pickup_code_unknown"
    template = _(
        "No order in this group buy has this pickup code. Check the group buy and the code."
    )


class PickupCodeUnreadable(Invalid):
    code = "pickup_code_unreadable"
    template = _(
        "A pickup code is 12 digits (spaces do not matter), or the address its QR code holds."
    )


class AlreadyCollected(Conflict):
    code = "already_collected"
    template = _("This code was already used: everything on order %(seq)s was collected at %(at)s.")


class PickupTooMuch(Invalid):
    code = "pickup_too_much"
    template = _("Some items are more than what is left to collect on this order.")
    line_template = _(
        "Only %(left)s %(unit)s of %(product)s are left to collect; you asked for %(asked)s."
    )


class NotEnoughDelivered(Conflict):
    code = "not_enough_delivered"
    template = _("The supplier delivered less than this hand-out needs.")
    line_template = _(
        "%(delivered)s %(unit)s of %(product)s were delivered and %(handed_out)s are already "
        "handed out; %(asked)s more cannot be."
    )


class DeliveryOutOfRange(Invalid):
    code = "delivery_out_of_range"
    template = _(
        "Delivered quantities must be between what was already handed out and what was ordered."
    )
    line_template = _("%(product)s: from %(low)s to %(high)s %(unit)s.")


class UnknownPolicy(Invalid):
    code = "unknown_policy"
    template = _("There is no such way to share out a delivery; choose one of: %(choices)s.")


class DeliveryNotRecorded(Conflict):
    code = "delivery_not_recorded"
    template = _(
        "The supplier has not recorded the delivery of %(product)s yet; it can be shared out "
        "once it has."
    )


class AlreadyAllocated(Conflict):
    code = "already_allocated"
    template = _(
        "%(product)s was already shared out (%(policy)s) at %(at)s; it cannot be shared out "
        "again another way."
    )


class PresaleNotFound(NotFound):
    code = "presale_not_found"
    template = _("There is no such presale, or it is not yours to see.")


class PresaleStillSelling(Conflict):
    code = "presale_still_selling"
    template = _(
        "%(count)s group buys still take orders for this presale; record the harvest once "
        "their cutoffs have passed."
    )


class PresaleHarvested(Conflict):
    code = "presale_harvested"
    template = _("The harvest of this presale was already recorded (%(harvested)s %(unit)s).")


class HarvestOutOfRange(Invalid):
    code = "harvest_out_of_range"
    template = _("The harvest must be a whole number from 0 to %(total)s.")


class OfferNotFound(NotFound):
    code = "help_sell_not_found"
    template = _("There is no such help-sell offer, or it is not yours to see.")


class ShareTooLarge(Invalid):
    code = "share_too_large"
    template = _(
        "A share is given in parts per million, from 0 to 1,000,000 (100%%); %(ppm)s is not one."
    )


class ChainTooDeep(Invalid):
    code = "chain_too_deep"
    template = _(
        "This offer may be passed on to at most %(most)s levels of leaders; you are at level "
        "%(level)s."
    )


class ChainCycle(Invalid):
    code = "chain_cycle"
    template = _("%(leader)s is already in this chain above you: an offer cannot be passed back.")


class AlreadyHolds(Conflict):
    code = "already_holds_offer"
    template = _("%(leader)s already holds this offer.")


class PassingStopped(Conflict):
    code = "passing_stopped"
    template = _("You stopped passing this offer on at %(at)s.")


class LeaderNotFound(NotFound):
    code = "leader_not_found"
    template = _("There is no such leader.")
