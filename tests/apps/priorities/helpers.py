"""Alternatives assessed on the criteria catalogue, and the form data that posts one back."""

from __future__ import annotations

from losen.apps.priorities.forms import (
    CRITERION_FIELDS,
    GENERAL_FIELDS,
    OTHER_FIELDS,
    PERSONS_FIELDS,
)
from losen.apps.priorities.models import Alternative

KINDS = ("nytte", "alvorlighet", "ressurs")


def make_alternative(
    case,
    *,
    nytte: str = "moderat",
    alvorlighet: str = "moderat",
    ressurs: str = "moderat",
    uncertainty: str = "moderat",
    parts: tuple = (),
    **fields,
) -> Alternative:
    """Save an alternative of *case* with catalogue labels.

    ``nytte``, ``alvorlighet`` and ``ressurs`` are level labels of the catalogue's scales,
    ``uncertainty`` a label of the ``usikkerhet`` scale (for all three criteria unless
    ``<kind>_uncertainty`` is given), ``parts`` ``(criterion, part, level, reasoning)`` on the
    catalogue's parts. Every criterion gets a written reasoning.
    """
    levels = {"nytte": nytte, "alvorlighet": alvorlighet, "ressurs": ressurs}
    values = {
        "name": f"Tiltak {case.alternatives.count() + 1}",
        "target_group": "Oppdiktet målgruppe",
        "position": case.alternatives.count(),
        "children_affected": "nei",
    }
    for kind in KINDS:
        values[f"{kind}_level"] = levels[kind]
        values[f"{kind}_reasoning"] = f"Begrunnet {kind}."
        values[f"{kind}_uncertainty"] = uncertainty
    values["parts"] = [
        {"criterion": k, "part": p, "level": lv, "reasoning": r} for k, p, lv, r in parts
    ]
    values.update(fields)
    return Alternative.objects.create(municipality=case.municipality, case=case, **values)


def form_data(alternative: Alternative, **changes) -> dict:
    """What the alternative form posts for *alternative* as it is stored, with *changes*.

    Each criterion's level is posted as stored and each rated part as its level and
    reasoning, so an edit that changes nothing else keeps the assessment as it was. Empty
    values and unchecked boxes are left out, as a browser leaves them out.
    """
    data: dict = {}
    for name in GENERAL_FIELDS + CRITERION_FIELDS + PERSONS_FIELDS + OTHER_FIELDS:
        field = Alternative._meta.get_field(name)
        value = getattr(alternative, field.attname)
        if isinstance(value, bool):
            value = "on" if value else ""
        data[name] = value
    for part in alternative.parts:
        name = f"part_{part['criterion']}_{part['part']}"
        data[f"{name}_level"] = part["level"]
        data[f"{name}_reasoning"] = part["reasoning"]
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None)}
