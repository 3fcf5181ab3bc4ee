"""Writes of the knowledge app: keyword-only, atomic, audited in the same transaction.

Nothing here writes personal data to the audit log: objects are named by type and external id,
and an example's text is checked for personal data before it is offered or imported.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.accounts.models import User
from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.apps.persons import personal_data
from losen.apps.persons.models import Person
from losen.apps.priorities.models import Direction, Level, PlanProcess, PrioritizationCase
from losen.apps.priorities.public import PersonalDataFound, find_personal_data
from losen.domain.errors import InputError, Problem

from . import exchange
from .models import (
    BankMembership,
    EthicsReflection,
    Example,
    MethodAssessment,
    Origin,
    ServiceArea,
)


class NotReady(Exception):
    """The case cannot be offered yet; ``problems`` says why, in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _save(*, actor, obj, municipality, details: dict | None = None):
    created = obj.pk is None
    with transaction.atomic():
        if created and getattr(obj, "created_by_id", None) is None and actor is not None:
            obj.created_by = actor
        obj.save()
        record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            target=obj,
            municipality=municipality,
            details=details or {},
        )
    return obj


def save_method_assessment(*, actor, assessment: MethodAssessment) -> MethodAssessment:
    """Create or update a mini method assessment; its case must be of its municipality."""
    if assessment.case_id and assessment.case.municipality_id != assessment.municipality_id:
        raise ValueError("the case belongs to another municipality")
    return _save(
        actor=actor,
        obj=assessment,
        municipality=assessment.municipality,
        details={"case": str(assessment.case.external_id) if assessment.case_id else ""},
    )


def save_reflection(*, actor, reflection: EthicsReflection) -> EthicsReflection:
    """Create or update an ethical reflection, attached to one case or one decision."""
    if bool(reflection.case_id) == bool(reflection.decision_id):
        raise ValueError("a reflection is attached to a case or to a decision")
    owner = reflection.case if reflection.case_id else reflection.decision
    if owner.municipality_id != reflection.municipality_id:
        raise ValueError("the case or decision belongs to another municipality")
    details = (
        {"case": str(reflection.case.external_id)}
        if reflection.case_id
        else {"decision": str(reflection.decision.external_id)}
    )
    return _save(actor=actor, obj=reflection, municipality=reflection.municipality, details=details)


# --- The example bank ---------------------------------------------------------------------


def is_opted_in(municipality) -> bool:
    return BankMembership.objects.filter(municipality=municipality, opted_in=True).exists()


def set_bank_membership(*, actor, municipality, opted_in: bool) -> BankMembership:
    """Opt the municipality in or out of the example bank; opting out withdraws its examples."""
    with transaction.atomic():
        membership, _created = BankMembership.objects.get_or_create(municipality=municipality)
        membership.opted_in = opted_in
        membership.changed_by = actor
        membership.save()
        withdrawn = 0
        if not opted_in:
            withdrawn = Example.objects.filter(
                municipality=municipality, unpublished_at__isnull=True
            ).update(unpublished_at=timezone.now())
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="knowledge.bankmembership",
            object_id=str(municipality.number),
            municipality=municipality,
            details={"opted_in": opted_in, "withdrawn": withdrawn},
        )
    return membership


def offer_problems(case: PrioritizationCase) -> list[str]:
    """Why *case* cannot be offered to the example bank now (empty: it can)."""
    problems = []
    if not is_opted_in(case.municipality):
        problems.append(
            _("Kommunen er ikke med i eksempelbanken. Meld kommunen inn på eksempelbanksiden.")
        )
    if not hasattr(case, "decision"):
        problems.append(_("Saken har ikke noe registrert vedtak."))
    elif not case.publications.filter(unpublished_at__isnull=True).exists():
        problems.append(_("Saken er ikke publisert på kommunens åpne sider."))
    return problems


def default_process(case: PrioritizationCase) -> str:
    """A first wording of the process, for the leader to edit before offering."""
    lines = [
        _("Saken ble behandlet i %(plan)s%(ref)s.")
        % {
            "plan": str(dict(PlanProcess.choices)[case.plan_process]).lower(),
            "ref": f" ({case.plan_reference})" if case.plan_reference else "",
        }
    ]
    count = case.alternatives.count()
    if count:
        lines.append(
            _("%(n)d alternativer ble vurdert på nytte, ressurs og alvorlighet.") % {"n": count}
        )
    consultation = getattr(case, "consultation", None)
    if consultation is not None:
        total = consultation.submissions.count()
        lines.append(_("%(n)d innspill kom inn gjennom åpen medvirkning.") % {"n": total})
    for handling in case.handlings.all():
        lines.append(handling.note)
    if case.method_assessments.exists():
        lines.append(_("Kunnskapsgrunnlaget bygger på en mini-metodevurdering."))
    if case.ethics_reflections.exists():
        lines.append(_("Etiske spørsmål ble drøftet etter seks-trinnsmodellen."))
    return "\n\n".join(lines)


def default_evaluation(case: PrioritizationCase) -> str:
    """The evaluations recorded so far, joined, for the leader to edit."""
    done = [f for f in case.follow_ups.all() if f.evaluated_at and f.evaluation]
    return "\n\n".join(f"{f.indicator}: {f.evaluation}" for f in done)


def example_content(
    case: PrioritizationCase, *, service_area: str, process: str, evaluation: str, example_id
) -> dict:
    """The example as the file format's ``example`` object, from the decided case."""
    decision = case.decision
    publication = case.publications.filter(unpublished_at__isnull=True).first()
    published = publication.content if publication else {}
    participation = published.get("participation", {})
    return {
        "id": str(example_id),
        "municipality": {"number": case.municipality.number, "name": case.municipality.name},
        "title": case.title,
        "service_area": service_area,
        "level": case.level,
        "direction": case.direction,
        "situation": case.situation,
        "alternatives": [
            {"name": a.name, "target_group": a.target_group} for a in case.alternatives.all()
        ],
        "decision": {
            "decided_on": decision.decided_on.isoformat(),
            "decision_maker": decision.decision_maker,
            "outcome": decision.outcome,
            "reasons": decision.reasons,
        },
        "process": process,
        "participation": {
            "total": int(participation.get("total", 0)),
            "groups": [
                {"label": g["label"], "count": int(g["count"])}
                for g in participation.get("groups", [])
            ],
        },
        "evaluation": {
            "summary": evaluation,
            "follow_ups": [
                {"indicator": f.indicator, "evaluation": f.evaluation}
                for f in case.follow_ups.all()
                if f.evaluated_at and f.evaluation
            ],
        },
    }


def offer_example(
    *, actor, case: PrioritizationCase, service_area: str, process: str, evaluation: str
) -> Example:
    """Offer the decided, published *case* to the example bank, frozen as it is now.

    An earlier example of the same case is withdrawn (its row is kept).

    Raises:
        NotReady: the municipality is not in the bank, or the case is not decided and published.
        PersonalDataFound: the example's text looks like it names someone (nothing is stored).
        ValueError: an unknown service area.
    """
    if service_area not in ServiceArea.values:
        raise ValueError(service_area)
    problems = offer_problems(case)
    if problems:
        raise NotReady(problems)
    example = Example(
        municipality=case.municipality,
        case=case,
        origin=Origin.LOCAL,
        municipality_name=case.municipality.name,
        municipality_number=case.municipality.number,
        title=case.title,
        service_area=service_area,
        level=case.level,
        direction=case.direction,
        offered_by=actor,
    )
    example.content = example_content(
        case,
        service_area=service_area,
        process=process,
        evaluation=evaluation,
        example_id=example.external_id,
    )
    exchange.validate(exchange.document(example.content, exported_at=""))  # the contract holds
    # The id is generated (hex digits can look like a phone number): the text is checked.
    text = {k: v for k, v in example.content.items() if k != "id"}
    findings = find_personal_data(text, case.municipality)
    if findings:
        raise PersonalDataFound(findings)
    with transaction.atomic():
        Example.objects.filter(case=case, unpublished_at__isnull=True).update(
            unpublished_at=timezone.now()
        )
        example.save()
        record(
            actor=actor,
            action=Action.EXPORT,
            target=example,
            municipality=case.municipality,
            details={"case": str(case.external_id), "example_bank": "offered"},
        )
    return example


def withdraw_example(*, actor, example: Example) -> None:
    with transaction.atomic():
        if example.unpublished_at is None:
            example.unpublished_at = timezone.now()
            example.save(update_fields=["unpublished_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            target=example,
            municipality=example.municipality,
            details={"example_bank": "withdrawn"},
        )


def live_examples():
    """The examples the public bank shows: not withdrawn, local ones only while opted in."""
    opted = BankMembership.objects.filter(opted_in=True).values("municipality")
    return Example.objects.filter(unpublished_at__isnull=True).filter(
        Q(origin=Origin.IMPORTED) | Q(municipality__in=opted)
    )


def export_document(example: Example) -> dict:
    """The example file (the contract of :mod:`.exchange`) for *example*."""
    return exchange.document(
        example.content, exported_at=timezone.now().replace(microsecond=0).isoformat()
    )


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def _personal_data_on_installation(content: dict) -> list[str]:
    """Personal data in an imported example: patterns, and the names of every user and person
    on this installation (the example's own municipality may not be here)."""
    text = "\n".join(_texts(content))
    names: set[str] = set()
    for first, last in User.objects.values_list("first_name", "last_name"):
        names |= {f"{first} {last}".strip()} | {n for n in (first, last) if len(n) > 2}
    for person in Person.objects.all():
        names |= {person.full_name, person.family_name}
    findings = [
        _("et navn på en bruker eller person («%s»)") % name
        for name in personal_data.names_in(text, {n for n in names if n})
    ]
    if personal_data.email_addresses(text):
        findings.append(_("en e-postadresse"))
    if personal_data.identity_numbers(text):
        findings.append(_("et fødselsnummer"))
    if personal_data.phone_numbers(text):
        findings.append(_("et telefonnummer"))
    return findings


def import_example(*, actor, data: bytes | str, source: str) -> Example:
    """Import an example file from another installation, whole or not at all.

    Raises:
        InputError: the file breaks the contract, the example is here already, or its text
            looks like personal data; every problem names where and what to fix.
    """
    content = exchange.parse(data, source=source)
    identifier = content["id"]
    if Example.objects.filter(Q(source_id=identifier) | Q(external_id=identifier)).exists():
        raise InputError(
            [
                Problem(
                    f"{source}: example.id",
                    f"eksempelet {identifier} finnes allerede i eksempelbanken her; "
                    "det importeres ikke to ganger",
                )
            ]
        )
    findings = _personal_data_on_installation({k: v for k, v in content.items() if k != "id"})
    if findings:
        raise InputError(
            [
                Problem(
                    source,
                    "eksempelet ser ut til å inneholde personopplysninger ("
                    + ", ".join(findings)
                    + "); fjern dem i fila og prøv igjen",
                )
            ]
        )
    with transaction.atomic():
        example = Example.objects.create(
            origin=Origin.IMPORTED,
            source_id=identifier,
            municipality=None,
            municipality_name=content["municipality"]["name"],
            municipality_number=content["municipality"]["number"],
            title=content["title"],
            service_area=content["service_area"],
            level=content["level"],
            direction=content["direction"],
            content=content,
            offered_by=actor,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            target=example,
            details={
                "example_bank": "imported",
                "from_municipality": content["municipality"]["number"],
            },
        )
    return example


def example_labels(example: Example) -> dict:
    """The labels of an example's codes, in the reader's language."""
    return {
        "service_area": str(dict(ServiceArea.choices).get(example.service_area, "")),
        "level": str(dict(Level.choices).get(example.level, "")),
        "direction": str(dict(Direction.choices).get(example.direction, "")),
    }


def decided_on(example: Example) -> dt.date | None:
    value = example.content.get("decision", {}).get("decided_on", "")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
