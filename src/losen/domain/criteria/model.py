"""The three criteria of Meld. St. 38 as data: scales, parts, and an assessment of each.

Nytte, ressurs and alvorlighet are each judged on an ordinal level with anchored descriptions,
split into parts (sub-assessments), and every judgement carries a written reasoning and an
uncertainty level. The guideline prescribes no numeric scale (Helsedirektoratet,
https://www.helsedirektoratet.no/veiledere/prioriteringer-i-kommunale-helse-og-omsorgstjenester),
so the default levels are borrowed from the Swedish national model and labelled as such; a
municipality can replace the descriptions (:meth:`CriteriaCatalogue.with_descriptions`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from losen.domain.errors import InputError, Problem
from losen.domain.explain import Fact
from losen.domain.safeinput import text_problem


class CriterionKind(StrEnum):
    """The three criteria."""

    NYTTE = "nytte"
    RESSURS = "ressurs"
    ALVORLIGHET = "alvorlighet"


@dataclass(frozen=True)
class Level:
    """One anchored level of an ordinal scale."""

    value: int
    label: str
    description: str


@dataclass(frozen=True)
class OrdinalScale:
    """An ordered list of levels; ``value`` grows with the quantity the scale names."""

    id: str
    name: str
    source: str
    levels: tuple[Level, ...]

    def level(self, label: str) -> Level:
        """The level called ``label``.

        Raises:
            KeyError: if the scale has no such level.
        """
        for level in self.levels:
            if level.label == label:
                return level
        raise KeyError(label)

    @property
    def labels(self) -> tuple[str, ...]:
        """Level labels from lowest to highest."""
        return tuple(level.label for level in self.levels)


@dataclass(frozen=True)
class Part:
    """A part (sub-assessment) of a criterion, e.g. *effekt på overlevelse* under nytte.

    ``derives``: the part is one of the criterion's own parts as Meld. St. 38 names them, and
    its level counts when the criterion's level is read off the parts
    (:func:`~losen.domain.criteria.levels.suggested_level`). Parts without it carry amounts or
    side information (costs in kroner, person-years, the knowledge base).
    """

    id: str
    name: str
    scale: str
    description: str
    unit: str | None = None
    derives: bool = False


@dataclass(frozen=True)
class CriterionDefinition:
    """A criterion: its overall scale, the rule it states, and its parts."""

    kind: CriterionKind
    name: str
    scale: str
    rule: str
    parts: tuple[Part, ...]

    def part(self, part_id: str) -> Part:
        """The part with ``part_id``."""
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)

    @property
    def deriving_parts(self) -> tuple[Part, ...]:
        """The parts the criterion's level is read off (see :attr:`Part.derives`)."""
        return tuple(part for part in self.parts if part.derives)


@dataclass(frozen=True)
class Concept:
    """A notion the criteria rest on (livskvalitet, mestring, funksjon), in our own words."""

    id: str
    name: str
    text: str
    source: str


@dataclass(frozen=True)
class SwedishRankingRules:
    """Settings of the Swedish step-7 ranking helper (see :mod:`~.swedish`)."""

    source: str
    start_rank_by_severity: tuple[tuple[str, int], ...]
    rank_steps_per_benefit_level_short: int
    rank_steps_by_cost: tuple[tuple[str, int], ...]
    rank_steps_by_uncertainty: tuple[tuple[str, int], ...]
    fou_uncertainty: tuple[str, ...]
    ikke_gjore_benefit: tuple[str, ...]
    ikke_gjore_max_uncertainty: str


@dataclass(frozen=True)
class CriteriaCatalogue:
    """Everything configurable about the criteria: scales, parts, ranking rules."""

    version: str
    source: str
    scales: tuple[OrdinalScale, ...]
    criteria: tuple[CriterionDefinition, ...]
    ranking: SwedishRankingRules
    concepts: tuple[Concept, ...] = ()

    def scale(self, scale_id: str) -> OrdinalScale:
        """The scale with ``scale_id``."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    def criterion(self, kind: CriterionKind | str) -> CriterionDefinition:
        """The definition of ``kind``."""
        for criterion in self.criteria:
            if criterion.kind == kind:
                return criterion
        raise KeyError(kind)

    def with_descriptions(self, overrides: Mapping[str, Mapping[str, str]]) -> CriteriaCatalogue:
        """A copy with the municipality's own level descriptions.

        Args:
            overrides: ``{scale_id: {level_label: description}}``.

        Raises:
            InputError: naming unknown scales or levels, or empty descriptions.
        """
        problems = []
        scales = []
        known = {scale.id for scale in self.scales}
        for scale_id in overrides:
            if scale_id not in known:
                problems.append(Problem(scale_id, "unknown scale (ukjent skala)"))
        for scale in self.scales:
            new = overrides.get(scale.id, {})
            for label, text in new.items():
                if label not in scale.labels:
                    problems.append(Problem(f"{scale.id}.{label}", "unknown level (ukjent nivå)"))
                elif not isinstance(text, str) or not text.strip():
                    problems.append(Problem(f"{scale.id}.{label}", "empty description"))
            levels = tuple(
                replace(level, description=new.get(level.label, level.description))
                for level in scale.levels
            )
            scales.append(
                replace(
                    scale,
                    levels=levels,
                    source=scale.source
                    if not new
                    else (scale.source + " Nivåbeskrivelsene er endret lokalt."),
                )
            )
        if problems:
            raise InputError(problems)
        return replace(self, scales=tuple(scales))


def _pairs(mapping: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((str(key), int(value)) for key, value in mapping.items())


def catalogue_from_data(data: Mapping[str, Any]) -> CriteriaCatalogue:
    """Build a catalogue from the JSON structure of ``data/defaults.json``."""
    scales = tuple(
        OrdinalScale(
            scale_id,
            raw["name"],
            raw["source"],
            tuple(Level(int(x["value"]), x["label"], x["description"]) for x in raw["levels"]),
        )
        for scale_id, raw in data["scales"].items()
    )
    criteria = tuple(
        CriterionDefinition(
            CriterionKind(kind),
            raw["name"],
            raw["scale"],
            raw["rule"],
            tuple(
                Part(
                    p["id"],
                    p["name"],
                    p["scale"],
                    p["description"],
                    p.get("unit"),
                    bool(p.get("derives", False)),
                )
                for p in raw["parts"]
            ),
        )
        for kind, raw in data["criteria"].items()
    )
    rules = data["swedish_ranking"]
    ranking = SwedishRankingRules(
        rules["source"],
        _pairs(rules["start_rank_by_severity"]),
        int(rules["rank_steps_per_benefit_level_short"]),
        _pairs(rules["rank_steps_by_cost"]),
        _pairs(rules["rank_steps_by_uncertainty"]),
        tuple(rules["fou_uncertainty"]),
        tuple(rules["ikke_gjore_benefit"]),
        rules["ikke_gjore_max_uncertainty"],
    )
    concepts = tuple(
        Concept(c["id"], c["name"], c["text"], c["source"]) for c in data.get("concepts", ())
    )
    return CriteriaCatalogue(data["version"], data["source"], scales, criteria, ranking, concepts)


@cache
def default_catalogue() -> CriteriaCatalogue:
    """The built-in catalogue (levels from the Swedish national model, our own wording)."""
    text = (
        resources.files("losen.domain.criteria")
        .joinpath("data/defaults.json")
        .read_text(encoding="utf-8")
    )
    return catalogue_from_data(json.loads(text))


@dataclass(frozen=True)
class SubAssessment:
    """The judgement of one part.

    Attributes:
        part: Part id (e.g. ``overlevelse``).
        level: Label on the part's scale.
        reasoning: Why this level (required: the written narrative is what counts).
        uncertainty: Label on the ``usikkerhet`` scale.
        amount: The quantity in the part's unit, when it has one (e.g. NOK per year).
        breakdown: Optional split of ``amount``, e.g. person-years by profession.
    """

    part: str
    level: str
    reasoning: str
    uncertainty: str
    amount: float | None = None
    breakdown: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class CriterionAssessment:
    """The judgement of one criterion: its overall level and every part.

    ``level_reason`` is required when ``level`` differs from the level the parts give
    (:func:`suggested_level`): the person deciding may weigh the parts otherwise, but says why.
    """

    criterion: CriterionKind
    level: str
    reasoning: str
    uncertainty: str
    parts: tuple[SubAssessment, ...] = ()
    level_reason: str = ""

    def part(self, part_id: str) -> SubAssessment | None:
        """The sub-assessment of ``part_id``, if made."""
        for part in self.parts:
            if part.part == part_id:
                return part
        return None


@dataclass(frozen=True)
class CombinedAssessment:
    """Samlet vurdering: the three criteria side by side, a joint reasoning, and flags.

    The combined view never replaces its parts: :func:`~losen.domain.criteria.combined_view`
    always shows every criterion and every sub-assessment with its reasoning.
    """

    nytte: CriterionAssessment
    ressurs: CriterionAssessment
    alvorlighet: CriterionAssessment
    reasoning: str
    flags: tuple[Fact, ...] = ()  # the Flag facts of combined.py

    def criteria(self) -> tuple[CriterionAssessment, ...]:
        """The three assessments in the order nytte, ressurs, alvorlighet."""
        return (self.nytte, self.ressurs, self.alvorlighet)


@dataclass(frozen=True)
class SuggestedLevel:
    """The criterion level the parts give, and which parts gave it."""

    criterion: CriterionKind
    label: str
    value: int
    parts: tuple[str, ...]


def _on_scale(part_scale: OrdinalScale, label: str, target: OrdinalScale) -> Level:
    """``label`` of ``part_scale`` moved to the level at the same relative place on ``target``."""
    labels = part_scale.labels
    position = labels.index(label) / max(len(labels) - 1, 1)
    return target.levels[round(position * (len(target.levels) - 1))]


def suggested_level(
    catalogue: CriteriaCatalogue,
    kind: CriterionKind | str,
    parts: tuple[SubAssessment, ...] | list[SubAssessment],
) -> SuggestedLevel | None:
    """The level a criterion gets from its assessed parts, or None when none is assessed.

    Losen's rule (the guideline prescribes no arithmetic, prioritering i kommunene, L1): the
    highest level any of the criterion's own parts is given (:attr:`Part.derives`). A measure
    can give benefit through survival alone, and a condition is as severe as its gravest
    aspect; a person who weighs the parts otherwise sets another level and writes why
    (:attr:`CriterionAssessment.level_reason`). A part on another scale (hastegrad under
    alvorlighet) counts at the same relative place on the criterion's scale. Unknown parts
    and labels are skipped here; :func:`validate_criterion` reports them.
    """
    definition = catalogue.criterion(kind)
    target = catalogue.scale(definition.scale)
    best: Level | None = None
    givers: list[str] = []
    for sub in parts:
        try:
            part = definition.part(sub.part)
        except KeyError:
            continue
        if not part.derives:
            continue
        scale = catalogue.scale(part.scale)
        if sub.level not in scale.labels:
            continue
        level = _on_scale(scale, sub.level, target)
        if best is None or level.value > best.value:
            best, givers = level, [part.id]
        elif level.value == best.value:
            givers.append(part.id)
    if best is None:
        return None
    return SuggestedLevel(definition.kind, best.label, best.value, tuple(givers))


def _check_sub(
    catalogue: CriteriaCatalogue,
    definition: CriterionDefinition,
    path: str,
    sub: SubAssessment,
    problems: list[Problem],
) -> None:
    try:
        part = definition.part(sub.part)
    except KeyError:
        problems.append(Problem(f"{path}.part", f"unknown part '{_shown(sub.part)}' (ukjent del)"))
        return
    scale = catalogue.scale(part.scale)
    if sub.level not in scale.labels:
        problems.append(
            Problem(f"{path}.level", f"not a level of {scale.id}: {', '.join(scale.labels)}")
        )
    _check_common(catalogue, path, sub.reasoning, sub.uncertainty, problems)
    if sub.amount is not None and (part.unit is None or sub.amount < 0):
        problems.append(Problem(f"{path}.amount", "negative or not expected for this part"))
    for k, (label, amount) in enumerate(sub.breakdown):
        if not label or amount < 0:
            problems.append(Problem(f"{path}.breakdown[{k}]", "needs a name and amount >= 0"))


def _shown(value: str) -> str:
    """``value`` for a message: escaped when it holds refused characters, and short."""
    if text_problem(value, "") is not None or not value.isprintable():
        value = value.encode("ascii", "backslashreplace").decode("ascii")
    return value if len(value) <= 60 else value[:59] + "…"


def _check_common(
    catalogue: CriteriaCatalogue,
    path: str,
    reasoning: str,
    uncertainty: str,
    problems: list[Problem],
) -> None:
    if not isinstance(reasoning, str) or not reasoning.strip():
        problems.append(Problem(f"{path}.reasoning", "missing reasoning (begrunnelse mangler)"))

    if uncertainty not in catalogue.scale("usikkerhet").labels:
        labels = ", ".join(catalogue.scale("usikkerhet").labels)
        problems.append(Problem(f"{path}.uncertainty", f"not a level of usikkerhet: {labels}"))


def validate_criterion(
    catalogue: CriteriaCatalogue, assessment: CriterionAssessment, path: str
) -> list[Problem]:
    """Problems with one criterion assessment (empty when valid)."""
    problems: list[Problem] = []
    definition = catalogue.criterion(assessment.criterion)
    scale = catalogue.scale(definition.scale)
    if assessment.level not in scale.labels:
        problems.append(
            Problem(f"{path}.level", f"not a level of {scale.id}: {', '.join(scale.labels)}")
        )
    _check_common(catalogue, path, assessment.reasoning, assessment.uncertainty, problems)
    seen: set[str] = set()
    for k, sub in enumerate(assessment.parts):
        if sub.part in seen:
            problems.append(
                Problem(f"{path}.parts[{k}].part", f"duplicate id '{_shown(sub.part)}'")
            )
        seen.add(sub.part)
        _check_sub(catalogue, definition, f"{path}.parts[{k}]", sub, problems)
    suggestion = suggested_level(catalogue, assessment.criterion, assessment.parts)
    if (
        suggestion is not None
        and assessment.level in scale.labels
        and assessment.level != suggestion.label
        and not (assessment.level_reason or "").strip()
    ):
        problems.append(
            Problem(
                f"{path}.level_reason",
                f"the parts give '{suggestion.label}': say why the level is "
                f"'{assessment.level}' (begrunn nivået)",
            )
        )
    return problems
