"""Delete: open orders are cancelled first, the money owed is shown before confirming, every
holder erases, and afterwards no text column of the database holds the person's name, phone,
room, nickname or notes; the ledger still balances; the neighbour's data is untouched."""

import contextlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

from linli.accounts.models import User
from linli.core.models import AuditEvent, IdempotencyKey
from linli.groupbuys.models import Order
from linli.ledger import selectors as ledger
from linli.privacy import services
from linli.privacy.errors import LeaderCannotLeave, NoHousehold, NotConfirmed, OrdersWaiting

from ..apiclient import Api

pytestmark = pytest.mark.django_db

TEXT = (models.CharField, models.TextField, models.JSONField, models.EmailField)


def text_columns() -> list[tuple[str, str]]:
    """Every text column of every table (JSON included), as (table, column)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT):
                found.append((model._meta.db_table, field.column))
    return found


def find(words: dict[str, str]) -> list[tuple[str, str, str]]:
    """(table, column, what) for each word found in a text column; JSON is decoded first, so
    text stored escaped (``\\u6b27``) is found too."""
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cursor.execute(f"SELECT {quote(column)} FROM {quote(table)}")
            for (value,) in cursor.fetchall():
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value)
                with contextlib.suppress(ValueError, TypeError):
                    text += json.dumps(json.loads(text), ensure_ascii=False)
                hits.extend((table, column, what) for what, word in words.items() if word in text)
    return sorted(set(hits))


def test_closing_erases_the_person_everywhere_and_the_ledger_still_balances(two, browse):
    mine, theirs = two
    assert find(mine.words), "the words are planted to begin with"
    preview = services.closing_preview(actor=mine.user)
    assert [order.pk for order in preview.cancellable] == mine.open_order_ids
    assert len(mine.open_order_ids) == 2  # its own, and the one its chain line became
    assert preview.may_close

    page = browse(mine.user).get("/privacy/close/")
    assert page.status_code == 200
    assert 'id="cancellable"' in page.content.decode()

    refused = browse(mine.user).post("/privacy/close/", {"word": "yes"})
    assert refused.status_code == 422
    assert set(
        Order.objects.filter(pk__in=mine.open_order_ids).values_list("status", flat=True)
    ) == {Order.Status.PLACED}

    done = browse(mine.user).post("/privacy/close/", {"word": "注销"})
    assert done.status_code == 200 and 'id="closed"' in done.content.decode()

    assert find(mine.words) == []
    assert {what for _t, _c, what in find(theirs.words)} == set(theirs.words)
    assert set(
        Order.objects.filter(pk__in=mine.open_order_ids).values_list("status", flat=True)
    ) == {Order.Status.CANCELLED}
    assert ledger.check().ok
    call_command("ledger", "check")  # as `linli ledger check` runs it
    user = User.objects.get(pk=mine.user.pk)
    assert not user.is_active and not user.has_usable_password()
    assert AuditEvent.objects.filter(
        action="household.closed", target_id=str(mine.household.pk)
    ).exists()
    # Signed out for good: the page asks to sign in again.
    assert browse(mine.user).get("/privacy/").status_code in (302, 403)


def test_closing_is_refused_while_orders_wait_for_pickup_and_for_leaders(hood):
    _group_buy, orders = hood.formed(count=2)
    with pytest.raises(OrdersWaiting):
        services.close_household(actor=hood.members[1], word="注销")
    assert services.closing_preview(actor=hood.members[1]).waiting == 1
    with pytest.raises(LeaderCannotLeave):
        services.close_household(actor=hood.leader_user, word="注销")
    with pytest.raises(NotConfirmed):
        services.close_household(actor=hood.members[3], word="")
    with pytest.raises(NoHousehold):
        services.close_household(actor=hood.supplier_user, word="注销")
    assert Order.objects.filter(pk__in=[o.pk for o in orders], status="confirmed").count() == 2


def test_the_money_owed_is_shown_before_confirming(two, browse):
    mine, _theirs = two
    preview = services.closing_preview(actor=mine.user)
    open_total = sum(Order.objects.get(pk=pk).total_fen for pk in mine.open_order_ids)
    assert preview.after_fen == preview.balance_fen - open_total
    page = browse(mine.user).get("/privacy/close/").content.decode()
    assert 'id="money"' in page
    closed = services.close_household(actor=mine.user, word="注销")
    assert closed.balance_fen == preview.after_fen


def test_closing_through_the_api_with_an_idempotency_key(hood):
    member, household = hood.members[3], hood.households[3]
    api = Api(member)
    assert api.get("/privacy/closing").json()["may_close"] is True
    response = api.post("/privacy/closing", {"word": "注销"}, key="close-once")
    assert response.status_code == 200, response.content
    assert response.json()["household_id"] == household.pk
    # The stored answer of this very call stays (it names no one); the account is gone.
    assert IdempotencyKey.objects.filter(user=member, key="close-once").exists()
    assert api.get("/privacy/closing").status_code == 401
    household.refresh_from_db()
    assert household.contact_name == "已注销" and household.phone == ""


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_closing_waits_for_a_closing_group_buy_before_it_locks_the_household(live_hood):
    """The ordering service's lock order (group buy, then household): while a group buy is
    being closed, a member closing their account waits for it without holding their
    household's row, so the close can still take that row (else: a deadlock)."""
    import threading
    import time

    from django.db import OperationalError
    from django.db import transaction as db_transaction

    from linli.communities.models import Household
    from linli.groupbuys import services as groupbuys
    from linli.groupbuys.services.holding import hold_group_buy

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: no row locks to order")
    hood = live_hood
    group_buy = hood.open()
    member = hood.members[1]
    item = group_buy.items.order_by("pk").first()
    groupbuys.place_order(actor=member, group_buy_id=group_buy.pk, lines={item.pk: 1})
    closing_started, release = threading.Event(), threading.Event()
    done: dict = {}

    def close_the_group_buy():
        try:
            with db_transaction.atomic():
                hold_group_buy(group_buy.pk, exclusive=True)
                closing_started.set()
                release.wait(30)
        finally:
            connection.close()

    def close_the_account():
        try:
            done["closed"] = services.close_household(actor=member, word="注销")
        except Exception as error:
            done["error"] = error
        finally:
            connection.close()

    closer = threading.Thread(target=close_the_group_buy)
    closer.start()
    assert closing_started.wait(10)
    leaver = threading.Thread(target=close_the_account)
    leaver.start()
    time.sleep(1.0)  # the member's closing is now waiting for the group buy
    assert leaver.is_alive()
    household_id = hood.households[1].pk
    try:
        with db_transaction.atomic():
            list(
                Household.objects.select_for_update(nowait=True)
                .filter(pk=household_id)
                .values_list("pk", flat=True)
            )
    except OperationalError as error:  # the household's row was held: the wrong order
        pytest.fail(f"the closing held the household while it waited: {error}")
    finally:
        release.set()
        closer.join(30)
        leaver.join(30)
    assert "error" not in done, done
    assert done["closed"].cancelled_orders == 1
