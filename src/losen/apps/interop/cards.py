"""The cards of the ``patient-view`` service, from what the person's page shows.

Each card is the CDS Hooks 2.0 shape (``uuid``, ``summary`` under 140 characters,
``indicator``, ``source``, ``detail`` in Markdown, ``links``), built from
``losen.apps.clinical.queries.person_summary`` so that the EHR and Losen's page say the same.
The text is interface text in bokmål, through gettext.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from losen.apps.clinical.queries import person_summary

from .models import CardKind

MAX_SUMMARY = 139


@dataclass
class Card:
    kind: str
    summary: str
    indicator: str
    detail: str = ""
    extra: dict = field(default_factory=dict)

    def shape(self, uuid: str, *, source: dict, link: dict) -> dict:
        summary = self.summary if len(self.summary) <= MAX_SUMMARY else self.summary[:138] + "…"
        card = {
            "uuid": uuid,
            "summary": summary,
            "indicator": self.indicator,
            "source": source,
            "links": [link],
        }
        if self.detail:
            card["detail"] = self.detail
        return card


def _day(value: dt.date) -> str:
    return date_format(value, "j. F Y")


def _age(days: int) -> str:
    if days == 0:
        return _("i dag")
    return ngettext("%(n)d dag siden", "%(n)d dager siden", days) % {"n": days}


def cards_for(person, today: dt.date) -> list[Card]:
    """The cards for *person* on *today*: assessment, pathway, notices, measurements, review."""
    summary = person_summary(person, today)
    cards: list[Card] = []
    latest = summary.latest_assessment
    if latest is None:
        cards.append(Card(CardKind.ASSESSMENT, _("Ingen kartlegging i Losen ennå."), "info"))
    else:
        days = (today - latest.assessed_on).days
        cards.append(
            Card(
                CardKind.ASSESSMENT,
                _("Siste kartlegging %(day)s (%(age)s)")
                % {"day": _day(latest.assessed_on), "age": _age(days)},
                "info",
                extra={"days": days},
            )
        )
        suggestion = latest.suggestion or {}
        choice = latest.latest_choice
        reasons = [reason.get("text", "") for reason in suggestion.get("reasons", [])]
        label = suggestion.get("pathway_label") or f"HF{latest.suggested_pathway}"
        lines = [f"- {text}" for text in reasons if text]
        if choice is not None:
            lines.insert(0, _("Valgt: hovedforløp %(n)d.") % {"n": choice.pathway} + "\n")
        cards.append(
            Card(
                CardKind.PATHWAY,
                _("Foreslått: %(label)s") % {"label": label},
                "critical" if suggestion.get("acute") else "info",
                detail="\n".join(lines),
            )
        )
    for notice in summary.open_notices:
        cards.append(
            Card(
                CardKind.NOTICE,
                _("Åpent sikkerhetsvarsel: %(message)s") % {"message": notice.message},
                "critical" if notice.is_acute else "warning",
                extra={"urgency": notice.urgency},
            )
        )
    if summary.latest_measurements:
        lines = [
            f"- {m.instrument_id.upper()}: {m.total} ({m.band_label}), {_day(m.taken_on)}"
            for m in summary.latest_measurements
        ]
        cards.append(
            Card(
                CardKind.MEASUREMENTS,
                ngettext(
                    "Siste måling: %(n)d instrument",
                    "Siste målinger: %(n)d instrumenter",
                    len(lines),
                )
                % {"n": len(lines)},
                "info",
                detail="\n".join(lines),
            )
        )
    step = summary.step
    if step is not None and step.review_due_on is not None:
        due = step.review_due_on
        overdue = due <= today
        text = (
            _("Revurdering forfalt %(day)s") if overdue else _("Revurdering forfaller %(day)s")
        ) % {"day": _day(due)}
        cards.append(
            Card(
                CardKind.REVIEW,
                text,
                "warning" if overdue else "info",
                detail="\n".join(f"- {reason}" for reason in step.reasons),
            )
        )
    return cards
