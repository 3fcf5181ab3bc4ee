"""The waiting list for services granted but not yet given, e.g. a long-term place.

The municipality must keep a waiting list for long-term places in a nursing home (or an
equivalent home) and set the criteria for it in a local regulation (helse- og
omsorgstjenesteloven § 3-2 a, https://lovdata.no/lov/2011-06-24-30; pasient- og
brukerrettighetsloven § 2-1 e, https://lovdata.no/lov/1999-07-02-63; Prop. 99 L (2015–2016)).
Losen orders one service's list by three keys and by nothing else, so every place can be
explained by them:

1. urgency (hastegrad): akutt, innen dager, innen uker, kan planlegges;
2. severity (alvorlighet): the 0-based position on the criteria catalogue's alvorlighet scale,
   gravest first;
3. the date the service was granted: the longest wait first.

Entries equal on all three are put in the order of their ids, so the order never depends on
how the list was read; the reasons say it is a tie.

:func:`order` gives each :class:`Place` its reasons as :class:`~losen.domain.explain.Fact`
values: ``waiting.place`` (the three keys and the days waited) and, from place 2 on, the key
that puts it after the entry directly above it (``waiting.after.urgency``,
``waiting.after.severity``, ``waiting.after.waited`` or ``waiting.after.tie``).
:func:`changes` says what changed between two orderings: ``waiting.left``,
``waiting.joined``, ``waiting.urgency_changed``, ``waiting.severity_changed`` (at a
reassessment), and ``waiting.moved`` with the ids that explain the move (left from above,
joined above, overtook it, fell below it), so that ``new_place − old_place =
|joined_above| + |overtaken_by| − |left_above| − |fell_below|``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from losen.domain.criteria.model import CriteriaCatalogue, default_catalogue
from losen.domain.errors import InputError, Problem
from losen.domain.explain import Fact

URGENCY = ("akutt", "innen dager", "innen uker", "kan planlegges")
"""Urgency labels (the catalogue's hastegrad scale), most urgent first."""

MAX_ENTRIES = 100_000
"""Most entries on one list."""


@dataclass(frozen=True)
class WaitingEntry:
    """One person waiting for one service.

    Attributes:
        id: The entry's stable id (an external id; never a name).
        service: The service code.
        urgency: One of :data:`URGENCY`.
        severity: 0-based position on the alvorlighet scale (higher is graver).
        granted_on: The day the service was granted.
    """

    id: str
    service: str
    urgency: str
    severity: int
    granted_on: date


@dataclass(frozen=True)
class Place:
    """An entry's place (1 is first), the days it has waited, and why it is there."""

    place: int
    entry: WaitingEntry
    days_waited: int
    reasons: tuple[Fact, ...]


def _severity_labels(catalogue: CriteriaCatalogue) -> tuple[str, ...]:
    return catalogue.scale(catalogue.criterion("alvorlighet").scale).labels


def _check(entries: Sequence[WaitingEntry], today: date, labels: Sequence[str]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise InputError([Problem("entries", f"too many ({len(entries)}; høyst {MAX_ENTRIES})")])
    problems = []
    if not isinstance(today, date) or isinstance(today, datetime):
        problems.append(Problem("today", "not a date (ikke en dato)"))
    seen: set[str] = set()
    services = {entry.service for entry in entries}
    if len(services) > 1:
        problems.append(Problem("entries", "more than one service on one list"))
    for k, entry in enumerate(entries):
        path = f"entries[{k}]"
        if not isinstance(entry.id, str) or not entry.id.strip():
            problems.append(Problem(f"{path}.id", "missing (mangler)"))
        elif entry.id in seen:
            problems.append(Problem(f"{path}.id", "duplicate id"))
        seen.add(entry.id)
        if entry.urgency not in URGENCY:
            problems.append(Problem(f"{path}.urgency", f"not one of {', '.join(URGENCY)}"))
        if (
            isinstance(entry.severity, bool)
            or not isinstance(entry.severity, int)
            or not 0 <= entry.severity < len(labels)
        ):
            problems.append(
                Problem(f"{path}.severity", f"not a position 0–{len(labels) - 1} on alvorlighet")
            )
        if not isinstance(entry.granted_on, date) or isinstance(entry.granted_on, datetime):
            problems.append(Problem(f"{path}.granted_on", "not a date (ikke en dato)"))
        elif (
            isinstance(today, date) and not isinstance(today, datetime) and entry.granted_on > today
        ):
            problems.append(Problem(f"{path}.granted_on", "after today (etter i dag)"))
    if problems:
        raise InputError(problems)


def sort_key(entry: WaitingEntry) -> tuple[int, int, date, str]:
    """The three keys (and the id for a full tie), smallest first."""
    return (URGENCY.index(entry.urgency), -entry.severity, entry.granted_on, entry.id)


def _after(entry: WaitingEntry, above: WaitingEntry, today: date, labels: Sequence[str]) -> Fact:
    if entry.urgency != above.urgency:
        return Fact(
            "waiting.after.urgency",
            {"other": above.id, "other_urgency": above.urgency, "urgency": entry.urgency},
        )
    if entry.severity != above.severity:
        return Fact(
            "waiting.after.severity",
            {
                "other": above.id,
                "other_severity": labels[above.severity],
                "severity": labels[entry.severity],
            },
        )
    if entry.granted_on != above.granted_on:
        return Fact(
            "waiting.after.waited",
            {
                "other": above.id,
                "other_days": (today - above.granted_on).days,
                "days": (today - entry.granted_on).days,
            },
        )
    return Fact("waiting.after.tie", {"other": above.id})


def order(
    entries: Iterable[WaitingEntry], today: date, catalogue: CriteriaCatalogue | None = None
) -> tuple[Place, ...]:
    """One service's waiting list in order, each place with its reasons.

    Raises:
        InputError: for duplicate or empty ids, an unknown urgency, a severity off the scale,
            a grant date after ``today``, or entries of more than one service.
    """
    entries = list(entries)
    labels = _severity_labels(catalogue or default_catalogue())
    _check(entries, today, labels)
    ranked = sorted(entries, key=sort_key)
    places = []
    for index, entry in enumerate(ranked):
        days = (today - entry.granted_on).days
        reasons = [
            Fact(
                "waiting.place",
                {
                    "place": index + 1,
                    "urgency": entry.urgency,
                    "severity": labels[entry.severity],
                    "days": days,
                    "granted_on": entry.granted_on.isoformat(),
                },
            )
        ]
        if index > 0:
            reasons.append(_after(entry, ranked[index - 1], today, labels))
        places.append(Place(index + 1, entry, days, tuple(reasons)))
    return tuple(places)


def lists(
    entries: Iterable[WaitingEntry], today: date, catalogue: CriteriaCatalogue | None = None
) -> dict[str, tuple[Place, ...]]:
    """:func:`order` for each service, by service code in the order first seen."""
    by_service: dict[str, list[WaitingEntry]] = {}
    for entry in entries:
        by_service.setdefault(entry.service, []).append(entry)
    return {service: order(group, today, catalogue) for service, group in by_service.items()}


def changes(
    before: Sequence[Place],
    after: Sequence[Place],
    catalogue: CriteriaCatalogue | None = None,
) -> tuple[Fact, ...]:
    """What changed between two orderings of one list (see the module docstring).

    Params: ``waiting.left``: ``id``, ``place`` (the old one); ``waiting.joined``: ``id``,
    ``place``, ``urgency``, ``severity``; ``waiting.urgency_changed`` and
    ``waiting.severity_changed``: ``id``, ``old``, ``new`` (labels); ``waiting.moved``:
    ``id``, ``old_place``, ``new_place``, ``left_above``, ``joined_above``, ``overtaken_by``,
    ``fell_below`` (lists of ids, each in the order of the list they come from).
    """
    labels = _severity_labels(catalogue or default_catalogue())
    old = {p.entry.id: p for p in before}
    new = {p.entry.id: p for p in after}
    old_order = [p.entry.id for p in sorted(before, key=lambda p: p.place)]
    new_order = [p.entry.id for p in sorted(after, key=lambda p: p.place)]
    facts = []
    for entry_id in old_order:
        if entry_id not in new:
            facts.append(Fact("waiting.left", {"id": entry_id, "place": old[entry_id].place}))
    for entry_id in new_order:
        if entry_id not in old:
            entry = new[entry_id].entry
            facts.append(
                Fact(
                    "waiting.joined",
                    {
                        "id": entry_id,
                        "place": new[entry_id].place,
                        "urgency": entry.urgency,
                        "severity": labels[entry.severity],
                    },
                )
            )
    old_index = {entry_id: k for k, entry_id in enumerate(old_order)}
    new_index = {entry_id: k for k, entry_id in enumerate(new_order)}
    for entry_id in new_order:
        if entry_id not in old:
            continue
        was, now = old[entry_id], new[entry_id]
        if was.entry.urgency != now.entry.urgency:
            facts.append(
                Fact(
                    "waiting.urgency_changed",
                    {"id": entry_id, "old": was.entry.urgency, "new": now.entry.urgency},
                )
            )
        if was.entry.severity != now.entry.severity:
            facts.append(
                Fact(
                    "waiting.severity_changed",
                    {
                        "id": entry_id,
                        "old": labels[was.entry.severity],
                        "new": labels[now.entry.severity],
                    },
                )
            )
        if was.place == now.place:
            continue
        above_before = set(old_order[: old_index[entry_id]])
        above_after = set(new_order[: new_index[entry_id]])
        facts.append(
            Fact(
                "waiting.moved",
                {
                    "id": entry_id,
                    "old_place": was.place,
                    "new_place": now.place,
                    "left_above": [i for i in old_order if i in above_before and i not in new],
                    "joined_above": [i for i in new_order if i in above_after and i not in old],
                    "overtaken_by": [
                        i
                        for i in new_order
                        if i in above_after and i in old and i not in above_before
                    ],
                    "fell_below": [
                        i
                        for i in old_order
                        if i in above_before and i in new and i not in above_after
                    ],
                },
            )
        )
    return tuple(facts)
