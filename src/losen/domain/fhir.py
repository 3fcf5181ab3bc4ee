"""FHIR R4 Questionnaire and QuestionnaireResponse for instruments, as plain dicts.

Interoperability with EHRs goes through FHIR R4 (https://hl7.org/fhir/R4/, the version the
Norwegian profiles build on: https://simplifier.net/hl7norwayno-basis). This module only builds
JSON-ready dicts from the domain values; it imports no FHIR library, so the domain stays pure.
The tests validate the output with the ``fhir.resources`` R4B models.

Choices made here (HL7 FHIR R4, Questionnaire and QuestionnaireResponse resources):

- one ``choice`` item per scored item, ``linkId`` = the item number, ``text`` = our own short
  label (never the official wording), ``answerOption`` = one ``valueCoding`` per allowed score,
  code = the score, with the standard ``ordinalValue`` extension carrying the score as a number;
- two read-only items at the end: ``total`` (integer) and ``band`` (choice of band codes);
- canonical URLs are URNs under ``base_url`` (``urn:losen:instrument:phq-9``) so that nothing
  here points at a host; a deployment can pass its own base;
- instruments with a ``restricted`` licence are not exported (their licence does not permit it);
- where the instrument has a LOINC panel code the Questionnaire carries it in ``code``, and the
  ``total`` item carries the LOINC total-score code and is a calculated item (the SDC
  ``calculatedExpression`` extension, FHIRPath); :data:`LOINC` says which codes are checked
  and which are not (docs/reference/fhir.md);
- patients are named by identifier only (fødselsnummer or D-nummer, :func:`patient_identifier`),
  never by name.

The same module builds the Observation of a total score and band, the PlanDefinition of the
pathway table, a searchset Bundle, an OperationOutcome and the CapabilityStatement, and reads a
QuestionnaireResponse from an EHR back into answers (:func:`read_questionnaire_response`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from losen.domain.errors import InputError
from losen.domain.instruments.model import InstrumentDefinition, LicenceCode, ScoreResult

DEFAULT_BASE_URL = "urn:losen:instrument"
ORDINAL_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TOTAL_LINK_ID = "total"
BAND_LINK_ID = "band"
LOINC_SYSTEM = "http://loinc.org"
#: The canonical LOINC gives the Questionnaire of a panel (``http://loinc.org/q/44249-1``).
LOINC_QUESTIONNAIRE_BASE = "http://loinc.org/q/"
CALCULATED_EXPRESSION_URL = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
)
#: Identifier systems of Norwegian person numbers (Direktoratet for e-helse's OIDs, also those
#: of the HL7 Norway no-basis profiles): fødselsnummer and D-nummer.
FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2"
PERSON_ID_SYSTEMS = (FNR_SYSTEM, DNR_SYSTEM)
OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"


@dataclass(frozen=True)
class LoincCodes:
    """The LOINC codes of one instrument: its panel and its total score.

    ``checked`` is ``True`` only for codes the authors are sure of (PHQ-9 and GAD-7); the
    others are given as best knowledge and must be checked against loinc.org before an EHR
    relies on them (docs/reference/fhir.md, «Kodene»).
    """

    panel: str
    panel_display: str
    total: str
    total_display: str
    checked: bool


#: Instrument id -> LOINC codes. DUDIT has none that we know of, so it has no row.
LOINC: dict[str, LoincCodes] = {
    "phq-9": LoincCodes(
        "44249-1",
        "PHQ-9 quick depression assessment panel [Reported.PHQ]",
        "44261-6",
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        checked=True,
    ),
    "gad-7": LoincCodes(
        "69737-5",
        "Generalized anxiety disorder 7 item (GAD-7)",
        "70274-6",
        "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
        checked=True,
    ),
    "audit": LoincCodes(
        "72110-0",
        "Alcohol Use Disorder Identification Test [AUDIT]",
        "75624-7",
        "Total score [AUDIT]",
        checked=False,
    ),
    "audit-c": LoincCodes(
        "72109-2",
        "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]",
        "75626-2",
        "Total score [AUDIT-C]",
        checked=False,
    ),
}


class ExportNotAllowed(ValueError):
    """The instrument's licence does not allow exporting its items."""


def canonical_url(definition: InstrumentDefinition, base_url: str = DEFAULT_BASE_URL) -> str:
    """Return the Questionnaire's canonical URL for ``definition``."""
    separator = ":" if base_url.startswith("urn:") else "/Questionnaire/"
    return f"{base_url}{separator}{definition.id}"


def _computer_name(definition: InstrumentDefinition) -> str:
    """Return a FHIR ``name`` (letters, digits and underscore, starting with a capital)."""
    name = "".join(ch if ch.isalnum() else "_" for ch in definition.id.upper())
    return name if name[:1].isalpha() else f"I_{name}"


def _score_coding(system: str, score: int) -> dict[str, object]:
    return {
        "extension": [{"url": ORDINAL_VALUE_URL, "valueDecimal": score}],
        "system": system,
        "code": str(score),
        "display": f"{score} poeng",
    }


def _band_options(definition: InstrumentDefinition, system: str) -> list[dict[str, object]]:
    seen: dict[str, str] = {}
    groups = [definition.bands] if definition.bands else [b for _, b in definition.bands_by_sex]
    for bands in groups:
        for band in bands:
            seen.setdefault(band.code, band.label)
    return [
        {"valueCoding": {"system": system, "code": code, "display": label}}
        for code, label in seen.items()
    ]


def _total_expression(definition: InstrumentDefinition) -> str:
    """FHIRPath (normative N1 functions only) for the sum of the scored items' codes."""
    link_ids = " | ".join(f"'{item.number}'" for item in definition.items)
    return (
        f"%resource.item.where(linkId in ({link_ids})).answer.value.code.toInteger()"
        ".aggregate($this + $total, 0)"
    )


def _check_licence(definition: InstrumentDefinition) -> None:
    if definition.licence.code is LicenceCode.RESTRICTED:
        raise ExportNotAllowed(
            f"{definition.name} har begrenset lisens ({definition.licence.holder}); "
            "spørsmålene kan ikke eksporteres"
        )


def build_questionnaire(
    definition: InstrumentDefinition, base_url: str = DEFAULT_BASE_URL
) -> dict[str, object]:
    """Return a FHIR R4 Questionnaire for the instrument.

    Raises:
        ExportNotAllowed: When the licence is ``restricted``.
    """
    _check_licence(definition)
    url = canonical_url(definition, base_url)
    score_system = f"{url}:score" if url.startswith("urn:") else f"{url}/score"
    band_system = f"{url}:band" if url.startswith("urn:") else f"{url}/band"
    items: list[dict[str, object]] = [
        {
            "linkId": str(item.number),
            "prefix": f"{item.number}.",
            "text": item.label,
            "type": "choice",
            "required": True,
            "answerOption": [
                {"valueCoding": _score_coding(score_system, score)} for score in item.scores
            ],
        }
        for item in definition.items
    ]
    loinc = LOINC.get(definition.id)
    total_item: dict[str, object] = {
        "extension": [
            {
                "url": CALCULATED_EXPRESSION_URL,
                "valueExpression": {
                    "description": "Summen av poengene på spørsmålene",
                    "language": "text/fhirpath",
                    "expression": _total_expression(definition),
                },
            }
        ],
        "linkId": TOTAL_LINK_ID,
    }
    if loinc is not None:
        total_item["code"] = [
            {"system": LOINC_SYSTEM, "code": loinc.total, "display": loinc.total_display}
        ]
    total_item.update({"text": "Sum", "type": "integer", "readOnly": True})
    items.append(total_item)
    items.append(
        {
            "linkId": BAND_LINK_ID,
            "text": "Bånd",
            "type": "choice",
            "readOnly": True,
            "answerOption": _band_options(definition, band_system),
        }
    )
    code = (
        {"code": [{"system": LOINC_SYSTEM, "code": loinc.panel, "display": loinc.panel_display}]}
        if loinc is not None
        else {}
    )
    citations = "; ".join(source.citation for source in definition.sources)
    return {
        "resourceType": "Questionnaire",
        "id": definition.id,
        "language": "nb",
        "url": url,
        "version": definition.version,
        "name": _computer_name(definition),
        "title": f"{definition.name}: {definition.title}",
        "status": "active",
        "subjectType": ["Patient"],
        **code,
        "description": (
            f"{definition.construct}. Tidsrom: {definition.recall_period}. "
            f"Spørsmålstekstene er korte temaer skrevet for Losen. Kilder: {citations}"
        ),
        "copyright": f"{definition.licence.holder.rstrip('.')}. {definition.licence.note}",
        "item": items,
    }


def build_questionnaire_response(
    definition: InstrumentDefinition,
    result: ScoreResult,
    *,
    authored: datetime,
    subject_reference: str | None = None,
    author_reference: str | None = None,
    response_id: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
    subject_identifier: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """Return a FHIR R4 QuestionnaireResponse for one scored measurement.

    Args:
        definition: The instrument the result was scored with.
        result: The scored answers (:func:`~losen.domain.instruments.score_answers`).
        authored: When the answers were given; must be timezone-aware (the domain never
            reads the clock, the caller passes the time).
        subject_reference: ``"Patient/<id>"`` or ``None``; the domain holds no identities.
        author_reference: ``"Practitioner/<id>"`` or ``None``.
        response_id: The resource id, or ``None``.
        base_url: Base of the canonical URLs, as for :func:`build_questionnaire`.
        subject_identifier: The patient's identifier (:func:`patient_identifier`), added to
            the subject reference so that an EHR can link the response without Losen's ids.

    Raises:
        ValueError: When ``result`` is for another instrument or version, or ``authored`` is
            naive.
        ExportNotAllowed: When the licence is ``restricted``.
    """
    _check_licence(definition)
    if result.instrument != definition.id or result.version != definition.version:
        raise ValueError(
            f"resultatet gjelder {result.instrument} {result.version}, ikke "
            f"{definition.id} {definition.version}"
        )
    if authored.tzinfo is None or authored.utcoffset() is None:
        raise ValueError("authored må ha tidssone")
    url = canonical_url(definition, base_url)
    score_system = f"{url}:score" if url.startswith("urn:") else f"{url}/score"
    band_system = f"{url}:band" if url.startswith("urn:") else f"{url}/band"
    items: list[dict[str, object]] = [
        {
            "linkId": str(item.number),
            "text": item.label,
            "answer": [{"valueCoding": _score_coding(score_system, score)}],
        }
        for item, score in zip(definition.items, result.answers, strict=True)
    ]
    items.append(
        {"linkId": TOTAL_LINK_ID, "text": "Sum", "answer": [{"valueInteger": result.total}]}
    )
    items.append(
        {
            "linkId": BAND_LINK_ID,
            "text": "Bånd",
            "answer": [
                {
                    "valueCoding": {
                        "system": band_system,
                        "code": result.band.code,
                        "display": result.band.label,
                    }
                }
            ],
        }
    )
    resource: dict[str, object] = {"resourceType": "QuestionnaireResponse"}
    if response_id is not None:
        resource["id"] = response_id
    resource.update(
        {
            "questionnaire": f"{url}|{definition.version}",
            "status": "completed",
            "authored": authored.isoformat(),
        }
    )
    subject = _subject(subject_reference, subject_identifier)
    if subject:
        resource["subject"] = subject
    if author_reference is not None:
        resource["author"] = {"reference": author_reference}
    resource["item"] = items
    return resource


# --- Patients by identifier ---------------------------------------------------------------


def patient_identifier(national_id: str) -> dict[str, str]:
    """The FHIR Identifier of an 11-digit fødselsnummer or D-nummer.

    A D-nummer has 4 added to the first digit of the day (so it starts with 4 to 7); the number
    must already be checked (``losen.apps.persons.services.normalise_national_id``).

    Raises:
        ValueError: When *national_id* is not 11 digits.
    """
    if len(national_id) != 11 or not national_id.isdigit():
        raise ValueError("fødselsnummer og D-nummer har 11 sifre")
    system = DNR_SYSTEM if national_id[0] in "4567" else FNR_SYSTEM
    return {"system": system, "value": national_id}


def _subject(reference: str | None, identifier: Mapping[str, str] | None) -> dict[str, object]:
    subject: dict[str, object] = {}
    if reference is not None:
        subject["reference"] = reference
    if identifier is not None:
        subject["type"] = "Patient"
        subject["identifier"] = dict(identifier)
    return subject


def parse_identifier_token(token: str) -> tuple[str, str]:
    """Split a FHIR token search value ``system|value`` into its parts.

    Raises:
        ValueError: When the system is not one of :data:`PERSON_ID_SYSTEMS` or the value is
            missing: a patient is searched for by fødselsnummer or D-nummer only.
    """
    system, bar, value = token.partition("|")
    if not bar or system not in PERSON_ID_SYSTEMS or not value:
        raise ValueError(
            "pasienten søkes med identifikator på formen system|verdi, der systemet er "
            f"{FNR_SYSTEM} (fødselsnummer) eller {DNR_SYSTEM} (D-nummer)"
        )
    return system, value


# --- Observation of a total score ---------------------------------------------------------


def build_observation(
    definition: InstrumentDefinition,
    result: ScoreResult,
    *,
    effective: datetime,
    subject_identifier: Mapping[str, str],
    subject_reference: str | None = None,
    observation_id: str | None = None,
    derived_from: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, object]:
    """Return a FHIR R4 Observation of the total score, with the band as its interpretation.

    The code is the LOINC total-score code where :data:`LOINC` has one, and always Losen's own
    code (``<canonical>:total``) beside it, so an instrument without LOINC (DUDIT) is still
    coded. The patient is named by *subject_identifier* (never by name).

    Raises:
        ValueError: As :func:`build_questionnaire_response`.
        ExportNotAllowed: When the licence is ``restricted``.
    """
    _check_licence(definition)
    if result.instrument != definition.id or result.version != definition.version:
        raise ValueError(
            f"resultatet gjelder {result.instrument} {result.version}, ikke "
            f"{definition.id} {definition.version}"
        )
    if effective.tzinfo is None or effective.utcoffset() is None:
        raise ValueError("effective må ha tidssone")
    url = canonical_url(definition, base_url)
    band_system = f"{url}:band" if url.startswith("urn:") else f"{url}/band"
    codings = []
    loinc = LOINC.get(definition.id)
    if loinc is not None:
        codings.append(
            {"system": LOINC_SYSTEM, "code": loinc.total, "display": loinc.total_display}
        )
    codings.append({"system": url, "code": TOTAL_LINK_ID, "display": f"{definition.name} sum"})
    resource: dict[str, object] = {"resourceType": "Observation"}
    if observation_id is not None:
        resource["id"] = observation_id
    resource.update(
        {
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": OBSERVATION_CATEGORY_SYSTEM,
                            "code": "survey",
                            "display": "Survey",
                        }
                    ]
                }
            ],
            "code": {"coding": codings, "text": f"{definition.name} sum"},
            "subject": _subject(subject_reference, subject_identifier),
            "effectiveDateTime": effective.isoformat(),
            "valueInteger": result.total,
            "interpretation": [
                {
                    "coding": [
                        {
                            "system": band_system,
                            "code": result.band.code,
                            "display": result.band.label,
                        }
                    ],
                    "text": result.band.label,
                }
            ],
        }
    )
    if derived_from is not None:
        resource["derivedFrom"] = [{"reference": derived_from}]
    return resource


# --- PlanDefinition of the pathway table --------------------------------------------------


def build_plan_definition(table, *, base_url: str = "urn:losen:pathways") -> dict[str, object]:
    """Return a FHIR R4 PlanDefinition (type eca-rule) of a pathway decision table.

    One action per hovedforløp (its recommendation as documentation) and, under an action
    for the rules, one action per rule with its conditions as a plain-text applicability
    condition, the least pathway it sets and the recommendation it rests on. *table* is a
    :class:`losen.domain.pathways.DecisionTable`; the table stays the one source of the rules
    (the PlanDefinition describes it, it does not run).
    """
    urls = {rec.id: rec for rec in table.recommendations}

    def documentation(recommendation_id: str) -> list[dict[str, object]]:
        rec = urls.get(recommendation_id)
        if rec is None or not rec.url:
            return []
        return [{"type": "documentation", "display": rec.title, "url": rec.url}]

    def condition_text(rule) -> str:
        parts = []
        for condition in rule.conditions:
            if condition.at_least is not None:
                parts.append(f"{condition.path} >= {condition.at_least}")
            else:
                parts.append(f"{condition.path} = {str(condition.equals).lower()}")
        return " og ".join(parts) or "alltid"

    pathway_actions = []
    for pathway in table.pathways:
        action: dict[str, object] = {
            "id": pathway.code,
            "title": pathway.label,
            "code": [{"coding": [{"system": f"{base_url}:pathway", "code": pathway.code}]}],
        }
        docs = documentation(pathway.recommendation)
        if docs:
            action["documentation"] = docs
        pathway_actions.append(action)
    rule_actions = []
    for rule in table.rules:
        action = {
            "id": f"rule-{rule.id}",
            "title": rule.reason,
            "condition": [
                {
                    "kind": "applicability",
                    "expression": {"language": "text/plain", "expression": condition_text(rule)},
                }
            ],
        }
        if rule.pathway_at_least is not None:
            action["description"] = f"Minst HF{rule.pathway_at_least}"
        docs = documentation(rule.recommendation)
        if docs:
            action["documentation"] = docs
        rule_actions.append(action)
    return {
        "resourceType": "PlanDefinition",
        "id": plan_definition_id(table),
        "language": "nb",
        "url": f"{base_url}:{table.id}",
        "version": table.version,
        "name": _fhir_name(table.id),
        "title": table.title,
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                    "code": "eca-rule",
                }
            ]
        },
        "status": "active",
        "description": f"Kilde: {table.source}",
        "action": [
            {"id": "pathways", "title": "Hovedforløp", "action": pathway_actions},
            {"id": "rules", "title": "Regler", "action": rule_actions},
        ],
    }


def plan_definition_id(table) -> str:
    """The PlanDefinition's id: ``losen-`` and the table's id (a valid FHIR id)."""
    safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in table.id)
    return f"losen-{safe}"[:64]


def _fhir_name(text: str) -> str:
    name = "".join(ch if ch.isalnum() else "_" for ch in text.upper())
    return name if name[:1].isalpha() else f"T_{name}"


# --- Bundle, OperationOutcome, CapabilityStatement -----------------------------------------


def searchset(resources: Iterable[Mapping[str, object]], *, self_url: str) -> dict[str, object]:
    """A searchset Bundle of *resources*, each entry with its ``fullUrl`` relative to the base."""
    entries = [
        {
            "fullUrl": f"{r['resourceType']}/{r['id']}",
            "resource": dict(r),
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries),
        "link": [{"relation": "self", "url": self_url}],
        "entry": entries,
    }


def operation_outcome(code: str, message: str, *, severity: str = "error") -> dict[str, object]:
    """An OperationOutcome with one issue (*code* from the FHIR issue-type value set)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": message}],
    }


def capability_statement(*, base_url: str, software_version: str, date_iso: str) -> dict:
    """The CapabilityStatement of Losen's read-only FHIR endpoint."""
    patient = {
        "name": "patient.identifier",
        "type": "token",
        "documentation": (
            f"Pasientens fødselsnummer ({FNR_SYSTEM}|...) eller D-nummer ({DNR_SYSTEM}|...). "
            "Også som patient:identifier og subject:identifier."
        ),
    }
    read_search = [{"code": "read"}, {"code": "search-type"}]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date_iso,
        "publisher": "Losen",
        "kind": "instance",
        "software": {"name": "Losen", "version": software_version},
        "implementation": {"description": "Losen, lesetilgang over FHIR R4", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Bare lesing. Personopplysninger krever innlogging som kliniker med "
                    "tjenstlig behov (behandlingsrelasjon) i kommunen, og hver lesing logges."
                ),
                "security": {
                    "description": "Innlogget økt i Losen (token for systemer kommer senere)."
                },
                "resource": [
                    {
                        "type": "Questionnaire",
                        "interaction": read_search,
                        "searchParam": [
                            {"name": "url", "type": "uri"},
                            {"name": "code", "type": "token"},
                        ],
                    },
                    {
                        "type": "QuestionnaireResponse",
                        "interaction": read_search,
                        "searchParam": [patient],
                    },
                    {"type": "Observation", "interaction": read_search, "searchParam": [patient]},
                    {"type": "PlanDefinition", "interaction": read_search},
                ],
            }
        ],
    }


# --- Reading a QuestionnaireResponse from an EHR ------------------------------------------


@dataclass(frozen=True)
class ImportedAnswers:
    """What a QuestionnaireResponse from outside says: the answers in item order and the day."""

    instrument_id: str
    answers: tuple[int, ...]
    taken_on: date | None
    identifier: tuple[str, str] | None  # (system, value) of the subject, when given


def questionnaire_matches(definition: InstrumentDefinition, questionnaire: str) -> bool:
    """Whether a QuestionnaireResponse's ``questionnaire`` canonical names *definition*:
    Losen's canonical (any base, with or without ``|version``) or the LOINC panel's."""
    canonical = questionnaire.split("|", 1)[0]
    loinc = LOINC.get(definition.id)
    if loinc is not None and canonical == f"{LOINC_QUESTIONNAIRE_BASE}{loinc.panel}":
        return True
    return canonical.endswith((f":{definition.id}", f"/Questionnaire/{definition.id}"))


def _answer_score(answer: object) -> int | None:
    if not isinstance(answer, Mapping):
        return None
    if "valueInteger" in answer and type(answer["valueInteger"]) is int:
        return answer["valueInteger"]
    coding = answer.get("valueCoding")
    if isinstance(coding, Mapping):
        code = coding.get("code")
        if isinstance(code, str) and code.isdigit() and len(code) <= 3:
            return int(code)
    return None


def read_questionnaire_response(
    definition: InstrumentDefinition, resource: Mapping[str, object]
) -> ImportedAnswers:
    """The answers of a QuestionnaireResponse for *definition*, checked against the instrument.

    The response must be ``completed``, name the instrument (:func:`questionnaire_matches`),
    answer every scored item once (by ``linkId`` = the item number) with a score the item
    allows (``valueCoding.code`` or ``valueInteger``), and, when it carries a ``total``, carry
    the sum of those scores. Unknown items are refused too: an answer Losen would drop
    silently is a mismatch.

    Raises:
        InputError: Every problem found, each with its place (``item[linkId=3]``) and what is
            wrong, in bokmål.
    """
    problems: list[tuple[str, str]] = []
    if resource.get("resourceType") != "QuestionnaireResponse":
        raise InputError([("resourceType", "må være QuestionnaireResponse")])
    questionnaire = resource.get("questionnaire")
    if not isinstance(questionnaire, str) or not questionnaire_matches(definition, questionnaire):
        problems.append(
            (
                "questionnaire",
                f"svaret gjelder {questionnaire!s:.80}, ikke {definition.name} "
                f"({canonical_url(definition)})",
            )
        )
    if resource.get("status") != "completed":
        problems.append(("status", "bare utfylte svar (status «completed») kan leses inn"))
    items = resource.get("item")
    if not isinstance(items, Sequence) or isinstance(items, str):
        problems.append(("item", "svaret har ingen spørsmål"))
        raise InputError(problems)
    expected = {str(item.number): item for item in definition.items}
    found: dict[str, int] = {}
    total: int | None = None
    for index, entry in enumerate(items):
        if not isinstance(entry, Mapping):
            problems.append((f"item[{index}]", "er ikke et objekt"))
            continue
        link_id = entry.get("linkId")
        place = f"item[linkId={link_id!s:.20}]"
        answers = entry.get("answer")
        if link_id == BAND_LINK_ID:
            continue  # the band follows from the total; Losen works it out again
        if not isinstance(answers, Sequence) or isinstance(answers, str) or len(answers) != 1:
            problems.append((place, "må ha nøyaktig ett svar"))
            continue
        score = _answer_score(answers[0])
        if link_id == TOTAL_LINK_ID:
            total = score
            continue
        if link_id not in expected:
            problems.append((place, f"{definition.name} har ikke dette spørsmålet"))
            continue
        if link_id in found:
            problems.append((place, "er besvart mer enn én gang"))
            continue
        allowed = expected[link_id].scores
        if score is None or score not in allowed:
            problems.append(
                (place, f"svaret må være ett av {', '.join(str(s) for s in allowed)} poeng")
            )
            continue
        found[link_id] = score
    named = {place for place, _ in problems}
    missing = [key for key in expected if key not in found and f"item[linkId={key}]" not in named]
    if missing:
        problems.append(("item", f"mangler svar på spørsmål {', '.join(missing)}"))
    if not problems and total is not None and total != sum(found.values()):
        problems.append(
            (
                f"item[linkId={TOTAL_LINK_ID}]",
                f"summen {total} stemmer ikke med svarene (som gir {sum(found.values())})",
            )
        )
    taken_on = _authored_day(resource.get("authored"), problems)
    identifier = _subject_identifier(resource.get("subject"))
    if problems:
        raise InputError(problems)
    return ImportedAnswers(
        definition.id, tuple(found[key] for key in expected), taken_on, identifier
    )


def _authored_day(value: object, problems: list[tuple[str, str]]) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) < 10:
        problems.append(("authored", "må være en dato (ÅÅÅÅ-MM-DD) eller et tidspunkt"))
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        problems.append(("authored", "må være en dato (ÅÅÅÅ-MM-DD) eller et tidspunkt"))
        return None


def _subject_identifier(subject: object) -> tuple[str, str] | None:
    if not isinstance(subject, Mapping):
        return None
    identifier = subject.get("identifier")
    if not isinstance(identifier, Mapping):
        return None
    system, value = identifier.get("system"), identifier.get("value")
    if isinstance(system, str) and isinstance(value, str):
        return system, value
    return None
