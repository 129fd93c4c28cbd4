"""What can go wrong in the relationship book, each in the caller's language."""

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound


class BookClosed(NotFound):
    code = "relationship_book_closed"
    template = _("The relationship book is for operators with access to it.")


class NotAllowed(Forbidden):
    code = "relationship_book_read_only"
    template = _("You may read the relationship book but not change it.")


class PersonNotFound(NotFound):
    code = "person_not_found"
    template = _("There is no such person in the relationship book.")


class OrganisationNotFound(NotFound):
    code = "organisation_not_found"
    template = _("There is no such organisation in the relationship book.")


class InteractionNotFound(NotFound):
    code = "interaction_not_found"
    template = _("There is no such interaction in the relationship book.")


class FeedNotFound(NotFound):
    code = "calendar_feed_not_found"
    template = _("This calendar address does not exist or was revoked.")


class NotFlagged(Conflict):
    code = "not_flagged"
    template = _("This interaction is not waiting for a review.")


class DuplicatePerson(Conflict):
    code = "duplicate_person"
    template = _("%(name)s with this phone number is already in the book (person %(id)s).")


class DuplicateOrganisation(Conflict):
    code = "duplicate_organisation"
    template = _("%(name)s is already in the book as a %(kind)s.")


class BadInput(Invalid):
    """One or more fields are wrong; ``details`` names each."""


class ReminderNotFound(NotFound):
    code = "reminder_not_found"
    template = _("There is no such reminder on your list.")
