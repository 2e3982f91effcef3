"""When a meeting's agenda and reports must be published: clear working days before it.

Local Government Act 1972 s100B: the agenda and reports are open to
inspection at least five clear days before a meeting in England (three in
Wales). A clear day is a whole working day that is neither the day of
publication nor the day of the meeting; weekends and bank holidays do not
count. Bank holidays come from the `holidays` library, which keeps the
England and Wales lists (Christmas, Easter and the rest) up to date.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Literal

import holidays

Country = Literal["england", "wales"]

# Clear days of notice the law asks for, by the country whose law applies.
CLEAR_DAYS: dict[Country, int] = {"england": 5, "wales": 3}
_SUBDIVISION: dict[Country, str] = {"england": "ENG", "wales": "WLS"}
# Regulation 9 of the Local Authorities (Executive Arrangements) (Meetings and
# Access to Information) (England) Regulations 2012: 28 clear (calendar) days.
KEY_DECISION_NOTICE = 28


@lru_cache(maxsize=8)
def _bank_holidays(country: Country, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=_SUBDIVISION[country], years=[year - 1, year, year + 1])


def is_working_day(day: datetime.date, country: Country) -> bool:
    """Return whether a day is a weekday that is not a bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(country, day.year)


def publication_deadline(meeting: datetime.date, country: Country) -> datetime.date:
    """Return the last working day on which the agenda can be published for a meeting."""
    needed = CLEAR_DAYS[country]
    day = meeting
    while needed:
        day -= datetime.timedelta(days=1)
        needed -= is_working_day(day, country)
    day -= datetime.timedelta(days=1)
    while not is_working_day(day, country):
        day -= datetime.timedelta(days=1)
    return day


def clear_days_between(published: datetime.date, meeting: datetime.date, country: Country) -> int:
    """Return how many clear working days lie between publication and the meeting."""
    days = (meeting - published).days
    return sum(is_working_day(published + datetime.timedelta(days=n), country) for n in range(1, days))


def key_decision_notice_late(forward_plan: datetime.date, meeting: datetime.date) -> bool:
    """Return whether a key decision reached the forward plan less than 28 clear days before the meeting."""
    return (meeting - forward_plan).days - 1 < KEY_DECISION_NOTICE
