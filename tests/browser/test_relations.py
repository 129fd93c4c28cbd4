"""The relationship book in a phone browser: a staff member finds 李芳 by her initials, sees
the tie and the overdue reminder, logs a visit, and sees the strength rise and the reminder
go; then the coverage grid of the co-op. Screenshots for the README."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.relations import reminders, services
from linli.relations.models import Organisation, Post
from tests.relations.conftest import staff_member

from .conftest import sign_in
from .test_journey import fits_360

WORDS = {
    "en": ("en-GB", "Time to get in touch with 李芳 (every 30 days).", "Nothing to do today."),
    "zh-hans": ("zh-CN", "该联系李芳了（每 30 天）。", "今天没有要做的事。"),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_logging_a_visit_raises_the_strength_and_clears_the_reminder(
    chromium, live_server, screenshots, language
):
    locale, reminder, nothing = WORDS[language]
    staff = staff_member(username=f"xiaomei-{language}")
    today = timezone.localdate()
    coop = services.add_organisation(
        actor=staff, spec=services.OrganisationSpec(name="崇明绿色合作社", kind="coop")
    )
    li = services.add_person(
        actor=staff, spec=services.PersonSpec(name="李芳", phone="13900002222", tags=["蔬菜"])
    )
    zhang = services.add_person(actor=staff, spec=services.PersonSpec(name="张三"))
    for person, level in ((li, Post.Level.FRONT_LINE), (zhang, Post.Level.HEAD)):
        services.add_post(
            actor=staff,
            spec=services.PostSpec(
                person_id=person.pk,
                organisation_id=coop.pk,
                level=level,
                role="社长" if level == Post.Level.HEAD else "仓库",
                started_on=today - timedelta(days=800),
            ),
        )
    for back, kind in ((300, "meal"), (120, "favour_received"), (40, "visit")):
        services.log_interaction(
            actor=staff, kind=kind, happened_on=today - timedelta(days=back), person_ids=[li.pk]
        )
    services.keep_in_touch(actor=staff, person_id=li.pk, cadence_days=30, keep_above=2.0)
    reminders.make(today)
    assert Organisation.objects.count() == 1

    page = sign_in(chromium, live_server.url, staff, locale)
    page.click("#tile-relations h2 a")
    expect(page.locator("#reminders")).to_contain_text(reminder)
    page.fill("#q", "lf")
    page.press("#q", "Enter")
    expect(page.locator("#people li")).to_have_count(1)
    fits_360(page)
    page.screenshot(path=screenshots / f"{language}-relations-book.png", full_page=True)

    page.click("#people a >> text=李芳")
    before = float(page.locator("#my-strength").inner_text())
    expect(page.locator("#next-contact")).to_contain_text((today - timedelta(days=10)).isoformat())
    page.select_option("#kind", "visit")
    page.fill("#place", "合作社仓库")
    page.click("#log-form button[type=submit]")
    expect(page.locator("#interactions li").first).to_contain_text("合作社仓库")
    after = float(page.locator("#my-strength").inner_text())
    assert after == pytest.approx(before + 2.0, abs=0.01)
    expect(page.locator("#next-contact")).to_contain_text((today + timedelta(days=30)).isoformat())
    fits_360(page)
    page.screenshot(path=screenshots / f"{language}-relations-person.png", full_page=True)

    page.click("a >> text=崇明绿色合作社")
    expect(page.locator("#coverage")).to_contain_text("张三")
    expect(page.locator("#gaps")).to_be_visible()
    page.screenshot(path=screenshots / f"{language}-relations-coverage.png", full_page=True)

    page.goto(f"{live_server.url}/relations/")
    expect(page.locator("#reminders")).to_contain_text(nothing)
    page.context.close()
