"""What communities holds about a household (its profile, its members' accounts, its consents),
for a copy or an erasure (``linli.core.personal_data``).

The accounts of a household's members live in ``accounts``, which knows no household: only
here is it known whose they are, so this holder covers them too.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.utils import timezone

from linli.accounts.models import ApiToken, User
from linli.core.models import IdempotencyKey
from linli.core.personal_data import Rows, plain_rows

from .consent_texts import CONSENT_TEXTS
from .models import Consent, Household, Member

# What an erased household's contact name reads (its room becomes ``ERASED_ROOM_PREFIX`` and
# its id, unique in the building as rooms must be).
ERASED_NAME = "已注销"
ERASED_ROOM_PREFIX = "×"

COVERS = (
    "communities.household",
    "communities.member",
    "communities.consent",
    "accounts.user",
    "accounts.apitoken",
    "core.idempotencykey",
)


def member_user_ids(household_id: int) -> list[int]:
    return list(
        Member.objects.filter(household_id=household_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def export(household_id: int) -> dict[str, Rows]:
    users = member_user_ids(household_id)
    return {
        "household": plain_rows(
            Household.objects.filter(pk=household_id),
            "id",
            "building__community__name",
            "building__name",
            "room",
            "contact_name",
            "phone",
            "vulnerable",
            "vulnerability",
            "notes",
            "neighbours_may_order",
        ),
        "members": plain_rows(
            User.objects.filter(pk__in=users).order_by("pk"),
            "id",
            "username",
            "display_name",
            "first_name",
            "last_name",
            "email",
            "phone",
            "language",
            "date_joined",
            "last_login",
        ),
        "api_tokens": plain_rows(
            ApiToken.objects.filter(user_id__in=users).order_by("pk"),
            "user_id",
            "name",
            "prefix",
            "created_at",
            "last_used_at",
            "revoked_at",
        ),
        "consents": plain_rows(
            Consent.objects.filter(household_id=household_id).order_by("pk"),
            "purpose",
            "granted",
            "text_version",
            "actor_id",
            "at",
        ),
    }


def erase(household_id: int) -> None:
    """Anonymise the household (its row stays: orders and the ledger point at it), close its
    members' accounts (kept, without name, phone or address, as orders name who placed them),
    end their sessions and drop their tokens and stored API answers, and record a withdrawal
    of every consent still given."""
    users = member_user_ids(household_id)
    Household.objects.filter(pk=household_id).update(
        contact_name=ERASED_NAME,
        room=f"{ERASED_ROOM_PREFIX}{household_id}",
        phone="",
        notes="",
        vulnerable=False,
        vulnerability="",
        neighbours_may_order=False,
    )
    for user_id in users:
        User.objects.filter(pk=user_id).update(
            username=f"erased-{user_id}",
            display_name="",
            first_name="",
            last_name="",
            email="",
            phone="",
            is_active=False,
            password=make_password(None),
        )
    ApiToken.objects.filter(user_id__in=users).delete()
    # Stored API answers go, except the one being written now (the closing call's own, which
    # names no one): its row is stored once the erasure returns.
    IdempotencyKey.objects.filter(user_id__in=users).exclude(status_code=0).delete()
    _end_sessions(set(users))
    Member.objects.filter(household_id=household_id).delete()
    given = [
        purpose
        for purpose, granted in _newest_choices(household_id).items()
        if granted and purpose in CONSENT_TEXTS
    ]
    Consent.objects.bulk_create(
        Consent(
            household_id=household_id,
            purpose=purpose,
            granted=False,
            text_version=CONSENT_TEXTS[purpose].version,
        )
        for purpose in given
    )


def _newest_choices(household_id: int) -> dict[str, bool]:
    newest: dict[str, bool] = {}
    for purpose, granted in (
        Consent.objects.filter(household_id=household_id)
        .order_by("-id")
        .values_list("purpose", "granted")
    ):
        newest.setdefault(purpose, granted)
    return newest


def _end_sessions(user_ids: set[int]) -> None:
    if not user_ids:
        return
    wanted = {str(user_id) for user_id in user_ids}
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") in wanted:
            session.delete()
