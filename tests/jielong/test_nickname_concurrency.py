"""Two leaders of a community say whose the same nickname is at the same moment, each on
its own database connection: the book ends with one entry, and neither gets an error."""

import pytest

from linli.core.models import AuditEvent
from linli.jielong import services
from linli.jielong.models import NicknameBook

from .. import factories
from ..groupbuys.conftest import collide

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.mark.parametrize("spelling", [("阿芳", "阿芳"), ("Lily", "ＬＩＬＹ ")])
def test_two_leaders_matching_one_nickname_at_once_leave_one_entry(live_hood, spelling):
    second = factories.LeaderFactory(communities=[live_hood.community]).user
    leaders = [live_hood.leader_user, second] * 3
    households = [live_hood.households[1], live_hood.households[2]] * 3
    results = collide(
        [
            lambda leader=leader, household=household, n=n: services.remember_nickname(
                actor=leader,
                community_id=live_hood.community.pk,
                nickname=spelling[n % 2],
                household_id=household.pk,
            )
            for n, (leader, household) in enumerate(zip(leaders, households, strict=True))
        ]
    )

    assert not [r for r in results if isinstance(r, BaseException)], results
    (entry,) = NicknameBook.objects.all()
    assert entry.household_id in {h.pk for h in households}
    assert entry.key == spelling[0].casefold()
    # Every match was recorded; the last one written is the one the book keeps.
    events = AuditEvent.objects.filter(action="jielong.nickname_matched").order_by("pk")
    assert events.count() == 6
    assert {e.target_id for e in events} == {str(entry.pk)}
    assert [e.data["was"] for e in events].count(None) == 1
