"""The demo city's after-sales reports, made through the services once the day's pickup has
started (15:00 in Shanghai): one waits for the showcase's leader, one approved, one rejected."""

from datetime import datetime
from zoneinfo import ZoneInfo

from linli.aftersales.models import Report
from linli.demo.build import DEFAULT_SEED, build
from linli.demo.scale import SIZES
from linli.ledger import selectors as ledger


def test_the_afternoon_city_has_reports_in_three_states(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    afternoon = datetime(2026, 5, 12, 16, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    build(seed=DEFAULT_SEED, scale=SIZES["small"], now=afternoon)
    assert sorted(Report.objects.values_list("status", flat=True)) == [
        "approved",
        "pending",
        "rejected",
    ]
    assert Report.objects.get(status="approved").credit_fen > 0
    assert ledger.check().ok
