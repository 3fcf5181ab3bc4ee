"""The deviations register: counts add up, skal apart from bør, reasons grouped."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from losen.domain.guidance.register import (
    REASON_GROUPS,
    SOURCES,
    DeviationEvent,
    build_register,
    quarter_of,
    reason_group_of_text,
)

events = st.lists(
    st.builds(
        DeviationEvent,
        st.sampled_from(["R1", "R4", "R5", "R9", "FJ-1"]),
        st.sampled_from(["skal", "bør", "kan"]),
        st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
        st.sampled_from(SOURCES),
        st.sampled_from([*REASON_GROUPS, "ukjent"]),
    ),
    max_size=60,
)


@given(events)
def test_every_event_is_counted_once_in_every_breakdown(given_events):
    register = build_register(given_events, order=["R1", "R4", "R5", "R9"])
    assert register.total == len(given_events)
    for row in (*register.skal, *register.bor, *register.other):
        assert sum(row.by_quarter.values()) == row.total
        assert sum(row.by_reason.values()) == row.total
        assert sum(row.by_source.values()) == row.total
        assert set(row.by_reason) <= set(REASON_GROUPS)
    assert all(row.strength == "skal" for row in register.skal)
    assert all(row.strength == "bør" for row in register.bor)


def test_a_worked_register():
    day = dt.date(2026, 2, 3)
    register = build_register(
        [
            DeviationEvent("R9", "skal", day, "kommune", "samarbeid"),
            DeviationEvent("R5", "bør", day, "klinisk", "kapasitet"),
            DeviationEvent("R5", "bør", dt.date(2026, 8, 1), "klinisk", "kapasitet"),
            DeviationEvent("R5", "bør", dt.date(2026, 8, 9), "kommune", "okonomi"),
        ],
        order=["R5", "R9"],
    )
    assert register.quarters == ["2026-K1", "2026-K3"]
    assert [(r.recommendation_id, r.total) for r in register.skal] == [("R9", 1)]
    (r5,) = register.bor
    assert r5.by_quarter == {"2026-K1": 1, "2026-K3": 2}
    assert r5.by_reason == {"kapasitet": 2, "okonomi": 1}
    assert r5.by_source == {"klinisk": 2, "kommune": 1}


def test_reason_groups_of_free_text():
    assert reason_group_of_text("Personen ønsker samtaler hjemme") == "brukerens-onske"
    assert reason_group_of_text("Lang venteliste ved DPS") == "kapasitet"
    assert reason_group_of_text("Følges opp sammen med DPS") == "samarbeid"
    assert reason_group_of_text("Klinisk skjønn etter samtale") == "faglig-vurdering"
    assert quarter_of(dt.date(2026, 12, 31)) == "2026-K4"


@given(st.lists(st.sampled_from(["plan", "do", "evaluate", "correct", "done"]), max_size=12))
def test_the_cycle_reaches_done_only_through_an_evaluation(moves):
    from losen.domain.guidance.improvement import DONE, EVALUATE, PLAN, can_move

    phase, seen = PLAN, [PLAN]
    for target in moves:
        if can_move(phase, target):
            phase = target
            seen.append(phase)
    if phase == DONE:
        assert seen[-2] == EVALUATE
    assert all(not can_move(DONE, t) for t in ("plan", "do", "evaluate", "correct", "done"))


@given(st.sampled_from(["plan", "do", "evaluate", "correct", "done"]), st.dates(), st.dates())
def test_only_an_open_action_past_its_deadline_is_overdue(status, deadline, today):
    from losen.domain.guidance.improvement import is_overdue

    assert is_overdue(status=status, deadline=deadline, today=today) == (
        status != "done" and deadline < today
    )
