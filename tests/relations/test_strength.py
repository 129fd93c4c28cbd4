"""Strength: the documented formula, stored set-based, equal to a recompute from scratch."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.relations import rules, services, strength
from linli.relations.models import Relationship

HALF = 180
TODAY = date(2026, 12, 7)
kinds = st.sampled_from(sorted(rules.WEIGHTS))
days = st.integers(min_value=0, max_value=1500).map(lambda back: TODAY - timedelta(days=back))
contacts = st.lists(st.tuples(kinds, days), max_size=30)


def test_a_visit_today_is_worth_its_weight_and_half_after_the_half_life():
    assert rules.strength([("visit", TODAY)], TODAY, HALF) == pytest.approx(2.0)
    later = TODAY + timedelta(days=HALF)
    assert rules.strength([("visit", TODAY)], later, HALF) == pytest.approx(1.0)


def test_favours_both_ways_count_more_than_one_way():
    one_way = [("favour_given", TODAY), ("favour_given", TODAY)]
    both_ways = [("favour_given", TODAY), ("favour_received", TODAY)]
    assert rules.strength(one_way, TODAY, HALF) == pytest.approx(6.0)
    assert rules.strength(both_ways, TODAY, HALF) == pytest.approx(9.0)


def test_what_has_not_happened_yet_does_not_count():
    assert rules.strength([("meal", TODAY + timedelta(days=1))], TODAY, HALF) == 0.0


@given(contacts, st.lists(st.tuples(kinds, days), min_size=1, max_size=5))
def test_more_interactions_never_lower_strength(earlier, more):
    assert rules.strength(earlier + more, TODAY, HALF) >= rules.strength(earlier, TODAY, HALF)


@given(contacts, st.integers(min_value=1, max_value=3000))
def test_time_with_no_interaction_never_raises_strength(earlier, wait):
    later = TODAY + timedelta(days=wait)
    assert rules.strength(earlier, later, HALF) <= rules.strength(earlier, TODAY, HALF)


def test_logging_stores_the_strength_and_check_agrees(book):
    for back, kind in ((400, "meal"), (30, "favour_given"), (10, "favour_received"), (0, "visit")):
        services.log_interaction(
            actor=book.staff,
            kind=kind,
            happened_on=book.today - timedelta(days=back),
            person_ids=[book.li.pk],
        )
    stored = Relationship.objects.get(staff=book.staff, person=book.li)
    contacts = strength.contacts_of(book.staff.pk, book.li.pk)
    expected = rules.strength(contacts, book.today, HALF)
    assert stored.strength == pytest.approx(expected, rel=1e-12)
    assert stored.strength == pytest.approx(
        3 * 0.5 ** (400 / HALF)
        + 3 * 0.5 ** (30 / HALF)
        + 3 * 0.5 ** (10 / HALF)
        + 2
        + 3 * 0.5 ** (30 / HALF),
        rel=1e-12,
    )
    assert stored.last_contact_on == book.today
    assert strength.check() == (1, [])


def test_the_whole_recompute_matches_and_check_finds_a_wrong_value(book):
    services.log_interaction(
        actor=book.staff,
        kind="meal",
        happened_on=book.today - timedelta(days=100),
        person_ids=[book.li.pk, book.zhang.pk],
        staff_ids=[book.staff.pk, book.colleague.pk],
    )
    later = book.today + timedelta(days=50)
    assert strength.recompute(today=later) == 4
    checked, wrong = strength.check()
    assert (checked, wrong) == (4, [])
    value = Relationship.objects.get(staff=book.colleague, person=book.zhang).strength
    assert value == pytest.approx(3 * 0.5 ** (150 / HALF), rel=1e-12)
    Relationship.objects.filter(staff=book.colleague, person=book.zhang).update(strength=9.0)
    checked, wrong = strength.check()
    assert [(m.staff_id, m.person_id, m.stored) for m in wrong] == [
        (book.colleague.pk, book.zhang.pk, 9.0)
    ]
