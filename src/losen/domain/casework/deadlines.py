"""The deadlines of a case as pure date functions.

Preliminary reply (forvaltningsloven § 11 a, https://lovdata.no/lov/1967-02-10):
    in a case on an individual decision (enkeltvedtak) the municipality must send a preliminary
    reply when the application cannot be answered within one month of its receipt.
    :func:`preliminary_reply_due` is the day one calendar month after receipt (the same day
    number in the next month, or that month's last day when it has no such day, as months
    are counted in domstolloven § 148 second paragraph, https://lovdata.no/lov/1915-08-13-5).
    The day is not moved off weekends: it is the municipality's own duty, not a party's time
    limit (Losen's reading). :func:`needs_preliminary_reply` says whether the reply is owed
    on a given day; the work list warns earlier through :func:`deadline_state`.

Complaint deadline (pasient- og brukerrettighetsloven § 7-2, https://lovdata.no/lov/1999-07-02-63):
    four weeks from when the person received (or ought to have learnt of) the decision,
    configurable. A period in weeks ends on the weekday the period started on
    (domstolloven § 148 first paragraph), i.e. ``7 × weeks`` days later. When that day is a
    Saturday, a Sunday or a public holiday the deadline runs to the next working day
    (domstolloven § 149 second paragraph; forvaltningsloven § 30 counts deadlines by the same
    rules). A complaint is in time when it was handed in or posted on or before the deadline
    (fvl § 30 first paragraph): pass that day as ``complaint_received``. A late complaint may
    still be considered (fvl § 31); this module only says that it is late.

Public holidays (lov om helligdager og helligdagsfred § 2, https://lovdata.no/lov/1995-02-24-12;
1 and 17 May under lov om 1. og 17. mai som høgtidsdager, https://lovdata.no/lov/1947-04-26-1):
    nyttårsdag, skjærtorsdag, langfredag, påskedag, 2. påskedag, Kristi himmelfartsdag,
    pinsedag, 2. pinsedag, 1 May, 17 May, juledag, 2. juledag. Easter is computed with the
    Gregorian computus (the anonymous algorithm of Meeus, *Astronomical Algorithms*, 1991).
    Christmas Eve and New Year's Eve are not public holidays.

Every function returns dates, booleans or :class:`~losen.domain.explain.Fact` values, never
worded text. Day names in facts are codes (:data:`DAY_CODES`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

from losen.domain.errors import InputError, Problem
from losen.domain.explain import Fact

COMPLAINT_WEEKS = 4
"""The complaint deadline of pbrl § 7-2, in weeks."""

MAX_WEEKS = 52
"""The longest complaint deadline accepted (a municipality cannot shorten the legal one, but a
configuration error should not give years)."""

DEADLINE_KINDS = ("preliminary_reply", "complaint", "reevaluation", "decision")
"""What a deadline in the work list is for."""

DAY_CODES = (
    "lordag",
    "sondag",
    "nyttarsdag",
    "skjaertorsdag",
    "langfredag",
    "paskedag",
    "andre_paskedag",
    "arbeidernes_dag",
    "grunnlovsdag",
    "kristi_himmelfartsdag",
    "pinsedag",
    "andre_pinsedag",
    "juledag",
    "andre_juledag",
)
"""Codes of the days a deadline is moved past (weekend days and public holidays)."""


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` in the Gregorian calendar (anonymous computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int) -> dict[date, str]:
    """Norway's public holidays in ``year``: ``{date: day code}`` (see the module docstring)."""
    easter = easter_sunday(year)
    moving = {
        -3: "skjaertorsdag",
        -2: "langfredag",
        0: "paskedag",
        1: "andre_paskedag",
        39: "kristi_himmelfartsdag",
        49: "pinsedag",
        50: "andre_pinsedag",
    }
    days = {
        date(year, 1, 1): "nyttarsdag",
        date(year, 5, 1): "arbeidernes_dag",
        date(year, 5, 17): "grunnlovsdag",
        date(year, 12, 25): "juledag",
        date(year, 12, 26): "andre_juledag",
    }
    for offset, code in moving.items():
        days[easter + timedelta(days=offset)] = code
    return dict(sorted(days.items()))


def day_off(day: date) -> str | None:
    """The code of ``day`` when it is not a working day (the holiday before the weekday), else
    None."""
    holiday = public_holidays(day.year).get(day)
    if holiday is not None:
        return holiday
    if day.weekday() == 5:
        return "lordag"
    if day.weekday() == 6:
        return "sondag"
    return None


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day_off(day) is None


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months, to the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _check_date(name: str, value: object, problems: list[Problem]) -> None:
    # A datetime is a date to Python, but never equal to one: holidays would be missed.
    if not isinstance(value, date) or isinstance(value, datetime):
        problems.append(Problem(name, "not a date (ikke en dato)"))


def _check_weeks(weeks: object, problems: list[Problem]) -> None:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        problems.append(Problem("weeks", f"not a whole number of weeks 1–{MAX_WEEKS}"))


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)


# --- Preliminary reply (fvl § 11 a) -------------------------------------------------------


def preliminary_reply_due(received: date) -> date:
    """The day a preliminary reply is due when the case is not decided by then: one calendar
    month after ``received``."""
    problems: list[Problem] = []
    _check_date("received", received, problems)
    _raise(problems)
    return add_months(received, 1)


def needs_preliminary_reply(received: date, today: date, decided_on: date | None = None) -> bool:
    """Whether a preliminary reply is owed on ``today``.

    True when the case is not decided on ``today`` (``decided_on`` is None or later) and
    ``today`` is on or after :func:`preliminary_reply_due`. Whether one was already sent is
    the caller's record; warn before the day with :func:`deadline_state`.
    """
    problems: list[Problem] = []
    _check_date("received", received, problems)
    _check_date("today", today, problems)
    if decided_on is not None:
        _check_date("decided_on", decided_on, problems)
    _raise(problems)
    if decided_on is not None and decided_on <= today:
        return False
    return today >= add_months(received, 1)


# --- Complaint deadline (pbrl § 7-2) ------------------------------------------------------


def nominal_complaint_deadline(decision_received: date, weeks: int = COMPLAINT_WEEKS) -> date:
    """``decision_received`` plus ``weeks`` weeks, before any move off a day off."""
    problems: list[Problem] = []
    _check_date("decision_received", decision_received, problems)
    _check_weeks(weeks, problems)
    _raise(problems)
    return decision_received + timedelta(weeks=weeks)


def complaint_deadline(decision_received: date, weeks: int = COMPLAINT_WEEKS) -> date:
    """The last day to complain: ``weeks`` weeks after the decision was received, moved to the
    next working day when that is a Saturday, Sunday or public holiday."""
    return next_working_day(nominal_complaint_deadline(decision_received, weeks))


def complaint_is_late(
    decision_received: date, complaint_received: date, weeks: int = COMPLAINT_WEEKS
) -> bool:
    """Whether a complaint handed in or posted on ``complaint_received`` is after the deadline."""
    problems: list[Problem] = []
    _check_date("complaint_received", complaint_received, problems)
    _raise(problems)
    return complaint_received > complaint_deadline(decision_received, weeks)


def _moved_days(nominal: date, deadline: date) -> list[str]:
    days = []
    day = nominal
    while day < deadline:
        code = day_off(day)
        if code is not None:
            days.append(code)
        day += timedelta(days=1)
    return days


def complaint_deadline_facts(
    decision_received: date, weeks: int = COMPLAINT_WEEKS
) -> tuple[Fact, ...]:
    """``complaint.deadline`` (``deadline``, ``weeks``, ``decision_received``: ISO dates), and
    ``deadline.moved`` (``nominal``, ``deadline``, ``skipped``: the day codes passed over) when
    the deadline was moved off a day off."""
    nominal = nominal_complaint_deadline(decision_received, weeks)
    deadline = next_working_day(nominal)
    facts = [
        Fact(
            "complaint.deadline",
            {
                "deadline": deadline.isoformat(),
                "weeks": weeks,
                "decision_received": decision_received.isoformat(),
            },
        )
    ]
    if deadline != nominal:
        facts.append(
            Fact(
                "deadline.moved",
                {
                    "nominal": nominal.isoformat(),
                    "deadline": deadline.isoformat(),
                    "skipped": _moved_days(nominal, deadline),
                },
            )
        )
    return tuple(facts)


def complaint_timeliness(
    decision_received: date, complaint_received: date, weeks: int = COMPLAINT_WEEKS
) -> Fact:
    """``complaint.in_time`` (``deadline``, ``received``) or ``complaint.late`` (``deadline``,
    ``received``, ``days_late``)."""
    late = complaint_is_late(decision_received, complaint_received, weeks)
    deadline = complaint_deadline(decision_received, weeks)
    params: dict[str, str | int] = {
        "deadline": deadline.isoformat(),
        "received": complaint_received.isoformat(),
    }
    if not late:
        return Fact("complaint.in_time", params)
    params["days_late"] = (complaint_received - deadline).days
    return Fact("complaint.late", params)


# --- The work list ------------------------------------------------------------------------


def deadline_state(kind: str, deadline: date, today: date, within_days: int = 7) -> Fact | None:
    """The state of one deadline in the work list on ``today``.

    * ``deadline.passed`` (``kind``, ``deadline``, ``days_over`` ≥ 1) once the day is past;
    * ``deadline.coming_up`` (``kind``, ``deadline``, ``days_left`` 0…``within_days``) from
      ``within_days`` days before it up to and including the day;
    * None when it is further off.

    ``kind`` is one of :data:`DEADLINE_KINDS`.
    """
    problems: list[Problem] = []
    if kind not in DEADLINE_KINDS:
        problems.append(Problem("kind", f"not one of {', '.join(DEADLINE_KINDS)}"))
    _check_date("deadline", deadline, problems)
    _check_date("today", today, problems)
    if isinstance(within_days, bool) or not isinstance(within_days, int) or within_days < 0:
        problems.append(Problem("within_days", "not a whole number of days ≥ 0"))
    _raise(problems)
    left = (deadline - today).days
    if left < 0:
        return Fact(
            "deadline.passed", {"kind": kind, "deadline": deadline.isoformat(), "days_over": -left}
        )
    if left <= within_days:
        return Fact(
            "deadline.coming_up",
            {"kind": kind, "deadline": deadline.isoformat(), "days_left": left},
        )
    return None


def work_list(
    deadlines: Iterable[tuple[str, str, date]], today: date, within_days: int = 7
) -> tuple[tuple[str, Fact], ...]:
    """The deadlines that need attention, as ``(case id, fact)``: passed ones first (longest
    over first), then coming up (soonest first), ties in input order.

    ``deadlines`` holds ``(case id, kind, deadline)``.
    """
    rows = []
    for index, (case_id, kind, deadline) in enumerate(deadlines):
        state = deadline_state(kind, deadline, today, within_days)
        if state is not None:
            rows.append(((deadline - today).days, index, case_id, state))
    rows.sort(key=lambda row: (row[0], row[1]))
    return tuple((case_id, state) for _, _, case_id, state in rows)
