from __future__ import annotations

import datetime

import pytest

from committee_papers.agenda.deadlines import clear_days_between, key_decision_notice_late, publication_deadline

D = datetime.date


@pytest.mark.parametrize(
    ("meeting", "country", "deadline"),
    [
        (D(2008, 1, 17), "england", D(2008, 1, 9)),  # Thursday: Thu 10 to Wed 16 are the five clear days
        (D(2007, 11, 12), "england", D(2007, 11, 2)),  # Monday: the weekend before does not count
        (D(2007, 12, 28), "england", D(2007, 12, 18)),  # Christmas Day and Boxing Day do not count
        (D(2008, 3, 27), "england", D(2008, 3, 17)),  # nor Good Friday and Easter Monday
        (D(2008, 1, 2), "england", D(2007, 12, 20)),  # nor New Year's Day, Christmas or Boxing Day
        (D(2007, 11, 12), "wales", D(2007, 11, 6)),  # three clear days in Wales
        (D(2008, 3, 27), "wales", D(2008, 3, 19)),  # Wales keeps Easter Monday too
    ],
)
def test_the_last_day_to_publish(meeting, country, deadline):
    assert publication_deadline(meeting, country) == deadline
    assert clear_days_between(deadline, meeting, country) >= {"england": 5, "wales": 3}[country]


def test_publishing_a_day_later_leaves_too_few_clear_days():
    assert clear_days_between(D(2007, 11, 5), D(2007, 11, 12), "england") == 4


def test_the_deadline_is_a_working_day():
    # The five clear days before Wednesday 31 December 2008 run back to Monday 22nd; the
    # day before that is a Sunday, so the agenda must go out on Friday 19th.
    assert publication_deadline(D(2008, 12, 31), "england") == D(2008, 12, 19)


def test_key_decisions_need_28_clear_days_on_the_forward_plan():
    assert not key_decision_notice_late(D(2007, 10, 12), D(2007, 11, 10))  # 28 clear days between
    assert key_decision_notice_late(D(2007, 10, 13), D(2007, 11, 10))
