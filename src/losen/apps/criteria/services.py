"""Writes of the criteria settings: every write atomic and audited."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.domain.criteria import default_catalogue

from .models import LevelDescription


def set_level_descriptions(
    *, actor, municipality, descriptions: Mapping[str, Mapping[str, str]]
) -> int:
    """Replace the municipality's own level descriptions; an empty text restores the default.

    *descriptions* is ``{scale_id: {label: text}}`` for any levels of the catalogue. The whole
    set is checked by the domain first (:meth:`CriteriaCatalogue.with_descriptions`), so an
    unknown scale or level changes nothing. Returns how many levels now have a local text.

    Raises:
        InputError: naming each unknown scale or level.
    """
    catalogue = default_catalogue()
    wanted = {
        scale: {label: text.strip() for label, text in levels.items() if text and text.strip()}
        for scale, levels in descriptions.items()
    }
    catalogue.with_descriptions({s: v for s, v in wanted.items() if v})  # raises InputError
    defaults = {
        scale.id: {level.label: level.description for level in scale.levels}
        for scale in catalogue.scales
    }
    with transaction.atomic():
        LevelDescription.objects.filter(municipality=municipality, scale__in=descriptions).delete()
        rows = [
            LevelDescription(
                municipality=municipality,
                scale=scale,
                label=label,
                description=text,
                updated_by=actor,
            )
            for scale, levels in wanted.items()
            for label, text in levels.items()
            if text != defaults[scale][label]
        ]
        LevelDescription.objects.bulk_create(rows)
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="criteria.leveldescription",
            municipality=municipality,
            details={"scales": sorted(descriptions), "local_levels": len(rows)},
        )
    return LevelDescription.objects.filter(municipality=municipality).count()
