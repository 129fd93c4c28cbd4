"""The database itself refuses to change or remove what the ledger holds."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from linli.ledger.models import Entry, Posting

from ..conftest import make_neighbourhood
from .conftest import order


@pytest.fixture
def posted(hood, now):
    order(hood, 0, hood.open(now=now), (2, 1), now)
    return Posting.objects.order_by("pk").first()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_posting SET amount = amount + 1",
        "DELETE FROM ledger_posting",
        "UPDATE ledger_entry SET memo = 'edited'",
        "DELETE FROM ledger_entry",
    ],
)
def test_no_update_or_delete_gets_past_the_database(posted, statement):
    before = list(Posting.objects.values_list("pk", "amount"))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert list(Posting.objects.values_list("pk", "amount")) == before


def test_nor_through_the_orm(posted):
    posted.amount += 1
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        posted.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Posting.objects.filter(pk=posted.pk).delete()


def test_flush_still_empties_a_test_database_and_the_guard_comes_back(transactional_db, now):
    """How tests and ``linli demo --reset`` start over: the only way to empty the ledger."""
    hood = make_neighbourhood()
    order(hood, 0, hood.open(now=now), (1, 0), now)
    call_command("flush", interactive=False, verbosity=0)
    assert not Posting.objects.exists() and not Entry.objects.exists()
    hood = make_neighbourhood()
    order(hood, 0, hood.open(now=now), (1, 0), now)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Posting.objects.all().delete()
    assert Posting.objects.count() == 2
