"""The deviations register: anonymous counts per recommendation, over time, reasons grouped.

Two kinds of deviation feed it: the municipality's documented alternatives from closed
self-assessments (a ``skal`` or ``bør`` point not fully met), and the clinicians' deviation
notes on pathway choices (pasientjournalforskriften § 6 bokstav g,
https://lovdata.no/forskrift/2019-03-01-168/§6). The register holds no person, no free text and
no record id: only the recommendation, its strength, the quarter, the source and a reason group.
A clinical note's free text is sorted into a group by :func:`reason_group_of_text` here, and the
text itself never leaves the record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

MUNICIPALITY, CLINICAL = "kommune", "klinisk"
SOURCES = (MUNICIPALITY, CLINICAL)

#: Reason groups (codes; the web layer words them). The order is the order shown.
REASON_GROUPS = (
    "kapasitet",
    "kompetanse",
    "okonomi",
    "geografi",
    "samarbeid",
    "brukerens-onske",
    "faglig-vurdering",
    "annet",
)

# Word stems that sort a clinical note's free text into a group, tried in this order; the
# first group with a match wins, and a text matching none is ``faglig-vurdering`` (a clinical
# note is by its nature a professional judgement). A heuristic, documented as one.
_STEMS = (
    ("brukerens-onske", r"ønske|ønsker|vil ikke|takket nei|samtykke|foretrekker"),
    ("kapasitet", r"kapasitet|venteliste|ventetid|kø\b|ikke plass|fullt"),
    ("kompetanse", r"kompetanse|opplæring|ingen psykolog|mangler fagfolk"),
    ("geografi", r"avstand|reise|reisevei|bor langt|geograf"),
    ("samarbeid", r"spesialisthelsetjenesten|dps|helseforetak|fastlege|samarbeid|nav\b"),
    ("okonomi", r"økonomi|kostnad|budsjett|egenandel"),
)
_COMPILED = tuple((group, re.compile(pattern, re.IGNORECASE)) for group, pattern in _STEMS)


def reason_group_of_text(text: str) -> str:
    """The reason group a free-text deviation note falls in (see the stems above)."""
    for group, pattern in _COMPILED:
        if pattern.search(text or ""):
            return group
    return "faglig-vurdering"


def quarter_of(day: dt.date) -> str:
    """``2026-K3`` for a day in July–September 2026."""
    return f"{day.year}-K{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class DeviationEvent:
    """One deviation, with nothing that names a person."""

    recommendation_id: str
    strength: str
    day: dt.date
    source: str
    reason_group: str


@dataclass
class RegisterRow:
    """The counts of one recommendation and one strength."""

    recommendation_id: str
    strength: str
    total: int = 0
    by_quarter: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)


@dataclass
class Register:
    """The register: the quarters covered and one row per recommendation, ``skal`` apart."""

    quarters: list[str]
    skal: list[RegisterRow]
    bor: list[RegisterRow]
    other: list[RegisterRow]

    @property
    def total(self) -> int:
        return sum(row.total for row in (*self.skal, *self.bor, *self.other))


def build_register(events: Iterable[DeviationEvent], *, order: Iterable[str] = ()) -> Register:
    """Count *events* per recommendation, quarter, reason group and source.

    Args:
        events: The deviations.
        order: Recommendation ids in the order to show them; others follow sorted.

    Returns:
        Rows for ``skal`` recommendations apart from ``bør`` (and ``kan`` or unknown in
        ``other``); quarters sorted, each row's counts summing to its total.
    """
    rows: dict[tuple[str, str], RegisterRow] = {}
    quarters: set[str] = set()
    reasons: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for event in events:
        key = (event.recommendation_id, event.strength)
        row = rows.get(key)
        if row is None:
            row = rows[key] = RegisterRow(event.recommendation_id, event.strength)
        quarter = quarter_of(event.day)
        quarters.add(quarter)
        row.total += 1
        row.by_quarter[quarter] = row.by_quarter.get(quarter, 0) + 1
        row.by_source[event.source] = row.by_source.get(event.source, 0) + 1
        group = event.reason_group if event.reason_group in REASON_GROUPS else "annet"
        reasons[key][group] += 1
    for key, counter in reasons.items():
        rows[key].by_reason = {g: counter[g] for g in REASON_GROUPS if counter[g]}
    position = {rec_id: index for index, rec_id in enumerate(order)}

    def sort_key(row: RegisterRow):
        return (position.get(row.recommendation_id, len(position)), row.recommendation_id)

    ordered = sorted(rows.values(), key=sort_key)
    return Register(
        quarters=sorted(quarters),
        skal=[r for r in ordered if r.strength == "skal"],
        bor=[r for r in ordered if r.strength == "bør"],
        other=[r for r in ordered if r.strength not in ("skal", "bør")],
    )
