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
- instruments with a ``restricted`` licence are not exported (their licence does not permit it).
"""

from __future__ import annotations

from datetime import datetime

from losen.domain.instruments.model import InstrumentDefinition, LicenceCode, ScoreResult

DEFAULT_BASE_URL = "urn:losen:instrument"
ORDINAL_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TOTAL_LINK_ID = "total"
BAND_LINK_ID = "band"


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
    items.append({"linkId": TOTAL_LINK_ID, "text": "Sum", "type": "integer", "readOnly": True})
    items.append(
        {
            "linkId": BAND_LINK_ID,
            "text": "Bånd",
            "type": "choice",
            "readOnly": True,
            "answerOption": _band_options(definition, band_system),
        }
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
    if subject_reference is not None:
        resource["subject"] = {"reference": subject_reference}
    if author_reference is not None:
        resource["author"] = {"reference": author_reference}
    resource["item"] = items
    return resource
