"""Who may use the relationship book: active staff with its permissions (superusers have all).

``relations.view_person`` reads it; ``relations.change_person`` writes it; ``relations.
view_contact`` sees phones, WeChat IDs and e-mail addresses (masked otherwise);
``relations.review_interaction`` reviews gifts and meals with officials;
``relations.delete_person`` removes a person on request.
"""

from dataclasses import dataclass

from linli.core.formatting import mask_phone

from .errors import BookClosed, NotAllowed

READ = "relations.view_person"
WRITE = "relations.change_person"
CONTACT = "relations.view_contact"
REVIEW = "relations.review_interaction"
REMOVE = "relations.delete_person"


@dataclass(frozen=True)
class Reader:
    """A staff member reading the book, with what they may see and do."""

    user_id: int
    contact: bool
    write: bool
    review: bool
    remove: bool

    def shown(self, value: str, *, phone: bool = False) -> str:
        """A contact detail as this reader may see it."""
        if self.contact or not value:
            return value
        return mask_phone(value) if phone else "***"


def reader(user) -> Reader:
    """The reader ``user`` is, or :class:`BookClosed` (a 404: the book is not there for them)."""
    if (
        user is None
        or not user.is_authenticated
        or not user.is_active
        or not user.is_staff
        or not user.has_perm(READ)
    ):
        raise BookClosed()
    return Reader(
        user_id=user.pk,
        contact=user.has_perm(CONTACT),
        write=user.has_perm(WRITE),
        review=user.has_perm(REVIEW),
        remove=user.has_perm(REMOVE),
    )


def writer(user) -> Reader:
    """As :func:`reader`, and allowed to change the book (else 403)."""
    found = reader(user)
    if not found.write:
        raise NotAllowed()
    return found
