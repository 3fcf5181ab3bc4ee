"""The pathway decision table: its shape, its validation and its loading.

The table is data (``losen/domain/pathways/data/hovedforlop.json``, format
``losen-pathway-table/1``), versioned and cited; ``docs/reference/pathways.md`` describes it.
Each rule has conditions on the assessment's inputs and effects on the suggestion. The engine
(:mod:`losen.domain.pathways.engine`) takes the *highest* pathway and specialist level any
matching rule asks for, then applies caps.

Monotonicity by construction: the validator only lets a rule look at an ordinal input through
``at_least`` (so a worse value never stops a rule from matching), and only lets a cap
(``specialist_at_most``) depend on yes/no inputs, which are not severity. A more severe, longer
lasting, more impairing, riskier or worsening picture can therefore never give a lower pathway
or a weaker specialist contact; ``tests/domain/pathways`` checks it over the whole input space.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from losen.domain.errors import InputError, LosenDomainError
from losen.domain.safeinput import JsonSyntaxError, load_json, read_bytes

TABLE_FORMAT = "losen-pathway-table/1"
SPECIALIST_LEVELS = ("none", "consult", "refer")
_RULE_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
_EVIDENCE = ("V", "V-draft", "V-seed", "INF", "MEM")


class TableError(LosenDomainError, ValueError):
    """The decision table is malformed; one message per problem, each naming the field."""

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin = origin
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{origin}: {problem}" for problem in problems))


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One input of the table.

    Attributes:
        path: The input's JSON path (``"severity"``, ``"risk.suicide"``).
        name: Norwegian name of the input (``"selvmordsrisiko"``).
        kind: ``"ordinal"`` (ordered levels, worse last) or ``"boolean"``.
        levels: The ordinal levels from least to most severe; empty for booleans.
        labels: Norwegian wording of each level, used in reasons and forms.
        required: Whether the assessment must give it (risk inputs must: screening for
            suicide, violence and overdose cannot be skipped silently).
        default: The value used when it is not required and not given.
        unknown: The value that says "not known" (``"not-assessed"``, ``"not-measured"``), or
            ``None``. It is not a level: it ranks below every level, so no ``at_least``
            condition above nothing matches it, and the suggestion names it.
        unknown_label: Norwegian wording of ``unknown`` (``"ikke vurdert"``).
        unknown_is_missing: Whether an unknown value is a gap in the assessment that the
            suggestion lists as missing (a risk not assessed) rather than just not measured.
    """

    path: str
    name: str
    kind: str
    levels: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]
    required: bool
    default: str | bool | None
    unknown: str | None = None
    unknown_label: str = ""
    unknown_is_missing: bool = False

    def is_unknown(self, value: str | bool) -> bool:
        """Whether ``value`` is this input's "not known" value."""
        return self.unknown is not None and value == self.unknown

    def rank(self, value: str | bool) -> int:
        """Return the position of ``value`` (0 = least severe, -1 = unknown); booleans 0/1."""
        if self.kind == "boolean":
            return int(bool(value))
        if self.is_unknown(value):
            return -1
        return self.levels.index(str(value))

    def label(self, value: str | bool) -> str:
        """Return the Norwegian label of ``value``."""
        if self.kind == "boolean":
            return "ja" if value else "nei"
        if self.is_unknown(value):
            return self.unknown_label
        return dict(self.labels).get(str(value), str(value))


@dataclass(frozen=True, slots=True)
class Condition:
    """``input at_least level`` (ordinal) or ``input == value`` (boolean)."""

    path: str
    at_least: str | None
    equals: bool | None


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table.

    Attributes:
        id: Upper-case id the reasons cite (``"HF3-SEVERE-LONG"``).
        conditions: All must hold for the rule to match.
        pathway_at_least: Lowest pathway (1–3) the rule allows, or ``None``.
        specialist_at_least: Weakest specialist contact the rule allows, or ``None``.
        specialist_at_most: Cap on the specialist contact, or ``None``.
        acute: Whether the rule calls for immediate help the same day.
        advice: Whether the rule only adds advice (reported whenever it matches).
        reason: Norwegian reason shown to the clinician.
        recommendation: Id of the recommendation the rule rests on.
        evidence: How the rule was verified against the guideline: ``V`` (read in the final
            text), ``V-draft`` (read in the consultation draft), ``INF`` (inferred by Losen).
        reason_capped: The reason shown instead when a cap lowers the specialist contact this
            rule asks for (so a «konferer» result never shows a «henvis» text); when empty the
            engine says in general words that the contact was lowered and by which rule.
    """

    id: str
    conditions: tuple[Condition, ...]
    pathway_at_least: int | None
    specialist_at_least: str | None
    specialist_at_most: str | None
    acute: bool
    advice: bool
    reason: str
    recommendation: str
    evidence: str
    reason_capped: str = ""


@dataclass(frozen=True, slots=True)
class Lift:
    """An instrument finding that raises one of the clinician's ratings for the suggestion.

    When every condition holds, the engine uses ``to`` for ``target`` if the rating is lower
    (``max``), so a worse finding never lowers anything. Example: DUDIT 25 or more (probable
    dependence) lifts severity to ``severe``.
    """

    id: str
    conditions: tuple[Condition, ...]
    target: str
    to: str
    reason: str
    recommendation: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A finding that disagrees with a lower rating and asks for a reasoned confirmation.

    It is due when every ``when`` condition holds and the ``rating`` input is below
    ``at_least`` (or unknown). It changes nothing in the suggestion; the record asks for the
    clinician's reason before it is stored.
    """

    id: str
    conditions: tuple[Condition, ...]
    rating: str
    at_least: str
    message: str
    recommendation: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A guideline recommendation a rule rests on."""

    id: str
    title: str
    strength: str
    url: str


@dataclass(frozen=True, slots=True)
class PathwaySpec:
    """One of the three hovedforløp."""

    level: int
    code: str
    label: str
    recommendation: str


@dataclass(frozen=True, slots=True)
class DecisionTable:
    """A validated decision table."""

    id: str
    version: str
    title: str
    source: str
    inputs: tuple[InputSpec, ...]
    pathways: tuple[PathwaySpec, ...]
    specialist_labels: tuple[tuple[str, str], ...]
    recommendations: tuple[Recommendation, ...]
    rules: tuple[Rule, ...]
    origin: str = ""
    lifts: tuple[Lift, ...] = ()
    confirmations: tuple[Confirmation, ...] = ()
    ranks: Mapping[str, Mapping[str | bool, int]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # A lookup of each input value's rank, so that evaluating a rule is a dict access
        # (the exhaustive monotonicity test evaluates the table 82 944 times).
        ranks: dict[str, dict[str | bool, int]] = {}
        for spec in self.inputs:
            if spec.kind == "boolean":
                ranks[spec.path] = {False: 0, True: 1}
            else:
                ranks[spec.path] = {level: rank for rank, level in enumerate(spec.levels)}
                if spec.unknown is not None:
                    ranks[spec.path][spec.unknown] = -1
        object.__setattr__(self, "ranks", ranks)

    def input(self, path: str) -> InputSpec:
        """Return the input spec at ``path``."""
        for spec in self.inputs:
            if spec.path == path:
                return spec
        raise KeyError(path)

    def recommendation(self, recommendation_id: str) -> Recommendation:
        """Return the recommendation with this id."""
        for recommendation in self.recommendations:
            if recommendation.id == recommendation_id:
                return recommendation
        raise KeyError(recommendation_id)

    def pathway(self, level: int) -> PathwaySpec:
        """Return the pathway at ``level`` (1–3)."""
        for pathway in self.pathways:
            if pathway.level == level:
                return pathway
        raise KeyError(level)

    def specialist_label(self, code: str) -> str:
        """Return the Norwegian label of a specialist level."""
        return dict(self.specialist_labels)[code]


def _text(raw: Mapping[str, object], key: str, path: str, problems: list[str]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}{key}: skal være en tekst som ikke er tom")
        return ""
    return value


def _inputs(raw: object, problems: list[str]) -> tuple[InputSpec, ...]:
    if not isinstance(raw, Mapping) or not raw:
        problems.append("inputs: skal være et objekt med minst én inndata")
        return ()
    specs: list[InputSpec] = []
    for path, entry in raw.items():
        where = f"inputs.{path}"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: skal være et objekt")
            continue
        kind = entry.get("kind")
        name = _text(entry, "name", f"{where}.", problems)
        required = entry.get("required")
        if not isinstance(required, bool):
            problems.append(f"{where}.required: skal være true eller false")
            continue
        default = entry.get("default")
        if kind == "boolean":
            if not required and not isinstance(default, bool):
                problems.append(f"{where}.default: skal være true eller false")
                continue
            specs.append(InputSpec(path, name, "boolean", (), (), required, default))
            continue
        if kind != "ordinal":
            problems.append(f"{where}.kind: skal være «ordinal» eller «boolean»")
            continue
        levels = entry.get("levels")
        if (
            not isinstance(levels, list)
            or len(levels) < 2
            or not all(isinstance(level, str) and level for level in levels)
            or len(set(levels)) != len(levels)
        ):
            problems.append(
                f"{where}.levels: skal være minst to ulike tekster, minst alvorlig først"
            )
            continue
        labels = entry.get("labels")
        if not isinstance(labels, Mapping) or set(labels) != set(levels):
            problems.append(f"{where}.labels: skal ha en norsk etikett for hvert nivå")
            continue
        unknown = entry.get("unknown")
        unknown_value, unknown_label, unknown_missing = None, "", False
        if unknown is not None:
            if (
                not isinstance(unknown, Mapping)
                or not set(unknown) <= {"value", "label", "missing"}
                or not isinstance(unknown.get("value"), str)
                or not unknown["value"]
                or unknown["value"] in levels
                or not isinstance(unknown.get("label"), str)
                or not unknown["label"].strip()
                or not isinstance(unknown.get("missing", False), bool)
            ):
                problems.append(
                    f"{where}.unknown: skal være et objekt med «value» (ikke et av nivåene), "
                    "«label» og eventuelt «missing» (true eller false)"
                )
                continue
            unknown_value = unknown["value"]
            unknown_label = unknown["label"]
            unknown_missing = bool(unknown.get("missing", False))
        allowed_defaults = [*levels, *([unknown_value] if unknown_value else [])]
        if not required and default not in allowed_defaults:
            problems.append(
                f"{where}.default: skal være et av nivåene {', '.join(allowed_defaults)}"
            )
            continue
        specs.append(
            InputSpec(
                path,
                name,
                "ordinal",
                tuple(levels),
                tuple((level, str(labels[level])) for level in levels),
                required,
                default,
                unknown_value,
                unknown_label,
                unknown_missing,
            )
        )
    return tuple(specs)


def _conditions(
    raw: object, where: str, inputs: Mapping[str, InputSpec], problems: list[str]
) -> tuple[Condition, ...] | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: skal være et objekt (tomt objekt = gjelder alltid)")
        return None
    conditions: list[Condition] = []
    for path, test in raw.items():
        spec = inputs.get(path)
        if spec is None:
            problems.append(f"{where}.{path}: ukjent inndata")
            return None
        if spec.kind == "boolean":
            if not isinstance(test, bool):
                problems.append(f"{where}.{path}: ja/nei-inndata testes med true eller false")
                return None
            conditions.append(Condition(path, None, test))
            continue
        if not isinstance(test, Mapping) or set(test) != {"at_least"}:
            problems.append(
                f'{where}.{path}: ordnede inndata testes bare med {{"at_least": nivå}}, '
                "slik at tabellen blir monoton"
            )
            return None
        if test["at_least"] not in spec.levels:
            problems.append(
                f"{where}.{path}.at_least: skal være et av nivåene {', '.join(spec.levels)}"
            )
            return None
        conditions.append(Condition(path, str(test["at_least"]), None))
    return tuple(conditions)


def _rules(
    raw: object,
    inputs: Mapping[str, InputSpec],
    recommendations: Mapping[str, Recommendation],
    max_level: int,
    problems: list[str],
) -> tuple[Rule, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("rules: skal være en liste med minst én regel")
        return ()
    rules: list[Rule] = []
    seen: set[str] = set()
    effects = {"pathway_at_least", "specialist_at_least", "specialist_at_most", "acute", "advice"}
    for index, entry in enumerate(raw):
        where = f"rules[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: skal være et objekt")
            continue
        rule_id = _text(entry, "id", f"{where}.", problems)
        if rule_id and not _RULE_ID.match(rule_id):
            problems.append(f"{where}.id: store bokstaver, sifre og bindestrek")
        if rule_id in seen:
            problems.append(f"{where}.id: «{rule_id}» er brukt før")
        seen.add(rule_id)
        reason = _text(entry, "reason", f"{where}.", problems)
        recommendation = _text(entry, "recommendation", f"{where}.", problems)
        if recommendation and recommendation not in recommendations:
            problems.append(f"{where}.recommendation: «{recommendation}» finnes ikke")
        evidence = entry.get("evidence")
        if evidence not in _EVIDENCE:
            problems.append(f"{where}.evidence: skal være en av {', '.join(_EVIDENCE)}")
        conditions = _conditions(entry.get("when"), f"{where}.when", inputs, problems)
        then = entry.get("then")
        if not isinstance(then, Mapping) or not then or not set(then) <= effects:
            problems.append(f"{where}.then: skal ha én eller flere av {', '.join(sorted(effects))}")
            continue
        pathway = then.get("pathway_at_least")
        if pathway is not None and (
            isinstance(pathway, bool) or pathway not in range(1, max_level + 1)
        ):
            problems.append(f"{where}.then.pathway_at_least: skal være 1–{max_level}")
        for key in ("specialist_at_least", "specialist_at_most"):
            if key in then and then[key] not in SPECIALIST_LEVELS:
                problems.append(
                    f"{where}.then.{key}: skal være en av {', '.join(SPECIALIST_LEVELS)}"
                )
        for key in ("acute", "advice"):
            if key in then and then[key] is not True:
                problems.append(f"{where}.then.{key}: skal være true når feltet er med")
        if "specialist_at_most" in then and conditions is not None:
            ordinal = [c.path for c in conditions if c.at_least is not None]
            if ordinal:
                problems.append(
                    f"{where}.when: et tak («specialist_at_most») kan bare avhenge av ja/nei-"
                    "inndata, ellers kan et alvorligere bilde gi svakere kontakt"
                )
        reason_capped = entry.get("reason_capped", "")
        if not isinstance(reason_capped, str) or (
            "reason_capped" in entry and not reason_capped.strip()
        ):
            problems.append(f"{where}.reason_capped: skal være en tekst som ikke er tom")
            reason_capped = ""
        if conditions is None:
            continue
        rules.append(
            Rule(
                id=rule_id,
                conditions=conditions,
                pathway_at_least=pathway if isinstance(pathway, int) else None,
                specialist_at_least=then.get("specialist_at_least"),  # type: ignore[arg-type]
                specialist_at_most=then.get("specialist_at_most"),  # type: ignore[arg-type]
                acute=then.get("acute") is True,
                advice=then.get("advice") is True,
                reason=reason,
                recommendation=recommendation,
                evidence=str(evidence),
                reason_capped=reason_capped,
            )
        )
    return tuple(rules)


def _entries(raw: object, key: str, problems: list[str]):
    """(where, entry) for each object of the list *raw* under *key*, with a problem for a
    value that is not a list and for each entry that is not an object."""
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(f"{key}: skal være en liste")
        return
    for index, entry in enumerate(raw):
        where = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: skal være et objekt")
            continue
        yield where, entry


def _entry_id(entry: Mapping, where: str, problems: list[str]) -> str:
    """The entry's ``id``: required, capitals, digits and hyphens."""
    entry_id = _text(entry, "id", f"{where}.", problems)
    if entry_id and not _RULE_ID.match(entry_id):
        problems.append(f"{where}.id: store bokstaver, sifre og bindestrek")
    return entry_id


def _entry_recommendation(
    entry: Mapping,
    where: str,
    recommendations: Mapping[str, Recommendation],
    problems: list[str],
) -> str:
    """The entry's ``recommendation``: required, one of the table's recommendations."""
    recommendation = _text(entry, "recommendation", f"{where}.", problems)
    if recommendation and recommendation not in recommendations:
        problems.append(f"{where}.recommendation: «{recommendation}» finnes ikke")
    return recommendation


def _lifts(
    raw: object,
    inputs: Mapping[str, InputSpec],
    recommendations: Mapping[str, Recommendation],
    problems: list[str],
) -> tuple[Lift, ...]:
    lifts: list[Lift] = []
    for where, entry in _entries(raw, "lifts", problems):
        lift_id = _entry_id(entry, where, problems)
        reason = _text(entry, "reason", f"{where}.", problems)
        recommendation = _entry_recommendation(entry, where, recommendations, problems)
        evidence = entry.get("evidence")
        if evidence not in _EVIDENCE:
            problems.append(f"{where}.evidence: skal være en av {', '.join(_EVIDENCE)}")
        target = inputs.get(str(entry.get("input")))
        if target is None or target.kind != "ordinal":
            problems.append(f"{where}.input: skal være en ordnet inndata")
            continue
        if entry.get("to") not in target.levels:
            problems.append(f"{where}.to: skal være et av nivåene {', '.join(target.levels)}")
            continue
        conditions = _conditions(entry.get("when"), f"{where}.when", inputs, problems)
        if conditions is None:
            continue
        if not conditions:
            problems.append(f"{where}.when: et løft må ha minst én betingelse")
            continue
        lifts.append(
            Lift(
                lift_id,
                conditions,
                target.path,
                str(entry["to"]),
                reason,
                recommendation,
                str(evidence),
            )
        )
    return tuple(lifts)


def _confirmations(
    raw: object,
    inputs: Mapping[str, InputSpec],
    recommendations: Mapping[str, Recommendation],
    problems: list[str],
) -> tuple[Confirmation, ...]:
    found: list[Confirmation] = []
    for where, entry in _entries(raw, "confirmations", problems):
        check_id = _entry_id(entry, where, problems)
        message = _text(entry, "message", f"{where}.", problems)
        recommendation = _entry_recommendation(entry, where, recommendations, problems)
        rating = inputs.get(str(entry.get("rating")))
        if rating is None or rating.kind != "ordinal":
            problems.append(f"{where}.rating: skal være en ordnet inndata")
            continue
        if entry.get("at_least") not in rating.levels:
            problems.append(f"{where}.at_least: skal være et av nivåene {', '.join(rating.levels)}")
            continue
        conditions = _conditions(entry.get("when"), f"{where}.when", inputs, problems)
        if conditions is None:
            continue
        found.append(
            Confirmation(
                check_id, conditions, rating.path, str(entry["at_least"]), message, recommendation
            )
        )
    return tuple(found)


def parse_table(raw: object, origin: str) -> DecisionTable:
    """Validate a decoded table document and return the table.

    Raises:
        TableError: With one message per problem, each naming the field path.
    """
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise TableError(origin, ["(dokumentet): skal være et objekt"])
    if raw.get("format") != TABLE_FORMAT:
        problems.append(f"format: skal være «{TABLE_FORMAT}»")
    table_id = _text(raw, "id", "", problems)
    version = _text(raw, "version", "", problems)
    title = _text(raw, "title", "", problems)
    source = _text(raw, "source", "", problems)
    inputs = _inputs(raw.get("inputs"), problems)
    recommendations: dict[str, Recommendation] = {}
    raw_recommendations = raw.get("recommendations")
    if not isinstance(raw_recommendations, Mapping) or not raw_recommendations:
        problems.append("recommendations: skal være et objekt med minst én anbefaling")
    else:
        for key, entry in raw_recommendations.items():
            where = f"recommendations.{key}."
            if not isinstance(entry, Mapping):
                problems.append(f"recommendations.{key}: skal være et objekt")
                continue
            strength = entry.get("strength")
            if strength not in ("skal", "bør", "kan"):
                problems.append(f"{where}strength: skal være skal, bør eller kan")
            recommendations[key] = Recommendation(
                key,
                _text(entry, "title", where, problems),
                str(strength),
                _text(entry, "url", where, problems),
            )
    pathways: list[PathwaySpec] = []
    raw_pathways = raw.get("pathways")
    if not isinstance(raw_pathways, list) or not raw_pathways:
        problems.append("pathways: skal være en liste")
    else:
        for index, entry in enumerate(raw_pathways):
            where = f"pathways[{index}]."
            if not isinstance(entry, Mapping) or entry.get("level") != index + 1:
                problems.append(f"pathways[{index}].level: skal være {index + 1}")
                continue
            pathways.append(
                PathwaySpec(
                    index + 1,
                    _text(entry, "code", where, problems),
                    _text(entry, "label", where, problems),
                    _text(entry, "recommendation", where, problems),
                )
            )
    specialist: list[tuple[str, str]] = []
    raw_specialist = raw.get("specialist_levels")
    codes = (
        [entry.get("code") for entry in raw_specialist if isinstance(entry, Mapping)]
        if isinstance(raw_specialist, list)
        else []
    )
    if codes != list(SPECIALIST_LEVELS):
        problems.append(
            f"specialist_levels: skal ha kodene {', '.join(SPECIALIST_LEVELS)} i den rekkefølgen"
        )
    else:
        for index, entry in enumerate(raw_specialist):  # type: ignore[arg-type]
            specialist.append(
                (entry["code"], _text(entry, "label", f"specialist_levels[{index}].", problems))
            )
    by_path = {spec.path: spec for spec in inputs}
    rules = _rules(raw.get("rules"), by_path, recommendations, max(len(pathways), 1), problems)
    lifts = _lifts(raw.get("lifts"), by_path, recommendations, problems)
    confirmations = _confirmations(raw.get("confirmations"), by_path, recommendations, problems)
    if problems:
        raise TableError(origin, problems)
    return DecisionTable(
        id=table_id,
        version=version,
        title=title,
        source=source,
        inputs=inputs,
        pathways=tuple(pathways),
        specialist_labels=tuple(specialist),
        recommendations=tuple(recommendations.values()),
        rules=rules,
        origin=origin,
        lifts=lifts,
        confirmations=confirmations,
    )


def _problem_lines(error: InputError) -> list[str]:
    """``path: message`` per problem; a problem with the whole file is about ``(filen)``."""
    return [
        str(problem) if problem.path else f"(filen): {problem.message}"
        for problem in error.problems
    ]


MAX_TABLE_BYTES = 4 * 1024 * 1024
"""Largest decision-table file (4 MiB; the built-in table is about 20 KiB)."""


def load_table_file(path: Path) -> DecisionTable:
    """Read and validate a table file (a municipality's own version, for instance).

    The file goes through :func:`losen.domain.safeinput.load_json` (size, nesting depth,
    text and number checks) before it is validated.

    Raises:
        TableError: When the file cannot be read, is not JSON or is malformed.
    """
    try:
        raw = load_json(
            read_bytes(path, source="", max_bytes=MAX_TABLE_BYTES),
            source="",
            max_bytes=MAX_TABLE_BYTES,
        )
    except JsonSyntaxError as error:
        raise TableError(
            str(path), [f"(filen): kan ikke leses som JSON (linje {error.lineno}: {error.msg})"]
        ) from None
    except InputError as error:
        raise TableError(str(path), _problem_lines(error)) from None
    return parse_table(raw, str(path))


@cache
def default_table() -> DecisionTable:
    """Return the built-in table (``data/hovedforlop.json``), validated."""
    entry = resources.files("losen.domain.pathways") / "data" / "hovedforlop.json"
    return parse_table(json.loads(entry.read_text(encoding="utf-8")), "innebygd:hovedforlop.json")
