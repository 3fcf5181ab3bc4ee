"""Changes to prioritisation cases: keyword-only, atomic and audited in the same transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone

from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.apps.common.locking import EditConflict, Versioned, claim_version, save_versioned

from . import basis as basis_module
from .models import (
    Consultation,
    Decision,
    DecisionBasis,
    FollowUp,
    Phase,
    PrioritizationCase,
    Publication,
    Submission,
)
from .public import PersonalDataFound, check_consultation, public_content


class NotReady(Exception):
    """The case lacks something the step requires; ``problems`` says what, in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def save_object(
    *,
    actor,
    obj: Model,
    municipality,
    details: dict | None = None,
    expected_version: int | None = None,
    fields: list[str] | None = None,
) -> Model:
    """Create or update a case's own object (case, alternative, indicator, note, follow-up).

    A case or an alternative is updated only if it is still at *expected_version* (the version
    its edit form was loaded with), writing only *fields* when given; otherwise
    :class:`~losen.apps.common.locking.EditConflict` is raised and nothing is written. Without
    a version the update is counted but not checked.
    """
    created = obj.pk is None
    with transaction.atomic():
        if not created and isinstance(obj, Versioned):
            save_versioned(obj, expected_version=expected_version, update_fields=fields)
        else:
            obj.save()
        record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            target=obj,
            municipality=municipality,
            details=details or {},
        )
    return obj


def set_phase(*, actor, case: PrioritizationCase, phase: str) -> None:
    if phase not in Phase.values:
        raise ValueError(phase)
    with transaction.atomic():
        previous = case.phase
        case.phase = phase
        claim_version(case)
        case.save(update_fields=["phase", "updated_at", "lock_version"])
        record(
            actor=actor,
            action=Action.UPDATE,
            target=case,
            municipality=case.municipality,
            details={"phase": [previous, phase]},
        )


def open_consultation(*, actor, case: PrioritizationCase, introduction: str) -> Consultation:
    """Open (or reopen) the public consultation; refuse if its public text names anyone."""
    check_consultation(case, introduction)  # raises PersonalDataFound
    with transaction.atomic():
        consultation = Consultation.objects.filter(case=case).first()
        if consultation is None:
            consultation = Consultation.objects.create(case=case, introduction=introduction)
        else:
            consultation.introduction = introduction
            consultation.is_open = True
            consultation.closed_at = None
            consultation.save()
        record(
            actor=actor,
            action=Action.UPDATE,
            target=case,
            municipality=case.municipality,
            details={"consultation": "open"},
        )
    return consultation


def close_consultation(*, actor, case: PrioritizationCase) -> None:
    with transaction.atomic():
        consultation = case.consultation
        consultation.is_open = False
        consultation.closed_at = timezone.now()
        consultation.save()
        record(
            actor=actor,
            action=Action.UPDATE,
            target=case,
            municipality=case.municipality,
            details={"consultation": "closed"},
        )


def submit(*, consultation: Consultation, cleaned: dict) -> Submission:
    """Store one participant's input exactly as given. No personal data is asked for."""
    with transaction.atomic():
        submission = Submission.objects.create(
            consultation=consultation,
            group=cleaned["group"],
            points_benefit=cleaned["points_benefit"],
            points_severity=cleaned["points_severity"],
            points_resource=cleaned["points_resource"],
            theme=cleaned.get("theme") or "",
            comment=cleaned.get("comment") or "",
        )
        record(
            actor=None,
            action=Action.CREATE,
            object_type="priorities.submission",
            object_id=str(submission.pk),
            municipality=consultation.case.municipality,
            details={"case": str(consultation.case.external_id), "group": submission.group},
        )
    return submission


def create_basis(*, actor, case: PrioritizationCase, detail: str) -> DecisionBasis:
    """Freeze a new version of the decision basis with the data it uses."""
    with transaction.atomic():
        version = (case.bases.aggregate(v=Max("version"))["v"] or 0) + 1
        snapshot = basis_module.build_snapshot(case, detail=detail, version=version)
        basis = DecisionBasis.objects.create(
            municipality=case.municipality,
            case=case,
            version=version,
            detail=detail,
            snapshot=snapshot,
            created_by=actor,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            target=basis,
            municipality=case.municipality,
            details={"case": str(case.external_id), "version": version, "detail": detail},
        )
    return basis


def decision_problems(case: PrioritizationCase) -> list[str]:
    from django.utils.translation import gettext as _

    from .overview import CaseOverview

    overview = CaseOverview(case)
    problems = []
    if not case.bases.exists():
        problems.append(_("Lag beslutningsgrunnlaget før vedtaket registreres."))
    if overview.legal_assessment_missing:
        problems.append(
            _(
                "Saken kutter tjenester folk mottar i dag: skriv vurderingen av forsvarlighet, "
                "nødvendige tjenester og endring av enkeltvedtak først."
            )
        )
    missing_notes = overview.participation.missing_handling
    if missing_notes:
        problems.append(_("Skriv hvordan innspillene ble behandlet for hvert tema først."))
    return problems


def record_decision(*, actor, case: PrioritizationCase, decision: Decision) -> Decision:
    """Record the decision on *case*, once.

    Raises:
        NotReady: When the case lacks what a decision needs.
        EditConflict: When a decision was recorded meanwhile (``current`` is that decision);
            nothing is written.
    """
    recorded = Decision.objects.filter(case=case).first()
    if recorded is not None:
        raise EditConflict(recorded)
    problems = decision_problems(case)
    if problems:
        raise NotReady(problems)
    try:
        with transaction.atomic():
            _record_decision(actor=actor, case=case, decision=decision)
    except IntegrityError:
        # Two decisions posted at once: the first one's row makes the second one's insert fail.
        recorded = Decision.objects.filter(case=case).first()
        if recorded is None:
            raise
        raise EditConflict(recorded) from None
    return decision


def _record_decision(*, actor, case: PrioritizationCase, decision: Decision) -> None:
    decision.case = case
    decision.basis = case.bases.first()
    decision.recorded_by = actor
    decision.save()
    record(
        actor=actor,
        action=Action.CREATE,
        object_type="priorities.decision",
        object_id=str(case.external_id),
        municipality=case.municipality,
        details={"basis_version": decision.basis.version},
    )
    if case.phase == Phase.PREPARE:
        case.phase = Phase.CARRY_OUT
        claim_version(case)
        case.save(update_fields=["phase", "updated_at", "lock_version"])


def publish(*, actor, case: PrioritizationCase) -> Publication:
    """Publish the decided case; refuse if its public text names a person."""
    if not hasattr(case, "decision"):
        raise NotReady(["no decision"])
    content = public_content(case)  # raises PersonalDataFound
    with transaction.atomic():
        case.publications.filter(unpublished_at__isnull=True).update(unpublished_at=timezone.now())
        publication = Publication.objects.create(case=case, content=content, published_by=actor)
        record(
            actor=actor,
            action=Action.EXPORT,
            object_type="priorities.publication",
            object_id=str(case.external_id),
            municipality=case.municipality,
            details={"published": True},
        )
    return publication


def unpublish(*, actor, case: PrioritizationCase) -> None:
    with transaction.atomic():
        count = case.publications.filter(unpublished_at__isnull=True).update(
            unpublished_at=timezone.now()
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="priorities.publication",
            object_id=str(case.external_id),
            municipality=case.municipality,
            details={"unpublished": count},
        )


def evaluate(*, actor, follow_up: FollowUp, evaluation: str) -> FollowUp:
    with transaction.atomic():
        follow_up.evaluation = evaluation
        follow_up.evaluated_at = timezone.now()
        follow_up.save()
        record(
            actor=actor, action=Action.UPDATE, target=follow_up, municipality=follow_up.municipality
        )
    return follow_up


def new_case_from(*, actor, follow_up: FollowUp) -> PrioritizationCase:
    """Open a new case from an evaluation (phase 3: correct)."""
    old = follow_up.case
    with transaction.atomic():
        case = PrioritizationCase.objects.create(
            municipality=old.municipality,
            title=f"{old.title} – korrigering",
            level=old.level,
            direction=old.direction,
            situation=follow_up.evaluation or old.situation,
            legal_frame=old.legal_frame,
            economic_frame=old.economic_frame,
            professional_frame=old.professional_frame,
            plan_process=old.plan_process,
            plan_reference=old.plan_reference,
            parent=old,
            created_by=actor,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            target=case,
            municipality=case.municipality,
            details={"from_case": str(old.external_id)},
        )
    return case


__all__ = [
    "NotReady",
    "PersonalDataFound",
    "close_consultation",
    "create_basis",
    "decision_problems",
    "evaluate",
    "new_case_from",
    "open_consultation",
    "publish",
    "record_decision",
    "save_object",
    "set_phase",
    "submit",
    "unpublish",
]
