"""Alternatives (ORM rows) <-> the combined assessment of :mod:`losen.domain.criteria`.

The criteria catalogue of the domain is the only source of the criteria, their parts, levels,
anchored descriptions and the uncertainty scale; this module reads an alternative's stored
labels into the domain's :class:`~losen.domain.criteria.CombinedAssessment` and lays the
catalogue out for templates, with the municipality's own level descriptions where it has them.
"""

from __future__ import annotations

from dataclasses import dataclass

from losen.apps.criteria import wording
from losen.apps.criteria.selectors import catalogue_for
from losen.domain.criteria import (
    CombinedAssessment,
    CriteriaCatalogue,
    CriterionAssessment,
    CriterionKind,
    Level,
    SubAssessment,
)
from losen.domain.criteria.model import SuggestedLevel, suggested_level

KINDS = tuple(CriterionKind)

__all__ = ["KINDS", "CriterionRow", "PartRow", "catalogue_for", "combined", "criterion_rows"]


def _parts_of(alternative, kind: CriterionKind) -> tuple[SubAssessment, ...]:
    uncertainty = getattr(alternative, f"{kind.value}_uncertainty")
    out = []
    for raw in alternative.parts or ():
        if not isinstance(raw, dict) or raw.get("criterion") != kind.value:
            continue
        out.append(
            SubAssessment(
                str(raw.get("part", "")),
                str(raw.get("level", "")),
                str(raw.get("reasoning", "")),
                str(raw.get("uncertainty") or uncertainty),
            )
        )
    return tuple(out)


def criterion(alternative, kind: CriterionKind) -> CriterionAssessment:
    """One criterion of *alternative* as the domain's assessment (not validated here)."""
    return CriterionAssessment(
        kind,
        getattr(alternative, f"{kind.value}_level"),
        getattr(alternative, f"{kind.value}_reasoning"),
        getattr(alternative, f"{kind.value}_uncertainty"),
        _parts_of(alternative, kind),
        getattr(alternative, f"{kind.value}_level_reason"),
    )


def combined(alternative) -> CombinedAssessment:
    """The samlet vurdering of *alternative*; its joint reasoning is the proportionality text."""
    return CombinedAssessment(
        criterion(alternative, CriterionKind.NYTTE),
        criterion(alternative, CriterionKind.RESSURS),
        criterion(alternative, CriterionKind.ALVORLIGHET),
        alternative.proportionality,
    )


@dataclass(frozen=True)
class PartRow:
    """A part of a criterion as a page shows it."""

    id: str
    name: str
    description: str
    level: Level | None
    reasoning: str
    scale: str = ""

    @property
    def level_text(self) -> str:
        """The level's label in the reader's language."""
        return wording.level(self.scale, self.level.label) if self.level else ""


@dataclass(frozen=True)
class CriterionRow:
    """A criterion of one alternative as a page shows it: level, anchors, parts, reasons."""

    kind: str
    name: str
    rule: str
    level: Level | None
    reasoning: str
    uncertainty: Level | None
    level_reason: str
    suggested: SuggestedLevel | None
    parts: tuple[PartRow, ...]
    scale: str = ""

    @property
    def level_text(self) -> str:
        """The level's label in the reader's language."""
        return wording.level(self.scale, self.level.label) if self.level else ""

    @property
    def uncertainty_text(self) -> str:
        return wording.level("usikkerhet", self.uncertainty.label) if self.uncertainty else ""

    @property
    def suggested_text(self) -> str:
        return wording.level(self.scale, self.suggested.label) if self.suggested else ""

    @property
    def differs(self) -> bool:
        return self.suggested is not None and (
            self.level is None or self.level.label != self.suggested.label
        )

    @property
    def suggested_from(self) -> str:
        """Names of the parts that gave the suggested level."""
        names = {p.id: p.name for p in self.parts}
        return ", ".join(names.get(i, i) for i in (self.suggested.parts if self.suggested else ()))


def _level(catalogue: CriteriaCatalogue, scale_id: str, label: str) -> Level | None:
    try:
        return catalogue.scale(scale_id).level(label)
    except KeyError:
        return None


def criterion_rows(catalogue: CriteriaCatalogue, alternative) -> list[CriterionRow]:
    """Every criterion of *alternative* with its parts, in the catalogue's order."""
    rows = []
    for definition in catalogue.criteria:
        assessment = criterion(alternative, definition.kind)
        given = {sub.part: sub for sub in assessment.parts}
        parts = tuple(
            PartRow(
                part.id,
                part.name,
                part.description,
                _level(catalogue, part.scale, given[part.id].level) if part.id in given else None,
                given[part.id].reasoning if part.id in given else "",
                part.scale,
            )
            for part in definition.parts
            if part.derives or part.id in given
        )
        rows.append(
            CriterionRow(
                definition.kind.value,
                definition.name,
                definition.rule,
                _level(catalogue, definition.scale, assessment.level),
                assessment.reasoning,
                _level(catalogue, "usikkerhet", assessment.uncertainty),
                assessment.level_reason,
                suggested_level(catalogue, definition.kind, assessment.parts),
                parts,
                definition.scale,
            )
        )
    return rows
