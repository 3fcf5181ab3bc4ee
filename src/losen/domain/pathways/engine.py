"""Suggesting a hovedforløp from an assessment, with reasons and the recommendations behind them.

The guideline (Helsedirektoratet, *Nasjonal veileder i lokalt psykisk helse- og rusarbeid for
voksne*, 26.02.2025, recommendations 3 and 5–9) sorts help into three main pathways by severity
and expected duration, and says when to consult or refer to the specialist service. This module
evaluates the decision table (:mod:`losen.domain.pathways.table`) for one assessment:

1. every rule whose conditions hold *matches*;
2. the pathway is the highest ``pathway_at_least`` of the matching rules (1 when none asks);
3. the specialist contact is the strongest ``specialist_at_least``, then lowered by any matching
   ``specialist_at_most`` (a person already followed by the specialist service is consulted, not
   referred anew);
4. the reasons are the matching rules that set the result, in table order, each with the
   recommendation it rests on.

The suggestion never decides: the clinician may choose otherwise, and then
:func:`deviation_problems` says what the deviation note must hold (journalforskriften § 6 g).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from losen.domain.errors import LosenDomainError
from losen.domain.instruments.model import ScoreResult, SeverityHint
from losen.domain.pathways.table import (
    SPECIALIST_LEVELS,
    DecisionTable,
    InputSpec,
    Lift,
    Rule,
    default_table,
)

#: The smallest length of a deviation reason; a word or two does not explain a departure.
MIN_DEVIATION_REASON_CHARS = 20


class InputError(LosenDomainError, ValueError):
    """The assessment given to the table is incomplete or has values it does not know.

    Attributes:
        problems: One Norwegian message per problem, each starting with the field path.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class PathwayInput:
    """A complete, checked set of inputs for the table (defaults filled in).

    Attributes:
        values: ``(input path, value)`` for every input of the table, in table order.
    """

    values: tuple[tuple[str, str | bool], ...]
    by_path: Mapping[str, str | bool] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_path", dict(self.values))

    def get(self, path: str) -> str | bool:
        """Return the value at ``path`` (``"risk.suicide"``)."""
        return self.by_path[path]

    def to_dict(self) -> dict[str, object]:
        """Return the nested JSON shape the CLI reads."""
        result: dict[str, object] = {}
        for path, value in self.values:
            head, _, tail = path.partition(".")
            if tail:
                nested = result.setdefault(head, {})
                assert isinstance(nested, dict)
                nested[tail] = value
            else:
                result[head] = value
        return result


def _lookup(raw: Mapping[str, object], path: str) -> tuple[bool, object]:
    node: object = raw
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _unknown_fields(raw: Mapping[str, object], table: DecisionTable) -> list[str]:
    known = {spec.path for spec in table.inputs}
    groups = {path.partition(".")[0] for path in known if "." in path}
    problems: list[str] = []
    for key, value in raw.items():
        if key in groups:
            if not isinstance(value, Mapping):
                problems.append(f"{key}: skal være et objekt")
                continue
            for sub_key in value:
                if f"{key}.{sub_key}" not in known:
                    problems.append(f"{key}.{sub_key}: ukjent felt")
        elif key not in known:
            problems.append(f"{key}: ukjent felt")
    return problems


def parse_input(raw: object, table: DecisionTable | None = None) -> PathwayInput:
    """Check an assessment summary (nested JSON shape) against the table's inputs.

    Args:
        raw: A mapping like ``{"severity": "severe", "expected_duration": "long",
            "function_loss": "some", "risk": {"suicide": "none", "violence": "none",
            "overdose": "none"}}``; optional inputs may be left out.
        table: The table; the built-in one when ``None``.

    Raises:
        InputError: With one message per problem, each naming the field path.
    """
    table = table or default_table()
    if not isinstance(raw, Mapping):
        raise InputError(["(dokumentet): skal være et JSON-objekt"])
    problems = _unknown_fields(raw, table)
    values: list[tuple[str, str | bool]] = []
    for spec in table.inputs:
        present, value = _lookup(raw, spec.path)
        if not present:
            if spec.required:
                extra = (
                    " (risikovurderingen kan ikke hoppes over; oppgi «none» når den er gjort "
                    "uten funn)"
                    if spec.path.startswith("risk.")
                    else ""
                )
                problems.append(f"{spec.path}: mangler{extra}")
                continue
            assert spec.default is not None
            values.append((spec.path, spec.default))
            continue
        problem = _check_value(spec, value)
        if problem:
            problems.append(f"{spec.path}: {problem}")
            continue
        values.append((spec.path, value))  # type: ignore[arg-type]
    if problems:
        raise InputError(problems)
    return PathwayInput(tuple(values))


def _shown(value: object, *, quoted: bool = True) -> str:
    """``value`` for a message: escaped (no lone surrogate or control character), short."""
    text = f"«{value}»" if isinstance(value, str) and quoted else repr(value)
    text = (
        text.encode("ascii", "backslashreplace").decode("ascii") if not text.isprintable() else text
    )
    return text if len(text) <= 60 else text[:59] + "…"


def _check_value(spec: InputSpec, value: object) -> str:
    if spec.kind == "boolean":
        return (
            ""
            if isinstance(value, bool)
            else f"skal være true eller false, fikk {_shown(value, quoted=False)}"
        )
    if isinstance(value, str) and (value in spec.levels or spec.is_unknown(value)):
        return ""
    allowed = [*spec.levels, *([spec.unknown] if spec.unknown else [])]
    return f"{_shown(value)} er ikke tillatt; tillatt: {', '.join(allowed)}"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the suggestion is what it is: one rule, in words, with its recommendation."""

    rule: str
    text: str
    recommendation: str
    recommendation_title: str
    strength: str
    url: str
    evidence: str
    capped_by: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the JSON shape of ``losen pathway suggest``."""
        return {
            "rule": self.rule,
            "text": self.text,
            "recommendation": self.recommendation,
            "recommendation_title": self.recommendation_title,
            "strength": self.strength,
            "url": self.url,
            "evidence": self.evidence,
            "capped_by": self.capped_by,
        }


@dataclass(frozen=True, slots=True)
class ConfirmationDue:
    """A finding that disagrees with a lower rating: the record needs a reasoned confirmation."""

    id: str
    message: str
    recommendation: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "message": self.message, "recommendation": self.recommendation}


@dataclass(frozen=True, slots=True)
class PathwaySuggestion:
    """The suggested pathway and specialist contact, with reasons.

    Attributes:
        pathway: 1, 2 or 3.
        pathway_code: ``"HF1"``, ``"HF2"`` or ``"HF3"``.
        pathway_label: Norwegian label.
        specialist: ``"none"``, ``"consult"`` or ``"refer"``.
        specialist_label: Norwegian label.
        acute: Whether immediate help the same day is called for.
        reasons: The rules that set the result, in table order.
        summary: The inputs in Norwegian, one sentence.
        table_id: Id of the table used.
        table_version: Version of the table used.
        source: The table's source.
        inputs: The inputs the suggestion rests on (as given).
        missing: ``(path, name)`` of inputs given as unknown that are gaps in the assessment
            (a risk «ikke vurdert»): the table treated them as unknown (no rule about them
            matched) and the page names them as missing.
        lifted: ``(path, value)`` of the ratings instrument findings raised (see
            :class:`~losen.domain.pathways.table.Lift`).
        confirmations: Findings that disagree with a lower rating and need a reasoned
            confirmation before the assessment is recorded.
    """

    pathway: int
    pathway_code: str
    pathway_label: str
    specialist: str
    specialist_label: str
    acute: bool
    reasons: tuple[Reason, ...]
    summary: str
    table_id: str
    table_version: str
    source: str
    inputs: PathwayInput
    missing: tuple[tuple[str, str], ...] = ()
    lifted: tuple[tuple[str, str], ...] = ()
    confirmations: tuple[ConfirmationDue, ...] = ()

    @property
    def recommendation_ids(self) -> tuple[str, ...]:
        """The recommendations the reasons rest on, without repeats, in order."""
        return tuple(dict.fromkeys(reason.recommendation for reason in self.reasons))

    def to_dict(self) -> dict[str, object]:
        """Return the JSON shape printed by ``losen pathway suggest``."""
        return {
            "pathway": self.pathway,
            "pathway_code": self.pathway_code,
            "pathway_label": self.pathway_label,
            "specialist": self.specialist,
            "specialist_label": self.specialist_label,
            "acute": self.acute,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "summary": self.summary,
            "table_id": self.table_id,
            "table_version": self.table_version,
            "source": self.source,
            "inputs": self.inputs.to_dict(),
            "missing": [{"input": path, "name": name} for path, name in self.missing],
            "lifted": [{"input": path, "value": value} for path, value in self.lifted],
            "confirmations": [item.to_dict() for item in self.confirmations],
        }


def _holds(conditions, values: Mapping[str, str | bool], table: DecisionTable) -> bool:
    for condition in conditions:
        value = values[condition.path]
        if condition.at_least is not None:
            ranks = table.ranks[condition.path]
            if ranks[value] < ranks[condition.at_least]:
                return False
        elif value != condition.equals:
            return False
    return True


def _matches(rule: Rule, inputs: PathwayInput, table: DecisionTable) -> bool:
    values = inputs.by_path
    for condition in rule.conditions:
        value = values[condition.path]
        if condition.at_least is not None:
            ranks = table.ranks[condition.path]
            if ranks[value] < ranks[condition.at_least]:
                return False
        elif value != condition.equals:
            return False
    return True


def _summary(inputs: PathwayInput, effective: PathwayInput, table: DecisionTable) -> str:
    """Return every input in Norwegian, in table order, for the record and the reader; a
    rating a finding lifted shows both (``alvorlighet: milde, i forslaget alvorlige``)."""
    parts = []
    for spec in table.inputs:
        given, used = inputs.get(spec.path), effective.get(spec.path)
        text = f"{spec.name}: {spec.label(given)}"
        if used != given:
            text += f" (løftet av funn til {spec.label(used)})"
        parts.append(text)
    return "; ".join(parts) + "."


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The decision itself, before it is put into words.

    Attributes:
        pathway: 1, 2 or 3.
        specialist: Index into :data:`SPECIALIST_LEVELS` after caps.
        wanted: Index the rules asked for before caps.
        cap: Lowest cap of the matching rules (the top level when none).
        acute: Whether any matching rule calls for immediate help.
        matched: The matching rules, in table order.
        effective: The inputs after the lifts (the ones the rules were matched on).
        lifts: The lifts that raised a rating, in table order.
    """

    pathway: int
    specialist: int
    wanted: int
    cap: int
    acute: bool
    matched: tuple[Rule, ...]
    effective: PathwayInput | None = None
    lifts: tuple[Lift, ...] = ()


def apply_lifts(
    inputs: PathwayInput, table: DecisionTable
) -> tuple[PathwayInput, tuple[Lift, ...]]:
    """Raise the ratings the matching lifts name (never lower: ``max`` by rank).

    Lift conditions are read on the inputs as given, so one lift cannot trigger another.
    """
    values = dict(inputs.by_path)
    applied: list[Lift] = []
    for lift in table.lifts:
        if not _holds(lift.conditions, inputs.by_path, table):
            continue
        ranks = table.ranks[lift.target]
        if ranks[values[lift.target]] < ranks[lift.to]:
            values[lift.target] = lift.to
            applied.append(lift)
    if not applied:
        return inputs, ()
    return PathwayInput(tuple((path, values[path]) for path, _ in inputs.values)), tuple(applied)


def evaluate_table(inputs: PathwayInput, table: DecisionTable | None = None) -> Evaluation:
    """Evaluate the rules for one assessment (steps 1–3 of the module docstring), after the
    instrument findings' lifts."""
    table = table or default_table()
    given = inputs
    inputs, lifts = apply_lifts(given, table)
    matched = tuple(rule for rule in table.rules if _matches(rule, inputs, table))
    pathway = max((rule.pathway_at_least or 1 for rule in matched), default=1)
    wanted = max(
        (SPECIALIST_LEVELS.index(rule.specialist_at_least or "none") for rule in matched),
        default=0,
    )
    cap = min(
        (
            SPECIALIST_LEVELS.index(rule.specialist_at_most)
            for rule in matched
            if rule.specialist_at_most is not None
        ),
        default=len(SPECIALIST_LEVELS) - 1,
    )
    acute = any(rule.acute for rule in matched)
    return Evaluation(pathway, min(wanted, cap), wanted, cap, acute, matched, inputs, lifts)


def _capped_text(rule: Rule, cap_rule: Rule | None, table: DecisionTable, cap: int) -> str:
    """The reason of a rule whose specialist contact a cap lowered, without its own ask."""
    if rule.reason_capped:
        return rule.reason_capped
    level = table.specialist_label(SPECIALIST_LEVELS[cap]).lower()
    cause = f" (regel {cap_rule.id})" if cap_rule is not None else ""
    return (
        f"Regel {rule.id} ber om sterkere kontakt med spesialisthelsetjenesten, men et tak "
        f"senker forslaget til: {level}{cause}."
    )


def confirmations_due(inputs: PathwayInput, table: DecisionTable) -> tuple[ConfirmationDue, ...]:
    """The table's confirmations whose findings hold while the rating is lower (or unknown)."""
    due: list[ConfirmationDue] = []
    for check in table.confirmations:
        if not _holds(check.conditions, inputs.by_path, table):
            continue
        ranks = table.ranks[check.rating]
        if ranks[inputs.get(check.rating)] < ranks[check.at_least]:
            due.append(ConfirmationDue(check.id, check.message, check.recommendation))
    return tuple(due)


def suggest_pathway(inputs: PathwayInput, table: DecisionTable | None = None) -> PathwaySuggestion:
    """Evaluate the decision table for one assessment and put the result into words.

    Args:
        inputs: Checked inputs (:func:`parse_input`).
        table: The table; the built-in one when ``None``.

    Returns:
        The suggestion with its reasons, the table version and source.
    """
    table = table or default_table()
    evaluation = evaluate_table(inputs, table)
    pathway, wanted, cap = evaluation.pathway, evaluation.wanted, evaluation.cap
    matched = evaluation.matched
    specialist = evaluation.specialist
    effective = evaluation.effective or inputs
    cap_rule = next(
        (
            rule
            for rule in matched
            if rule.specialist_at_most is not None
            and SPECIALIST_LEVELS.index(rule.specialist_at_most) == cap
        ),
        None,
    )
    reasons: list[Reason] = []
    for lift in evaluation.lifts:
        recommendation = table.recommendation(lift.recommendation)
        reasons.append(
            Reason(
                rule=lift.id,
                text=lift.reason,
                recommendation=recommendation.id,
                recommendation_title=recommendation.title,
                strength=recommendation.strength,
                url=recommendation.url,
                evidence=lift.evidence,
            )
        )
    for rule in matched:
        sets_pathway = rule.pathway_at_least == pathway
        ask = SPECIALIST_LEVELS.index(rule.specialist_at_least or "none")
        sets_specialist = rule.specialist_at_least is not None and wanted > 0 and ask == wanted
        lowers = rule.specialist_at_most is not None and cap < wanted
        if sets_pathway or sets_specialist or lowers or rule.acute or rule.advice:
            recommendation = table.recommendation(rule.recommendation)
            capped = ask > cap
            reasons.append(
                Reason(
                    rule=rule.id,
                    text=_capped_text(rule, cap_rule, table, cap) if capped else rule.reason,
                    recommendation=recommendation.id,
                    recommendation_title=recommendation.title,
                    strength=recommendation.strength,
                    url=recommendation.url,
                    evidence=rule.evidence,
                    capped_by=cap_rule.id if capped and cap_rule is not None else "",
                )
            )
    chosen = table.pathway(pathway)
    specialist_code = SPECIALIST_LEVELS[specialist]
    return PathwaySuggestion(
        pathway=pathway,
        pathway_code=chosen.code,
        pathway_label=chosen.label,
        specialist=specialist_code,
        specialist_label=table.specialist_label(specialist_code),
        acute=evaluation.acute,
        reasons=tuple(reasons),
        summary=_summary(inputs, effective, table),
        table_id=table.id,
        table_version=table.version,
        source=table.source,
        inputs=inputs,
        missing=tuple(
            (spec.path, spec.name)
            for spec in table.inputs
            if spec.unknown_is_missing and spec.is_unknown(inputs.get(spec.path))
        ),
        lifted=tuple(
            (lift.target, lift.to)
            for lift in evaluation.lifts
            if effective.get(lift.target) == lift.to
        ),
        confirmations=confirmations_due(inputs, table),
    )


@dataclass(frozen=True, slots=True)
class Deviation:
    """A clinician's note on choosing otherwise than suggested.

    Attributes:
        recommendation: Id of the recommendation departed from (one the suggestion rests on).
        reason: Why, in the clinician's words.
    """

    recommendation: str
    reason: str


def is_deviation(
    suggestion: PathwaySuggestion, chosen_pathway: int, chosen_specialist: str
) -> bool:
    """Return whether the choice differs from the suggestion."""
    return chosen_pathway != suggestion.pathway or chosen_specialist != suggestion.specialist


#: What a choice asks of its deviation note (:func:`deviation_requirement`).
NOTE_NONE, NOTE_OPTIONAL, NOTE_REQUIRED = "none", "optional", "required"


def is_less_intensive(
    suggestion: PathwaySuggestion, chosen_pathway: int, chosen_specialist: str
) -> bool:
    """Whether the choice is below the suggestion on the pathway or the specialist contact."""
    return chosen_pathway < suggestion.pathway or SPECIALIST_LEVELS.index(
        chosen_specialist
    ) < SPECIALIST_LEVELS.index(suggestion.specialist)


def rests_on_skal(suggestion: PathwaySuggestion) -> bool:
    """Whether one of the reasons rests on a «skal» recommendation (R9: violence risk)."""
    return any(reason.strength == "skal" for reason in suggestion.reasons)


def deviation_requirement(
    suggestion: PathwaySuggestion, chosen_pathway: int, chosen_specialist: str
) -> str:
    """``"none"`` (the suggestion is chosen), ``"required"`` or ``"optional"``.

    A note is required when the choice is less intensive than the suggestion on the pathway
    or the specialist contact, or when it departs from a suggestion resting on a «skal»
    recommendation; a choice that is more intensive on every point that differs, from a
    suggestion resting only on «bør» and «kan», may carry a reason but need not.
    """
    if not is_deviation(suggestion, chosen_pathway, chosen_specialist):
        return NOTE_NONE
    if is_less_intensive(suggestion, chosen_pathway, chosen_specialist) or rests_on_skal(
        suggestion
    ):
        return NOTE_REQUIRED
    return NOTE_OPTIONAL


def deviation_problems(
    suggestion: PathwaySuggestion,
    chosen_pathway: int,
    chosen_specialist: str,
    deviation: Deviation | None,
) -> tuple[str, ...]:
    """Return what is missing for a choice to be recorded (empty when it can be).

    A choice that is less intensive than the suggestion, or departs from a «skal»
    recommendation, needs a deviation note naming one of the recommendations the suggestion
    rests on and saying why (pasientjournalforskriften § 6 bokstav g,
    https://lovdata.no/forskrift/2019-03-01-168; Helsedirektoratet's guidelines are normative,
    and a substantial deviation is documented in the record). A more intensive choice may
    carry a reason; a recommendation named there must still be one the suggestion rests on.
    """
    problems: list[str] = []
    if chosen_pathway not in (1, 2, 3):
        problems.append("chosen_pathway: skal være 1, 2 eller 3")
    if chosen_specialist not in SPECIALIST_LEVELS:
        problems.append(f"chosen_specialist: skal være en av {', '.join(SPECIALIST_LEVELS)}")
    if problems:
        return tuple(problems)
    requirement = deviation_requirement(suggestion, chosen_pathway, chosen_specialist)
    if requirement == NOTE_NONE:
        return ()
    allowed = suggestion.recommendation_ids
    if requirement == NOTE_OPTIONAL:
        if (
            deviation is not None
            and deviation.recommendation
            and (deviation.recommendation not in allowed)
        ):
            problems.append(
                f"deviation.recommendation: «{deviation.recommendation}» er ikke blant "
                f"anbefalingene forslaget bygger på ({', '.join(allowed)})"
            )
        return tuple(problems)
    if deviation is None:
        return (
            "deviation: valget er mindre omfattende enn forslaget eller avviker fra en "
            "skal-anbefaling; skriv et avviksnotat med anbefalingen det avviker fra og "
            "begrunnelsen (journalforskriften § 6 g)",
        )
    if deviation.recommendation not in allowed:
        problems.append(
            f"deviation.recommendation: «{deviation.recommendation}» er ikke blant anbefalingene "
            f"forslaget bygger på ({', '.join(allowed)})"
        )
    if len(deviation.reason.strip()) < MIN_DEVIATION_REASON_CHARS:
        problems.append(
            f"deviation.reason: begrunnelsen må ha minst {MIN_DEVIATION_REASON_CHARS} tegn"
        )
    return tuple(problems)


_HINT_ORDER = (SeverityHint.MILD, SeverityHint.MODERATE, SeverityHint.SEVERE)


def severity_suggested_by(results: Iterable[ScoreResult]) -> str | None:
    """Return the highest severity the instrument bands suggest, or ``None``.

    This is "instrument suggests X": a help for the clinician, who sets severity in
    the assessment. Bands without a hint, and the hint ``none``, suggest nothing.
    """
    ranks = [
        _HINT_ORDER.index(result.band.severity_hint)
        for result in results
        if result.band.severity_hint in _HINT_ORDER
    ]
    return _HINT_ORDER[max(ranks)].value if ranks else None
