"""Two people at the same moment, for real: threads with their own connections (on
PostgreSQL they truly run side by side; SQLite serialises the writers)."""

from linli.aftersales import errors, services
from linli.aftersales.models import Report
from linli.ledger import selectors as ledger
from linli.ledger.services import Acct, Kind, balance

from .. import factories
from ..groupbuys.conftest import collide
from .conftest import after_sales_entries, collected, line_of


def test_two_leaders_deciding_one_report_at_once_decide_it_once_and_credit_once(live_hood):
    second = factories.LeaderFactory(communities=[live_hood.community]).user
    _g, order = collected(live_hood)
    made = services.report_problem(
        actor=live_hood.members[1], order_line_id=line_of(order, 1).pk, quantity=2, kind="spoiled"
    )

    def decide(user, choice):
        return lambda: services.decide_report(
            actor=user, report_id=made.pk, choice=choice, reason="同时处理"
        )

    results = collide(
        [decide(live_hood.leader_user, "approve"), decide(second, "approve")] * 4
        + [decide(live_hood.operator, "reject")] * 2
    )
    won = [result for result in results if isinstance(result, Report)]
    lost = [result for result in results if isinstance(result, errors.AlreadyDecided)]
    assert (len(won), len(lost)) == (1, 9), results
    made.refresh_from_db()
    assert made.status == won[0].status
    entries = after_sales_entries()
    if made.status == Report.Status.APPROVED:
        assert len(entries) == 1
        assert balance(Acct(Kind.HOUSEHOLD, live_hood.households[1].pk)) == 6950 - 5600
    else:
        assert entries == []
    assert ledger.check().ok


def test_one_line_reported_at_once_from_two_phones_is_one_report(live_hood):
    _g, order = collected(live_hood)
    line = line_of(order, 1).pk

    def report():
        return services.report_problem(
            actor=live_hood.members[1], order_line_id=line, quantity=1, kind="spoiled"
        )

    results = collide([report] * 6)
    assert sum(isinstance(result, Report) for result in results) == 1, results
    assert sum(isinstance(result, errors.AlreadyReported) for result in results) == 5
    assert Report.objects.count() == 1
