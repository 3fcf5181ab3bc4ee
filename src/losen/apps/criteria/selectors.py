"""Reads of the criteria settings: the catalogue a municipality works with."""

from __future__ import annotations

from collections import defaultdict

from losen.domain.criteria import CriteriaCatalogue, default_catalogue

from .models import LevelDescription


def catalogue_for(municipality) -> CriteriaCatalogue:
    """The domain's catalogue with *municipality*'s own level descriptions, if any.

    One query. Descriptions for a scale or level the catalogue no longer has are left out
    (the catalogue decides which levels exist), so an old row never breaks a page.
    """
    catalogue = default_catalogue()
    if municipality is None:
        return catalogue
    known = {scale.id: set(scale.labels) for scale in catalogue.scales}
    overrides: dict[str, dict[str, str]] = defaultdict(dict)
    for scale, label, text in LevelDescription.objects.filter(
        municipality=municipality
    ).values_list("scale", "label", "description"):
        if label in known.get(scale, ()) and text.strip():
            overrides[scale][label] = text
    if not overrides:
        return catalogue
    return catalogue.with_descriptions(overrides)
