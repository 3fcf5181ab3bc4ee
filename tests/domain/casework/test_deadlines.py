"""Case deadlines: preliminary reply (fvl § 11 a), complaint deadline (pbrl § 7-2) moved off
weekends and public holidays, and the states of a work list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from losen.domain.casework.deadlines import (
    DAY_CODES,
    add_months,
    complaint_deadline,
    complaint_deadline_facts,
    complaint_is_late,
    complaint_timeliness,
    deadline_state,
    easter_sunday,
    is_working_day,
    needs_preliminary_reply,
    next_working_day,
    nominal_complaint_deadline,
    preliminary_reply_due,
    public_holidays,
    work_list,
)
from losen.domain.errors import InputError
from losen.domain.explain import CODES

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))

# Easter Sunday as published in almanacs.
EASTER = {
    2000: date(2000, 4, 23),
    2008: date(2008, 3, 23),
    2011: date(2011, 4, 24),
    2019: date(2019, 4, 21),
    2024: date(2024, 3, 31),
    2025: date(2025, 4, 20),
    2026: date(2026, 4, 5),
    2027: date(2027, 3, 28),
    2038: date(2038, 4, 25),
}


@pytest.mark.parametrize(("year", "easter"), sorted(EASTER.items()))
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


@given(st.integers(min_value=1583, max_value=4099))
def test_easter_agrees_with_dateutil_and_is_a_sunday_in_march_or_april(year):
    dateutil_easter = pytest.importorskip("dateutil.easter")
    easter = easter_sunday(year)
    assert easter == dateutil_easter.easter(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


def test_the_public_holidays_of_2026():
    assert public_holidays(2026) == {
        date(2026, 1, 1): "nyttarsdag",
        date(2026, 4, 2): "skjaertorsdag",
        date(2026, 4, 3): "langfredag",
        date(2026, 4, 5): "paskedag",
        date(2026, 4, 6): "andre_paskedag",
        date(2026, 5, 1): "arbeidernes_dag",
        date(2026, 5, 14): "kristi_himmelfartsdag",
        date(2026, 5, 17): "grunnlovsdag",
        date(2026, 5, 24): "pinsedag",
        date(2026, 5, 25): "andre_pinsedag",
        date(2026, 12, 25): "juledag",
        date(2026, 12, 26): "andre_juledag",
    }
    assert set(public_holidays(2026).values()) <= set(DAY_CODES)
    # Christmas Eve and New Year's Eve are working days when they fall on a weekday.
    assert is_working_day(date(2026, 12, 24))
    assert is_working_day(date(2026, 12, 31))


def test_preliminary_reply_one_calendar_month_after_receipt():
    assert preliminary_reply_due(date(2026, 3, 10)) == date(2026, 4, 10)
    assert preliminary_reply_due(date(2026, 1, 31)) == date(2026, 2, 28)
    assert preliminary_reply_due(date(2028, 1, 31)) == date(2028, 2, 29)
    assert preliminary_reply_due(date(2026, 12, 15)) == date(2027, 1, 15)
    received = date(2026, 3, 10)
    assert not needs_preliminary_reply(received, date(2026, 4, 9))
    assert needs_preliminary_reply(received, date(2026, 4, 10))
    assert needs_preliminary_reply(received, date(2026, 5, 1), decided_on=date(2026, 5, 2))
    assert not needs_preliminary_reply(received, date(2026, 5, 1), decided_on=date(2026, 4, 20))
    assert not needs_preliminary_reply(received, date(2026, 4, 20), decided_on=date(2026, 4, 1))


@given(dates, dates, st.one_of(st.none(), dates))
def test_a_preliminary_reply_is_owed_only_when_undecided_after_a_month(received, today, decided):
    owed = needs_preliminary_reply(received, today, decided)
    undecided = decided is None or decided > today
    assert owed == (undecided and today >= add_months(received, 1))


@given(dates, st.integers(min_value=-1200, max_value=1200))
def test_add_months_keeps_the_day_or_takes_the_last_day(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)


def test_complaint_deadline_worked_examples():
    # Received Thursday 5 March 2026: four weeks is Thursday 2 April (skjærtorsdag), then
    # langfredag, Saturday, påskedag, 2. påskedag: the deadline runs to Tuesday 7 April.
    received = date(2026, 3, 5)
    assert nominal_complaint_deadline(received) == date(2026, 4, 2)
    assert complaint_deadline(received) == date(2026, 4, 7)
    assert not complaint_is_late(received, date(2026, 4, 7))
    assert complaint_is_late(received, date(2026, 4, 8))
    facts = complaint_deadline_facts(received)
    assert [fact.code for fact in facts] == ["complaint.deadline", "deadline.moved"]
    assert facts[1].params == {
        "nominal": "2026-04-02",
        "deadline": "2026-04-07",
        "skipped": ["skjaertorsdag", "langfredag", "lordag", "paskedag", "andre_paskedag"],
    }
    # A Saturday moves to Monday; an ordinary weekday stays.
    assert complaint_deadline(date(2026, 11, 7)) == date(2026, 12, 7)
    assert complaint_deadline(date(2026, 11, 10)) == date(2026, 12, 8)
    assert len(complaint_deadline_facts(date(2026, 11, 10))) == 1
    # 17 May 2027 is a Monday: a deadline on it moves to Tuesday 18 May.
    assert complaint_deadline(date(2027, 4, 19)) == date(2027, 5, 18)
    # Configurable weeks.
    assert complaint_deadline(date(2026, 11, 10), weeks=3) == date(2026, 12, 1)
    late = complaint_timeliness(received, date(2026, 4, 9))
    assert late.code == "complaint.late"
    assert late.params == {"deadline": "2026-04-07", "received": "2026-04-09", "days_late": 2}
    assert complaint_timeliness(received, date(2026, 3, 20)).code == "complaint.in_time"


@given(dates, st.integers(min_value=1, max_value=52))
def test_the_deadline_is_the_first_working_day_on_or_after_the_nominal_day(received, weeks):
    nominal = received + timedelta(weeks=weeks)
    deadline = complaint_deadline(received, weeks)
    assert deadline >= nominal
    assert is_working_day(deadline)
    day = nominal
    while day < deadline:
        assert not is_working_day(day)
        day += timedelta(days=1)
    assert (deadline - nominal).days <= 5  # the longest run: skjærtorsdag to 2. påskedag
    assert not complaint_is_late(received, deadline, weeks)
    assert complaint_is_late(received, deadline + timedelta(days=1), weeks)
    for fact in complaint_deadline_facts(received, weeks):
        assert set(fact.params) == set(CODES[fact.code])
    assert next_working_day(deadline) == deadline


def test_bad_input_is_refused_with_every_problem():
    with pytest.raises(InputError) as caught:
        nominal_complaint_deadline("2026-03-05", weeks=0)  # type: ignore[arg-type]
    assert [problem.path for problem in caught.value.problems] == ["decision_received", "weeks"]
    with pytest.raises(InputError):
        complaint_deadline(date(2026, 3, 5), weeks=True)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        deadline_state("holiday", date(2026, 3, 5), date(2026, 3, 1))
    with pytest.raises(InputError):
        deadline_state("complaint", date(2026, 3, 5), date(2026, 3, 1), within_days=-1)
    with pytest.raises(InputError):
        needs_preliminary_reply(date(2026, 3, 5), None)  # type: ignore[arg-type]


def test_work_list_states():
    today = date(2026, 12, 3)
    assert deadline_state("complaint", date(2026, 12, 20), today) is None
    coming = deadline_state("complaint", date(2026, 12, 8), today)
    assert coming.code == "deadline.coming_up"
    assert coming.params == {"kind": "complaint", "deadline": "2026-12-08", "days_left": 5}
    assert deadline_state("reevaluation", today, today).params["days_left"] == 0
    passed = deadline_state("preliminary_reply", date(2026, 12, 1), today)
    assert passed.code == "deadline.passed"
    assert passed.params["days_over"] == 2
    rows = work_list(
        [
            ("S-1", "complaint", date(2026, 12, 9)),
            ("S-2", "preliminary_reply", date(2026, 11, 20)),
            ("S-3", "decision", date(2027, 1, 9)),
            ("S-4", "reevaluation", date(2026, 12, 2)),
            ("S-5", "complaint", date(2026, 12, 9)),
        ],
        today,
    )
    assert [case for case, _ in rows] == ["S-2", "S-4", "S-1", "S-5"]


@given(dates, dates, st.integers(min_value=0, max_value=60))
def test_every_deadline_is_in_exactly_one_state(deadline, today, within):
    state = deadline_state("complaint", deadline, today, within)
    left = (deadline - today).days
    if left < 0:
        assert state.code == "deadline.passed" and state.params["days_over"] == -left
    elif left <= within:
        assert state.code == "deadline.coming_up" and state.params["days_left"] == left
    else:
        assert state is None
    if state is not None:
        assert set(state.params) == set(CODES[state.code])


def test_a_date_and_time_is_refused_so_no_holiday_is_missed():
    from datetime import UTC, datetime

    with pytest.raises(InputError):
        complaint_deadline(datetime(2026, 3, 5, 12, 0, tzinfo=UTC))  # type: ignore[arg-type]
