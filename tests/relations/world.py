"""A relationship book for the shared tables (permissions, paging): the operator holds the
book's permissions, and each of its lists has a row."""

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from linli.relations import reminders
from linli.relations import services as relations
from linli.relations.models import Reminder


def relationship_book(operator) -> dict[str, int]:
    """The operator holds the book's permissions (no one else does); a committee head they
    see every 30 days, a month overdue, and a flagged meal with her."""
    operator.user_permissions.add(*Permission.objects.filter(content_type__app_label="relations"))
    committee = relations.add_organisation(
        actor=operator,
        spec=relations.OrganisationSpec(name="幸福里居委会", kind="residents_committee"),
    )
    head = relations.add_person(actor=operator, spec=relations.PersonSpec(name="王建国"))
    other = relations.add_person(actor=operator, spec=relations.PersonSpec(name="李芳"))
    today = timezone.localdate()
    relations.add_post(
        actor=operator,
        spec=relations.PostSpec(
            person_id=head.pk,
            organisation_id=committee.pk,
            level="head",
            started_on=today - timedelta(days=900),
        ),
    )
    relations.log_interaction(
        actor=operator, kind="visit", happened_on=today - timedelta(days=60), person_ids=[head.pk]
    )
    meal = relations.log_interaction(
        actor=operator,
        kind="meal",
        happened_on=today - timedelta(days=60),
        person_ids=[head.pk],
        value_fen=80000,
    )
    relations.keep_in_touch(actor=operator, person_id=head.pk, cadence_days=30)
    reminders.make(today)
    return {
        "rel_person": head.pk,
        "rel_other": other.pk,
        "rel_org": committee.pk,
        "rel_flagged": meal.pk,
        "rel_reminder": Reminder.objects.get(person=head, kind="cadence").pk,
    }
