"""A report the leader leaves undecided goes to an operator on the worker's clock."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.aftersales import services, tasks
from linli.aftersales.errors import HandedToOperator
from linli.aftersales.models import Report
from linli.core import clock
from linli.core.models import AuditEvent, OutboxEvent

from ..apiclient import Api
from .conftest import after_sales_entries, collected, line_of


def overdue_and_fresh(hood):
    """Two reports: one made 49 hours ago (past the leader's 48), one made now."""
    now = timezone.now()
    _g, order = collected(hood, pickup_at=now - timedelta(hours=50))
    late = services.report_problem(
        actor=hood.members[1],
        order_line_id=line_of(order, 1).pk,
        quantity=2,
        kind="missing",
        now=now - timedelta(hours=49),
    )
    _g, fresh_order = collected(hood, member=2)
    fresh = services.report_problem(
        actor=hood.members[2], order_line_id=line_of(fresh_order, 0).pk, quantity=1, kind="other"
    )
    return late, fresh


def test_the_clock_job_hands_overdue_reports_to_an_operator(hood):
    assert "linli.aftersales.tasks.hand_overdue_reports_to_operators" in [
        job.name for job in clock.jobs()
    ]
    late, fresh = overdue_and_fresh(hood)
    # A leader past the window is refused even before the clock has run.
    with pytest.raises(HandedToOperator):
        services.decide_report(actor=hood.leader_user, report_id=late.pk, choice="approve")

    assert tasks.hand_overdue_reports_to_operators.call() == {"escalated": 1}
    assert tasks.hand_overdue_reports_to_operators.call() == {"escalated": 0}
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert (late.status, fresh.status) == (Report.Status.ESCALATED, Report.Status.PENDING)
    audit = AuditEvent.objects.get(action="after_sales.escalated")
    assert (audit.actor_label, audit.target_id) == ("system", str(late.pk))
    assert OutboxEvent.objects.get(name="after_sales.escalated").payload == {
        "report_id": late.pk,
        "group_buy_id": late.group_buy_id,
        "community_id": hood.community.pk,
    }

    leader = Api(hood.leader_user).post(f"/after-sales/{late.pk}/decision", {"decision": "approve"})
    assert leader.status_code == 409
    assert leader.json()["code"] == "handed_to_operator"
    # The operator sees it waiting, and decides.
    operator = Api(hood.operator)
    assert [r["id"] for r in operator.get("/after-sales", status="escalated").json()["items"]] == [
        late.pk
    ]
    decided = operator.post(f"/after-sales/{late.pk}/decision", {"decision": "approve"})
    assert decided.status_code == 200, decided.content
    assert decided.json()["credit_fen"] == 5600
    assert len(after_sales_entries()) == 1
    assert AuditEvent.objects.get(action="after_sales.approved").data["by"] == "operator"
    # The fresh one stays with the leader.
    assert (
        services.decide_report(
            actor=hood.leader_user, report_id=fresh.pk, choice="reject", reason="看起来没问题"
        ).status
        == Report.Status.REJECTED
    )


def test_the_operators_list_on_the_command_line(hood, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("COLUMNS", "200")
    overdue_and_fresh(hood)
    tasks.hand_overdue_reports_to_operators.call()
    out = StringIO()
    call_command("aftersales", "list", "--as", hood.operator.username, stdout=out)
    printed = out.getvalue()
    assert "土鸡蛋 × 2" in printed and "with an operator" in printed
    assert hood.supplier.name in printed
