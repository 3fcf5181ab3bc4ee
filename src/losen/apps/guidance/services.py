"""Every write of the guidance module: keyword-only, atomic, audited.

The audit entries name objects by type and external id and carry codes and counts only (no
free text: an evidence or alternative text could name someone).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from losen.apps.audit.models import Action
from losen.apps.audit.services import record
from losen.domain.errors import InputError, Problem
from losen.domain.guidance import assessment as rules
from losen.domain.guidance.catalogue import MAX_FILE_BYTES, builtin_content, parse_local
from losen.domain.guidance.improvement import can_move
from losen.domain.safeinput import load_json

from . import selectors
from .models import (
    ActionStatus,
    ImprovementAction,
    LocalGuideline,
    PointAssessment,
    PointStatus,
    ReasonGroup,
    SelfAssessment,
)

MAX_LINKS = 20


class AssessmentClosed(Exception):
    """The assessment is closed; its answers can no longer change."""


class NotClosable(Exception):
    """The close rule refused: ``gaps`` lists every point that stops it, in order."""

    def __init__(self, gaps: Sequence[rules.Gap]) -> None:
        self.gaps = list(gaps)
        super().__init__(", ".join(gap.point_id for gap in self.gaps))


def start_assessment(
    *, actor, municipality, guideline_id: str, title: str, unit=None
) -> SelfAssessment:
    """Start an assessment of *unit* (or the whole municipality) against a guideline.

    The guideline's file is copied in, one row is made per check point, and the last closed
    assessment of the same guideline and unit becomes ``previous``, so the page can show what
    changed since then.

    Raises:
        InputError: the guideline is unknown or the unit is another municipality's.
    """
    guideline = selectors.guideline_for(municipality, guideline_id)
    problems = []
    if guideline is None:
        problems.append(Problem("guideline", _("ukjent veileder «%(id)s»") % {"id": guideline_id}))
    if unit is not None and unit.municipality_id != municipality.pk:
        problems.append(Problem("unit", _("enheten hører ikke til kommunen")))
    if problems:
        raise InputError(problems)
    if guideline.is_local:
        content = LocalGuideline.objects.get(
            municipality=municipality, guideline_id=guideline.id
        ).content
    else:
        content = builtin_content(guideline.id)
    now = timezone.now()
    with transaction.atomic():
        assessment = SelfAssessment.objects.create(
            municipality=municipality,
            unit=unit,
            guideline_id=guideline.id,
            guideline_title=guideline.title,
            guideline_version=guideline.version_label,
            guideline_data=content,
            title=title.strip()[:200],
            previous=selectors.latest_closed(municipality, guideline.id, unit),
            started_by=actor if getattr(actor, "pk", None) else None,
            started_at=now,
        )
        PointAssessment.objects.bulk_create(
            PointAssessment(
                municipality=municipality,
                assessment=assessment,
                position=position,
                recommendation_id=recommendation.id,
                point_id=point.id,
                strength=recommendation.strength,
            )
            for position, (recommendation, point) in enumerate(guideline.points())
        )
        record(
            actor=actor,
            action=Action.CREATE,
            target=assessment,
            municipality=municipality,
            details={
                "guideline": guideline.id,
                "version": guideline.version_label,
                "unit": str(unit.external_id) if unit else "",
                "points": sum(1 for _point in guideline.points()),
            },
        )
    return assessment


def _links(text: str) -> list[Problem]:
    problems = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        problems.append(Problem("links", _("høyst %(n)s lenker") % {"n": MAX_LINKS}))
    for line in lines:
        if not (line.startswith("https://") or line.startswith("http://")) or " " in line:
            problems.append(
                Problem(
                    "links",
                    _("«%(line)s» er ikke en nettadresse (https://…)") % {"line": line[:60]},
                )
            )
    return problems


def record_point(
    *,
    actor,
    point: PointAssessment,
    status: str,
    evidence: str = "",
    links: str = "",
    alternative: str = "",
    reason_group: str = "",
) -> PointAssessment:
    """Record the assessment of one check point: who assessed it and when, with the evidence.

    An alternative is kept only where the point needs one (a ``skal`` or ``bør`` point not
    fully met); there the reason group defaults to ``annet``.

    Raises:
        AssessmentClosed: the assessment is closed.
        InputError: an unknown status or reason group, or a link that is not a web address.
    """
    problems = []
    if status not in PointStatus.values:
        problems.append(Problem("status", _("velg en status")))
    if reason_group and reason_group not in ReasonGroup.values:
        problems.append(Problem("reason_group", _("ukjent begrunnelsesgruppe")))
    problems.extend(_links(links))
    if problems:
        raise InputError(problems)
    needs = rules.needs_alternative(point.strength, status)
    with transaction.atomic():
        locked = SelfAssessment.objects.select_for_update().get(pk=point.assessment_id)
        if locked.is_closed:
            raise AssessmentClosed
        point.status = status
        point.evidence = evidence.strip()
        point.links = "\n".join(line.strip() for line in links.splitlines() if line.strip())
        point.alternative = alternative.strip() if needs else ""
        point.reason_group = (reason_group or ReasonGroup.ANNET) if needs else ""
        point.assessed_by = actor if getattr(actor, "pk", None) else None
        point.assessed_at = timezone.now()
        point.save(
            update_fields=[
                "status",
                "evidence",
                "links",
                "alternative",
                "reason_group",
                "assessed_by",
                "assessed_at",
            ]
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            target=point,
            municipality=point.municipality,
            details={
                "assessment": str(locked.external_id),
                "point": point.point_id,
                "status": status,
                "alternative_documented": bool(point.alternative),
            },
        )
    return point


def close_assessment(*, actor, assessment: SelfAssessment) -> SelfAssessment:
    """Close the assessment when the close rule allows it.

    Raises:
        AssessmentClosed: it is closed already.
        NotClosable: with every point still unanswered or without a documented alternative.
    """
    with transaction.atomic():
        locked = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_closed:
            raise AssessmentClosed
        guideline = selectors.guideline_of(locked)
        gaps = rules.close_gaps(guideline, selectors.answers_of(locked.points.all()))
        if gaps:
            raise NotClosable(gaps)
        locked.closed_at = timezone.now()
        locked.closed_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["closed_at", "closed_by"])
        deviations = locked.points.filter(
            status__in=rules.NOT_FULLY_MET, strength__in=("skal", "bør")
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            target=locked,
            municipality=locked.municipality,
            details={
                "closed": True,
                "deviations_skal": deviations.filter(strength="skal").count(),
                "deviations_bor": deviations.filter(strength="bør").count(),
            },
        )
    assessment.closed_at, assessment.closed_by = locked.closed_at, locked.closed_by
    return assessment


def create_action(
    *, actor, point: PointAssessment, title: str, owner: str, deadline
) -> ImprovementAction:
    """Turn a gap (a point of an assessment) into an improvement action in the plan phase."""
    problems = []
    if not title.strip():
        problems.append(Problem("title", _("skriv hva som skal gjøres")))
    if not owner.strip():
        problems.append(Problem("owner", _("skriv hvem som er ansvarlig")))
    if deadline is None:
        problems.append(Problem("deadline", _("sett en frist")))
    if problems:
        raise InputError(problems)
    now = timezone.now()
    with transaction.atomic():
        action = ImprovementAction.objects.create(
            municipality=point.municipality,
            point=point,
            guideline_id=point.assessment.guideline_id,
            recommendation_id=point.recommendation_id,
            title=title.strip()[:200],
            owner=owner.strip()[:150],
            deadline=deadline,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
            updated_at=now,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            target=action,
            municipality=point.municipality,
            details={
                "recommendation": action.recommendation_id,
                "point": point.point_id,
                "deadline": deadline.isoformat(),
            },
        )
    return action


def move_action(
    *, actor, action: ImprovementAction, status: str, note: str = "", deadline=None
) -> ImprovementAction:
    """Move an action on in its cycle (plan → do → evaluate → correct → do …, or done).

    Raises:
        InputError: the move does not follow the cycle.
    """
    if not can_move(action.status, status):
        raise InputError([Problem("status", _("tiltaket kan ikke gå til den fasen nå"))])
    with transaction.atomic():
        before = action.status
        action.status = status
        if note.strip():
            stamp = timezone.localdate().strftime("%d.%m.%Y")
            label = ActionStatus(status).label
            entry = f"{stamp} ({label}): {note.strip()}"
            action.notes = f"{action.notes}\n{entry}".strip()
        if deadline is not None:
            action.deadline = deadline
        action.updated_at = timezone.now()
        action.save(update_fields=["status", "notes", "deadline", "updated_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            target=action,
            municipality=action.municipality,
            details={"from": before, "to": status},
        )
    return action


def import_local_guideline(
    *, actor, municipality, data: bytes | str, source: str
) -> LocalGuideline:
    """Add (or replace) a municipality's own guideline file, validated as the national ones.

    Raises:
        InputError: every problem of the file, each naming the file and the key.
    """
    guideline = parse_local(data, source=source)  # from the text, so problems name lines
    raw = (
        data
        if not isinstance(data, bytes | str)
        else load_json(data, source=source, max_bytes=MAX_FILE_BYTES)
    )
    with transaction.atomic():
        local, created = LocalGuideline.objects.update_or_create(
            municipality=municipality,
            guideline_id=guideline.id,
            defaults={
                "title": guideline.title,
                "version": guideline.version,
                "content": raw,
                "imported_at": timezone.now(),
                "imported_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            target=local,
            municipality=municipality,
            details={
                "guideline": guideline.id,
                "version": guideline.version_label,
                "recommendations": len(guideline.recommendations),
            },
        )
    return local
