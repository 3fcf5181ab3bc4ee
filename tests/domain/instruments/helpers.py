"""Helpers for instrument tests: answer sets with a chosen total, a valid local definition."""

from __future__ import annotations

import copy

from losen.domain.instruments import InstrumentDefinition


def answers_for_total(definition: InstrumentDefinition, total: int) -> list[int]:
    """Return allowed answers, in form order, that sum to ``total`` (depth-first search)."""
    items = definition.items

    def search(index: int, remaining: int) -> list[int] | None:
        if index == len(items):
            return [] if remaining == 0 else None
        rest_max = sum(item.max_score for item in items[index + 1 :])
        for score in reversed(items[index].scores):
            if score <= remaining and remaining - score <= rest_max:
                tail = search(index + 1, remaining - score)
                if tail is not None:
                    return [score, *tail]
        return None

    found = search(0, total)
    if found is None:
        raise ValueError(f"{definition.id}: no answers give {total}")
    return found


LOCAL_DEFINITION: dict[str, object] = {
    "format": "losen-instrument/1",
    "id": "lokal-trivsel",
    "version": "0.1.0",
    "name": "Lokal trivsel",
    "title": "Fjordviks egen korte trivselssjekk (testdata)",
    "construct": "Trivsel",
    "recall_period": "Den siste uken",
    "items": [
        {"number": 1, "code": "sleep", "label": "Søvn", "scores": [0, 1, 2]},
        {"number": 2, "code": "contact", "label": "Kontakt med andre", "scores": [0, 1, 2]},
        {"number": 3, "code": "safety", "label": "Trygghet hjemme", "scores": [0, 2]},
    ],
    "scoring": {"method": "sum"},
    "bands": [
        {"code": "low", "label": "Lav belastning", "min": 0, "max": 2},
        {"code": "high", "label": "Høy belastning", "min": 3, "max": 6},
    ],
    "safety_rules": [
        {
            "code": "unsafe-home",
            "when": {"item": 3, "equals": 2},
            "message": "Utrygg hjemme: gjør en sikkerhetsvurdering.",
            "source": "Testdata",
        }
    ],
    "licence": {"code": "public_domain", "holder": "Fjordvik kommune", "note": "Egen."},
    "sources": [{"citation": "Fjordvik kommune, testdata."}],
}


def local_definition(**changes: object) -> dict[str, object]:
    """Return a deep copy of the local test definition with top-level keys replaced."""
    document = copy.deepcopy(LOCAL_DEFINITION)
    document.update(changes)
    return document
