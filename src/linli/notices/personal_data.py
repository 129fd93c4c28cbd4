"""What notices hold about a household: the notices its members got, their sendings and their
choices of channel (``linli.core.personal_data``). Erased with the household: they told it
things it no longer needs told."""

from linli.communities.personal_data import member_user_ids
from linli.core.personal_data import Rows, plain_rows

from .models import Notice, Preference, Sending

COVERS = ("notices.notice", "notices.preference", "notices.sending")


def export(household_id: int) -> dict[str, Rows]:
    users = member_user_ids(household_id)
    return {
        "notices": plain_rows(
            Notice.objects.filter(recipient_id__in=users).order_by("created_at", "pk"),
            "id",
            "recipient_id",
            "kind",
            "key",
            "params",
            "created_at",
            "read_at",
        ),
        "notice_sendings": plain_rows(
            Sending.objects.filter(notice__recipient_id__in=users).order_by("pk"),
            "notice_id",
            "channel",
            "status",
            "sent_at",
        ),
        "notice_preferences": plain_rows(
            Preference.objects.filter(user_id__in=users).order_by("pk"),
            "user_id",
            "kind",
            "channel",
            "enabled",
        ),
    }


def erase(household_id: int) -> None:
    users = member_user_ids(household_id)
    Notice.objects.filter(recipient_id__in=users).delete()
    Preference.objects.filter(user_id__in=users).delete()
