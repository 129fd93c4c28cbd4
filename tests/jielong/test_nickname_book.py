"""The nickname book: a line without an address ("8、阿芳 鸡蛋1") is found through the
community's nickname book, once a leader has said whose the nickname is; an unknown one asks
"whose is this?" and places nothing."""

import pytest
from django.utils import translation

from linli.accounts.roles import roles
from linli.core.errors import Invalid, NotFound
from linli.core.models import AuditEvent
from linli.groupbuys import services as groupbuy_services
from linli.groupbuys.errors import NotLeader
from linli.groupbuys.models import Order
from linli.jielong import rules, selectors, services
from linli.jielong.models import ImportedLine, NicknameBook

from .. import factories
from .test_import import address, chain_for, confirm, orders_by_household, preview

WHOSE_EN = "Whose is this? No building and room, and “阿芳” is not known here."
WHOSE_ZH = "这是谁的？没有楼号房号，这里也不认识“阿芳”。"


def label(household) -> str:
    return f"{household.building.name} {household.room} {household.contact_name}"


def remember(hood, household, nickname="阿芳", actor=None):
    return services.remember_nickname(
        actor=actor or hood.leader_user,
        community_id=hood.community.pk,
        nickname=nickname,
        household_id=household.pk,
    )


def test_nickname_keys_fold_width_case_and_spaces_but_keep_emoji():
    assert rules.nickname_key("  ＬＩＬＹ　 🌸\ufe0f ") == "lily 🌸"
    assert rules.nickname_key("阿芳") == rules.nickname_key(" 阿芳\u200b")
    assert rules.nickname_key("阿芳🌸") != rules.nickname_key("阿芳")
    assert rules.nickname_key("Lily  Wang") == "lily wang"
    assert rules.nickname_key(" \u3000 ") == ""


def test_an_unknown_nickname_asks_whose_then_the_leaders_match_resolves_it_and_import_places_it(
    hood,
):
    group_buy = hood.open()
    one, two = hood.households[:2]
    lines = (f"1. 小王 {address(one)} A2", "2、阿芳 鸡蛋1", "3. 阿芳 青菜2")
    with translation.override("en"):
        first, whose, again = preview(hood, group_buy, *lines).lines
    assert (whose.action, whose.needs_owner, whose.household_id, whose.found_by) == (
        "unmatched",
        True,
        None,
        None,
    )
    assert whose.reason == WHOSE_EN
    assert [(i.name, i.quantity) for i in whose.items] == [("土鸡蛋", 1)]
    assert (first.found_by, first.needs_owner) == ("address", False)
    with translation.override("zh-hans"):
        assert preview(hood, group_buy, *lines).lines[1].reason == WHOSE_ZH
    assert preview(hood, group_buy, *lines).counts["needs_owner"] == 2

    # Importing now places nothing for the nickname's lines.
    result = confirm(hood, group_buy, *lines)
    assert (result.placed, result.refused) == (1, 0)
    assert orders_by_household(group_buy) == {one.pk: {"崇明青菜": 2}}
    assert AuditEvent.objects.get(action="jielong.imported").data["needs_owner"] == [2, 3]

    entry = remember(hood, two)
    assert (entry.nickname, entry.key, entry.household_id, entry.community_id) == (
        "阿芳",
        "阿芳",
        two.pk,
        hood.community.pk,
    )
    assert entry.matched_by == hood.leader_user
    event = AuditEvent.objects.get(action="jielong.nickname_matched")
    assert (event.actor, event.target_type, event.target_id) == (
        hood.leader_user,
        "jielong.nicknamebook",
        str(entry.pk),
    )
    assert event.data == {
        "community": hood.community.pk,
        "nickname": "阿芳",
        "household": two.pk,
        "was": None,
    }

    first, replaced, last = preview(hood, group_buy, *lines).lines
    assert (last.action, last.household_id, last.household, last.found_by, last.needs_owner) == (
        "place",
        two.pk,
        label(two),
        "nickname",
        False,
    )
    assert (replaced.action, replaced.household_id) == ("replaced", two.pk)
    assert first.action == "same"

    # The line matched after the first import is placed on the next import of the same chain.
    result = confirm(hood, group_buy, *lines)
    assert (result.placed, result.changed, result.refused) == (1, 0, 0)
    assert orders_by_household(group_buy) == {one.pk: {"崇明青菜": 2}, two.pk: {"崇明青菜": 2}}
    assert ImportedLine.objects.get(group_buy=group_buy, number=3).household_id == two.pk
    # … and importing once more adds nothing.
    again = confirm(hood, group_buy, *lines)
    assert (again.placed, again.changed, again.cancelled) == (0, 0, 0)
    assert Order.objects.filter(group_buy=group_buy).count() == 2


def test_a_known_nickname_changes_and_cancels_like_an_address(hood):
    group_buy = hood.open()
    two = hood.households[1]
    remember(hood, two, "Lily🌸")
    confirm(hood, group_buy, "1. ｌｉｌｙ🌸 鸡蛋1")
    assert orders_by_household(group_buy) == {two.pk: {"土鸡蛋": 1}}
    order = Order.objects.get(group_buy=group_buy)

    (line,) = preview(hood, group_buy, "1. ｌｉｌｙ🌸 鸡蛋3").lines
    assert (line.action, line.order_id, line.found_by) == ("change", order.pk, "nickname")
    confirm(hood, group_buy, "1. ｌｉｌｙ🌸 鸡蛋3")
    assert orders_by_household(group_buy) == {two.pk: {"土鸡蛋": 3}}

    cancel = ("1. ｌｉｌｙ🌸 鸡蛋3", "2. LILY🌸 鸡蛋 取消")
    (_first, second) = preview(hood, group_buy, *cancel).lines
    assert (second.action, second.order_id, second.household_id) == ("cancel", order.pk, two.pk)
    assert confirm(hood, group_buy, *cancel).cancelled == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    # Without the emoji it is somebody else.
    (other,) = preview(hood, group_buy, "3. Lily 鸡蛋1").lines
    assert (other.action, other.needs_owner) == ("unmatched", True)


def test_a_second_chain_of_the_community_uses_the_book_and_another_community_does_not(hood):
    remember(hood, hood.households[2])
    later = hood.open()
    (line,) = preview(hood, later, "5. 阿芳 青菜1").lines
    assert (line.action, line.household_id) == ("place", hood.households[2].pk)

    products = hood.products[:1]
    far = groupbuy_services.open_group_buy(
        actor=hood.other_leader_user,
        community_id=hood.other_community.pk,
        title="远方的团",
        items=[
            groupbuy_services.ItemSpec(product_id=p.pk, price_fen=450, stock=9) for p in products
        ],
        min_to_form=1,
        **factories.times(),
    )
    with translation.override("en"):
        (line,) = selectors.preview_import(
            who=roles(hood.other_leader_user), group_buy_id=far.pk, text=chain_for("5. 阿芳 青菜1")
        ).lines
    assert (line.action, line.needs_owner, line.reason) == ("unmatched", True, WHOSE_EN)

    # The other community's own 阿芳 is another person, in its own book.
    theirs = hood.other_member.member.household
    factories.NicknameBookFactory(nickname="阿芳", household=theirs)
    (line,) = selectors.preview_import(
        who=roles(hood.other_leader_user), group_buy_id=far.pk, text=chain_for("5. 阿芳 青菜1")
    ).lines
    assert (line.action, line.household_id) == ("place", theirs.pk)
    (line,) = preview(hood, later, "5. 阿芳 青菜1").lines
    assert line.household_id == hood.households[2].pk


def test_an_address_wins_and_the_chain_teaches_the_book_nothing(hood):
    group_buy = hood.open()
    one, two = hood.households[:2]
    remember(hood, two)
    (line,) = preview(hood, group_buy, f"1. 阿芳 {address(one)} 鸡蛋1").lines
    assert (line.household_id, line.found_by) == (one.pk, "address")
    confirm(hood, group_buy, f"1. 小王 {address(one)} 鸡蛋1")
    assert list(NicknameBook.objects.values_list("key", "household_id")) == [("阿芳", two.pk)]


def test_matching_again_corrects_and_the_order_moves_on_the_next_import(hood):
    group_buy = hood.open()
    one, two = hood.households[1:3]
    remember(hood, one)
    confirm(hood, group_buy, "1. 阿芳 鸡蛋2")
    remember(hood, two)
    assert NicknameBook.objects.get().household_id == two.pk
    assert (
        AuditEvent.objects.filter(action="jielong.nickname_matched")
        .order_by("pk")
        .last()
        .data["was"]
        == one.pk
    )
    (line,) = preview(hood, group_buy, "1. 阿芳 鸡蛋2").lines
    assert (line.action, line.household_id) == ("place", two.pk)
    assert line.cancels_order_id == Order.objects.get(household=one).pk
    confirm(hood, group_buy, "1. 阿芳 鸡蛋2")
    assert orders_by_household(group_buy) == {two.pk: {"土鸡蛋": 2}}


def test_forgetting_asks_whose_again_and_leaves_the_orders(hood):
    group_buy = hood.open()
    entry = remember(hood, hood.households[1])
    confirm(hood, group_buy, "1. 阿芳 鸡蛋2")
    services.forget_nickname(actor=hood.operator, community_id=hood.community.pk, entry_id=entry.pk)
    assert not NicknameBook.objects.exists()
    event = AuditEvent.objects.get(action="jielong.nickname_forgotten")
    assert (event.actor, event.data["household"]) == (hood.operator, hood.households[1].pk)
    (line,) = preview(hood, group_buy, "2. 阿芳 鸡蛋2").lines
    assert line.needs_owner
    assert orders_by_household(group_buy) == {hood.households[1].pk: {"土鸡蛋": 2}}
    with pytest.raises(NotFound):
        services.forget_nickname(
            actor=hood.leader_user, community_id=hood.community.pk, entry_id=entry.pk
        )


def test_search_by_room_building_and_room_name_or_phone(hood):
    who = roles(hood.leader_user)
    one, two, three, _four = hood.households

    def found(query):
        return [
            c.household_id
            for c in selectors.households_for_nickname(
                who=who, community_id=hood.community.pk, query=query
            )
        ]

    assert found(two.room) == [two.pk]  # 201
    assert found(f"2-{two.room}") == [two.pk]
    assert found(f"1-{two.room}") == []
    assert found(f"{three.building.name}{three.room}") == [three.pk]  # 1号楼301
    assert found(three.contact_name) == [three.pk]
    assert found(three.phone[-4:]) == [three.pk]
    assert found("  ") == []
    assert found("\x00") == []
    assert found(f"{three.room}\x00") == [three.pk]
    (choice,) = selectors.households_for_nickname(
        who=who, community_id=hood.community.pk, query=one.contact_name
    )
    assert (choice.label, choice.phone) == (label(one), one.phone)  # the leader's own household
    (choice,) = selectors.households_for_nickname(
        who=who, community_id=hood.community.pk, query=two.contact_name
    )
    assert choice.phone == f"{two.phone[:3]}****{two.phone[-4:]}"


@pytest.mark.parametrize(
    ("nickname", "household", "message"),
    [
        ("", "one", ("Say which nickname.", "请说明是哪个昵称。")),
        ("  \u3000", "one", ("Say which nickname.", "请说明是哪个昵称。")),
        ("芳" * 61, "one", ("A nickname has at most 60 characters.", "昵称最多 60 个字。")),
        ("\ufdfa" * 20, "one", ("A nickname has at most 60 characters.", "昵称最多 60 个字。")),
        ("\x00\t", "one", ("Say which nickname.", "请说明是哪个昵称。")),
        (
            "阿芳",
            "far",
            ("{community} has no household {id}.", "{community}没有编号为 {id} 的住户。"),
        ),
        (
            "阿芳",
            "missing",
            ("{community} has no household {id}.", "{community}没有编号为 {id} 的住户。"),
        ),
    ],
    ids=["empty", "blank", "too-long", "folds-too-long", "control", "other-community", "missing"],
)
def test_bad_matches_are_refused_in_both_languages_and_change_nothing(
    hood, nickname, household, message
):
    far = factories.HouseholdFactory(building=hood.other_community.buildings.first())
    household_id = {"one": hood.households[0].pk, "far": far.pk, "missing": 10**9}[household]
    for language, expected in zip(("en", "zh-hans"), message, strict=True):
        with translation.override(language), pytest.raises(Invalid) as refused:
            services.remember_nickname(
                actor=hood.leader_user,
                community_id=hood.community.pk,
                nickname=nickname,
                household_id=household_id,
            )
        with translation.override(language):
            (detail,) = refused.value.details
            assert str(detail["message"]) == expected.format(
                community=hood.community.name, id=household_id
            )
    assert not NicknameBook.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="jielong.nickname").exists()


def test_only_the_communitys_leaders_and_operators_keep_its_book(hood):
    entry = remember(hood, hood.households[1], actor=hood.operator)
    assert entry.matched_by == hood.operator
    for user, error in (
        (hood.members[1], NotLeader),
        (hood.supplier_user, NotFound),
        (hood.other_leader_user, NotFound),
        (hood.other_member, NotFound),
    ):
        with pytest.raises(error):
            remember(hood, hood.households[2], nickname="老李", actor=user)
        with pytest.raises(error):
            selectors.nickname_book(who=roles(user), community_id=hood.community.pk)
        with pytest.raises(error):
            selectors.households_for_nickname(
                who=roles(user), community_id=hood.community.pk, query="201"
            )
        with pytest.raises(error):
            services.forget_nickname(actor=user, community_id=hood.community.pk, entry_id=entry.pk)
    assert list(NicknameBook.objects.values_list("key", flat=True)) == ["阿芳"]
    (shown,) = selectors.nickname_book(who=roles(hood.leader_user), community_id=hood.community.pk)
    assert (shown.nickname, shown.household, shown.matched_by) == (
        "阿芳",
        label(hood.households[1]),
        hood.operator.username,
    )
