"""The waiting list: ordered by urgency, severity and the wait, with the reasons beside each
place, and what changed a place between two orderings."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from losen.domain.casework.waiting import (
    URGENCY,
    WaitingEntry,
    changes,
    lists,
    order,
    sort_key,
)
from losen.domain.errors import InputError
from losen.domain.explain import CODES

TODAY = date(2026, 12, 3)
SERVICE = "langtidsplass"


def _e(entry_id, urgency, severity, days_ago, service=SERVICE):
    return WaitingEntry(entry_id, service, urgency, severity, TODAY - timedelta(days=days_ago))


def test_worked_example_order_and_reasons():
    entries = [
        _e("W-1", "innen uker", 3, 10),
        _e("W-2", "akutt", 0, 1),
        _e("W-3", "innen uker", 3, 40),
        _e("W-4", "innen uker", 1, 90),
        _e("W-5", "innen uker", 1, 90),
        _e("W-6", "kan planlegges", 3, 300),
    ]
    places = order(entries, TODAY)
    assert [p.entry.id for p in places] == ["W-2", "W-3", "W-1", "W-4", "W-5", "W-6"]
    assert [p.place for p in places] == [1, 2, 3, 4, 5, 6]
    assert [p.days_waited for p in places] == [1, 40, 10, 90, 90, 300]
    first = places[0].reasons
    assert [f.code for f in first] == ["waiting.place"]
    assert first[0].params == {
        "place": 1,
        "urgency": "akutt",
        "severity": "liten",
        "days": 1,
        "granted_on": "2026-12-02",
    }
    assert [p.reasons[1].code for p in places[1:]] == [
        "waiting.after.urgency",
        "waiting.after.waited",
        "waiting.after.severity",
        "waiting.after.tie",
        "waiting.after.urgency",
    ]
    assert places[1].reasons[1].params == {
        "other": "W-2",
        "other_urgency": "akutt",
        "urgency": "innen uker",
    }
    assert places[2].reasons[1].params == {"other": "W-3", "other_days": 40, "days": 10}
    assert places[3].reasons[1].params == {
        "other": "W-1",
        "other_severity": "svært stor",
        "severity": "moderat",
    }


def test_worked_example_changes():
    before = order(
        [
            _e("A", "innen uker", 2, 50),
            _e("B", "innen uker", 2, 30),
            _e("C", "innen uker", 1, 80),
            _e("D", "kan planlegges", 3, 100),
        ],
        TODAY,
    )
    # A got a place (left), C was reassessed to innen dager, E joined as akutt.
    after = order(
        [
            _e("B", "innen uker", 2, 30),
            _e("C", "innen dager", 1, 80),
            _e("D", "kan planlegges", 3, 100),
            _e("E", "akutt", 2, 0),
        ],
        TODAY,
    )
    assert [p.entry.id for p in after] == ["E", "C", "B", "D"]
    facts = changes(before, after)
    assert [(f.code, f.params.get("id")) for f in facts] == [
        ("waiting.left", "A"),
        ("waiting.joined", "E"),
        ("waiting.urgency_changed", "C"),
        ("waiting.moved", "C"),
        ("waiting.moved", "B"),
    ]
    assert facts[2].params == {"id": "C", "old": "innen uker", "new": "innen dager"}
    assert facts[3].params == {
        "id": "C",
        "old_place": 3,
        "new_place": 2,
        "left_above": ["A"],
        "joined_above": ["E"],
        "overtaken_by": [],
        "fell_below": ["B"],
    }
    assert facts[4].params == {
        "id": "B",
        "old_place": 2,
        "new_place": 3,
        "left_above": ["A"],
        "joined_above": ["E"],
        "overtaken_by": ["C"],
        "fell_below": [],
    }
    # D stayed at place 4: one left above, one joined above.
    assert "D" not in [f.params.get("id") for f in facts]


def test_bad_entries_are_refused_with_every_problem():
    with pytest.raises(InputError) as caught:
        order(
            [
                _e("A", "snart", 1, 1),
                _e("A", "akutt", 9, 1),
                _e("", "akutt", 1, -3),
            ],
            TODAY,
        )
    assert [p.path for p in caught.value.problems] == [
        "entries[0].urgency",
        "entries[1].id",
        "entries[1].severity",
        "entries[2].id",
        "entries[2].granted_on",
    ]
    with pytest.raises(InputError):
        order([_e("A", "akutt", 1, 1), _e("B", "akutt", 1, 1, service="annet")], TODAY)
    by_service = lists([_e("A", "akutt", 1, 1), _e("B", "akutt", 1, 1, service="annet")], TODAY)
    assert list(by_service) == [SERVICE, "annet"]


entries = st.lists(
    st.tuples(
        st.sampled_from(URGENCY),
        st.integers(min_value=0, max_value=3),
        st.integers(min_value=0, max_value=400),
    ),
    max_size=15,
)


def _list(rows, prefix="W"):
    return [_e(f"{prefix}-{i}", u, s, d) for i, (u, s, d) in enumerate(rows)]


@given(entries)
def test_the_order_is_explained_by_the_three_keys_only(rows):
    places = order(_list(rows), TODAY)
    assert [p.place for p in places] == list(range(1, len(rows) + 1))
    for above, below in itertools.pairwise(places):
        a, b = above.entry, below.entry
        key_a = (URGENCY.index(a.urgency), -a.severity, a.granted_on)
        key_b = (URGENCY.index(b.urgency), -b.severity, b.granted_on)
        assert key_a <= key_b
        reason = below.reasons[1]
        assert reason.params["other"] == a.id
        expected = (
            "waiting.after.urgency"
            if a.urgency != b.urgency
            else "waiting.after.severity"
            if a.severity != b.severity
            else "waiting.after.waited"
            if a.granted_on != b.granted_on
            else "waiting.after.tie"
        )
        assert reason.code == expected
    for p in places:
        assert p.days_waited == (TODAY - p.entry.granted_on).days >= 0
        for fact in p.reasons:
            assert set(fact.params) == set(CODES[fact.code])
    # The input order does not matter.
    assert order(list(reversed(_list(rows))), TODAY) == places


@given(entries, st.data())
def test_changes_account_for_every_move(rows, data):
    before_entries = _list(rows)
    kept = [e for e in before_entries if data.draw(st.booleans())]
    reassessed = [
        WaitingEntry(
            e.id,
            e.service,
            data.draw(st.sampled_from(URGENCY)) if data.draw(st.booleans()) else e.urgency,
            data.draw(st.integers(min_value=0, max_value=3))
            if data.draw(st.booleans())
            else e.severity,
            e.granted_on,
        )
        for e in kept
    ]
    new_rows = data.draw(entries.map(lambda r: r[:4]))
    after_entries = reassessed + _list(new_rows, prefix="N")
    before, after = order(before_entries, TODAY), order(after_entries, TODAY)
    facts = changes(before, after)
    for fact in facts:
        assert set(fact.params) == set(CODES[fact.code])
    left = {f.params["id"] for f in facts if f.code == "waiting.left"}
    joined = {f.params["id"] for f in facts if f.code == "waiting.joined"}
    assert left == {e.id for e in before_entries} - {e.id for e in kept}
    assert joined == {f"N-{i}" for i in range(len(new_rows))}
    old_place = {p.entry.id: p.place for p in before}
    new_place = {p.entry.id: p.place for p in after}
    moved = {f.params["id"]: f.params for f in facts if f.code == "waiting.moved"}
    for entry_id in set(old_place) & set(new_place):
        if old_place[entry_id] == new_place[entry_id]:
            assert entry_id not in moved
            continue
        m = moved[entry_id]
        assert m["new_place"] - m["old_place"] == (
            len(m["joined_above"])
            + len(m["overtaken_by"])
            - len(m["left_above"])
            - len(m["fell_below"])
        )
    urgency_changed = {f.params["id"] for f in facts if f.code == "waiting.urgency_changed"}
    assert urgency_changed == {
        e.id for e, k in zip(reassessed, kept, strict=True) if e.urgency != k.urgency
    }
    severity_changed = {f.params["id"] for f in facts if f.code == "waiting.severity_changed"}
    assert severity_changed == {
        e.id for e, k in zip(reassessed, kept, strict=True) if e.severity != k.severity
    }
    assert [p.entry for p in after] == sorted(after_entries, key=sort_key)
