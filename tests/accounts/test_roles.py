"""Who is asking: the roles a user holds, each found by the part its app declares, read in one
query and kept on the user for the rest of the request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts import roles as module
from linli.accounts.roles import ROLES, Roles, register_part, roles, roles_sql

from ..factories import (
    CommunityFactory,
    HouseholdFactory,
    LeaderFactory,
    MemberFactory,
    OperatorFactory,
    SupplierFactory,
    UserFactory,
)


def read(user) -> tuple[Roles, int]:
    """The roles of a fresh copy of ``user`` (nothing kept on it), and the queries it took."""
    fresh = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        found = roles(fresh)
    assert roles(fresh) is found  # kept on the user: asking again reads nothing
    return found, len(queries)


def test_every_role_a_user_holds_is_read_in_one_query(db):
    household = HouseholdFactory()
    member = MemberFactory(household=household)
    first, second = CommunityFactory(), CommunityFactory()
    leader = LeaderFactory(user=member.user, communities=[first, second])
    farm = SupplierFactory(users=[member.user])
    SupplierFactory(users=[member.user], active=False)  # staff of it no more

    assert read(member.user) == (
        Roles(
            user_id=member.user.pk,
            household_id=household.pk,
            community_id=household.building.community_id,
            leader_id=leader.pk,
            led_community_ids=frozenset({first.pk, second.pk}),
            supplier_ids=frozenset({farm.pk}),
        ),
        1,
    )


def test_a_leader_of_no_community_yet_is_a_leader_and_an_inactive_one_is_not(db):
    leader = LeaderFactory()
    assert read(leader.user) == (Roles(user_id=leader.user.pk, leader_id=leader.pk), 1)
    leader.active = False
    leader.save()
    assert read(leader.user) == (Roles(user_id=leader.user.pk), 1)


def test_an_operator_is_one_by_being_staff_and_anyone_else_holds_nothing(db):
    operator = OperatorFactory()
    assert read(operator) == (Roles(user_id=operator.pk, operator=True), 1)
    nobody = UserFactory()
    assert read(nobody) == (Roles(user_id=nobody.pk), 1)
    assert roles(None) == Roles(user_id=None) and roles(None).anonymous


def test_the_apps_that_hold_the_roles_declare_them_and_accounts_put_them_together():
    from linli.catalog.roles import supplier_sql
    from linli.communities.roles import leader_sql, member_sql

    assert ROLES == ("member", "leader", "supplier")
    assert roles_sql() == f"{member_sql()} UNION ALL {leader_sql()} UNION ALL {supplier_sql()}"
    assert [part().split(",")[0] for part in (member_sql, leader_sql, supplier_sql)] == [
        "SELECT 'member'",
        "SELECT 'leader'",
        "SELECT 'supplier'",
    ]


def test_only_a_known_role_may_be_declared():
    with pytest.raises(ValueError, match="'tenant' is not one of the roles"):
        register_part("tenant", lambda: "SELECT 'tenant', 1, NULL WHERE 1 = %s")
    assert "tenant" not in module._parts


def test_with_no_part_declared_nobody_holds_a_role(db, monkeypatch):
    monkeypatch.setattr(module, "_parts", {})
    roles_sql.cache_clear()
    try:
        user = LeaderFactory().user
        assert read(user) == (Roles(user_id=user.pk), 1)
    finally:
        roles_sql.cache_clear()
