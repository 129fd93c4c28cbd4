"""The ledger's pages through a real session: the leader records money at the gate, a member
sees what they owe, and nobody opens what is not theirs."""

from datetime import timedelta

from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy
from linli.ledger.models import Entry

from ..state import snapshot
from .conftest import close, deliver, order, owes, pays


def test_the_leader_records_a_payment_and_sees_who_still_owes(hood, now, browse):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)  # ¥37.00
    order(hood, 1, group_buy, (1, 0), now)  # ¥4.50
    leader = browse(hood.leader_user)
    url = f"/money/group-buys/{group_buy.pk}/"
    page = leader.get(url)
    assert page.status_code == 200
    assert 'id="total-owes">¥41.50' in page.content.decode()  # still owed, in total
    response = leader.post(
        url,
        {
            "what": "payment",
            "household": hood.households[0].pk,
            "amount": "37",
            "method": "wechat_transfer",
            "reference": "4200009",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?recorded=payment")
    assert owes(hood.households[0]) == 0
    page = leader.get(response["Location"]).content.decode()
    assert "Payment recorded." in page and 'id="total-owes">¥4.50' in page


def test_the_money_page_of_a_group_buy_past_its_cutoff_changes_nothing_until_the_clock(
    hood, now, browse
):
    group_buy = hood.open(min_to_form=100, now=now)
    order(hood, 0, group_buy, (2, 1), now)  # ¥37.00, paid
    order(hood, 1, group_buy, (1, 0), now)  # ¥4.50, not paid
    pays(hood, 0, group_buy, 3700)
    GroupBuy.objects.filter(pk=group_buy.pk).update(
        opens_at=now - timedelta(days=1), cutoff_at=now - timedelta(minutes=1)
    )
    before = snapshot()
    page = browse(hood.leader_user).get(f"/money/group-buys/{group_buy.pk}/").content.decode()
    assert snapshot() == before  # a read writes nothing
    assert 'id="total-owes">¥4.50' in page and 'id="total-refund-due">¥0.00' in page
    groupbuys.close_due_group_buys()  # the worker's clock
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.FAILED  # too few ordered
    page = browse(hood.leader_user).get(f"/money/group-buys/{group_buy.pk}/").content.decode()
    assert 'id="total-owes">¥0.00' in page and 'id="total-refund-due">¥37.00' in page


def test_a_mistyped_amount_is_shown_next_to_the_field_and_changes_nothing(hood, now, browse):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    url = f"/money/group-buys/{group_buy.pk}/"
    for language, says in (("en", "Write an amount in yuan"), ("zh-hans", "请按元填写金额")):
        leader = browse(hood.leader_user, language)
        before = snapshot()
        form = {
            "what": "payment",
            "household": hood.households[0].pk,
            "amount": "37块",
            "method": "cash",
        }
        page = leader.post(url, form)
        assert page.status_code == 422
        text = page.content.decode()
        assert says in text and 'value="37块"' in text
        assert snapshot() == before
    refund = {"what": "refund", "household": hood.households[0].pk, "amount": "1", "method": "cash"}
    page = browse(hood.leader_user).post(url, refund)
    assert page.status_code == 422 and "Only ¥0.00 is due" in page.content.decode()
    assert not Entry.objects.exclude(kind=Entry.Kind.CHARGE).exists()


def test_a_member_sees_what_they_owe_and_nothing_of_others(hood, now, browse):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    member = browse(hood.members[0])
    page = member.get("/money/")
    assert page.status_code == 200 and "You owe ¥37.00." in page.content.decode()
    zh = browse(hood.members[0], "zh-hans").get("/money/").content.decode()
    assert "您欠 ¥37.00。" in zh
    assert member.get(f"/money/group-buys/{group_buy.pk}/").status_code == 403
    assert (
        browse(hood.other_leader_user).get(f"/money/group-buys/{group_buy.pk}/").status_code == 404
    )
    assert browse().get("/money/").status_code == 302  # to the sign-in page


def test_the_home_page_and_the_leaders_group_buy_page_lead_to_the_money(hood, now, browse):
    group_buy = hood.open(now=now)
    assert "/money/" in browse(hood.members[1]).get("/").content.decode()
    page = browse(hood.leader_user).get(f"/lead/group-buys/{group_buy.pk}/")
    assert f"/money/group-buys/{group_buy.pk}/" in page.content.decode()


def test_a_member_sees_a_shared_out_shortage_credited_back(hood, now, browse):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (4, 0), now)  # first: 4 斤
    second = order(hood, 1, group_buy, (3, 0), now)  # then 3 斤
    at = close(group_buy)
    deliver(hood, group_buy, (5,), at)  # 5 of 7 came
    greens = group_buy.items.order_by("position").first()
    groupbuys.apply_allocation(
        actor=hood.leader_user, group_buy_id=group_buy.pk, item_id=greens.pk, policy="fcfs", now=at
    )
    member = browse(hood.members[1])
    page = member.get(f"/orders/{second.pk}/").content.decode()
    assert "Shared out: you get 1 斤; ¥9.00 is credited back to you." in page
    assert owes(hood.households[1]) == 3 * 450 - 900
    assert "You owe ¥4.50." in member.get("/money/").content.decode()


def test_a_members_statement_names_how_they_paid_in_their_language(hood, now, browse):
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    pays(hood, 0, group_buy, 3700, method="wechat_transfer", reference="4200001")
    zh = browse(hood.members[0], "zh-hans").get("/money/").content.decode()
    assert "(微信转账 4200001)" in zh and "wechat_transfer" not in zh
    en = browse(hood.members[0]).get("/money/").content.decode()
    assert "(WeChat transfer 4200001)" in en


def past_its_pickup_window(group_buy, now) -> None:
    """The group buy's days moved back, so that its pickup window ended a minute ago."""
    GroupBuy.objects.filter(pk=group_buy.pk).update(
        opens_at=now - timedelta(days=3),
        cutoff_at=now - timedelta(days=2),
        pickup_starts_at=now - timedelta(days=1),
        pickup_ends_at=now - timedelta(minutes=1),
    )


def test_the_money_pages_show_the_settlement_once_the_clock_completes_the_group_buy(
    hood, now, browse
):
    """Past the pickup window the money pages show what is stored (nothing settled, nothing
    payable) and change nothing; once the worker's clock completes the group buy, the
    leader's page shows it and the supplier's delivery is payable at cost."""
    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    order(hood, 1, group_buy, (1, 0), now)
    deliver(hood, group_buy, (3, 1), close(group_buy))
    assert group_buy.status == GroupBuy.Status.FORMED
    past_its_pickup_window(group_buy, now)
    before = snapshot()
    browse(hood.leader_user).get("/money/")
    supplier_page = browse(hood.supplier_user).get("/money/").content.decode()
    assert snapshot() == before
    assert 'id="supplier-outstanding">¥0.00' in supplier_page

    assert groupbuys.close_due_group_buys().completed == [group_buy.pk]
    group_buy.refresh_from_db()
    assert (group_buy.status, group_buy.completion_reason) == (
        GroupBuy.Status.COMPLETED,
        GroupBuy.CompletionReason.PICKUP_WINDOW_ENDED,
    )
    settlement = Entry.objects.get(kind=Entry.Kind.SETTLEMENT, group_buy_id=group_buy.pk)
    leader_page = browse(hood.leader_user).get("/money/").content.decode()
    assert group_buy.title in leader_page
    supplier_page = browse(hood.supplier_user).get("/money/").content.decode()
    payable = -sum(
        posting.amount
        for posting in settlement.postings.filter(account__kind="supplier")  # at cost
    )
    assert payable > 0
    assert f'id="supplier-outstanding">¥{payable / 100:,.2f}' in supplier_page


def test_the_supplier_ledger_api_shows_what_the_clock_completed(hood, now):
    from django.test import Client

    group_buy = hood.open(now=now)
    order(hood, 0, group_buy, (2, 1), now)
    deliver(hood, group_buy, (2, 1), close(group_buy))
    past_its_pickup_window(group_buy, now)
    groupbuys.close_due_group_buys()
    client = Client()
    client.force_login(hood.supplier_user)
    supplier_id = hood.supplier.pk
    answer = client.get(f"/api/suppliers/{supplier_id}/ledger").json()
    assert [row["group_buy_id"] for row in answer["group_buys"]] == [group_buy.pk]
    assert answer["outstanding_fen"] > 0
    # Another supplier's staff see nothing of it.
    outsider = Client()
    outsider.force_login(hood.other_supplier_user)
    assert outsider.get(f"/api/suppliers/{supplier_id}/ledger").status_code == 404
